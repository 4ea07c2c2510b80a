/*
 * test_kcache: the cache's on-disk contract that the run stage relies on:
 * an entry appears only by commit, names resolve (also by key prefix),
 * kcache_config_has reads the entry's .config, rm drops an entry only when
 * no other name uses it, and the request memo maps to live entries only.
 * Works in a scratch GUPBENCH_CACHE under /tmp.
 */
#include "harness/kernel/kcache.h"
#include "lib/util.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static char *make_entry(const char *key, const char *name)
{
	char *tmp = kcache_tmp_dir(key), *p;
	const char *meta_fmt = "{\"name\": \"%s\", \"key\": \"%s\", \"release\": \"6.12.0\", \"arch\": \"x86_64\", "
			       "\"image\": \"bzImage\", \"series\": {\"name\": \"s1\"}}";
	char *meta = xasprintf(meta_fmt, name, key);

	p = xasprintf("%s/meta.json", tmp);
	write_file_atomic(p, meta, strlen(meta));
	free(p);
	p = xasprintf("%s/.config", tmp);
	{
		const char *cfg = "CONFIG_NUMA=y\n# CONFIG_KVM_GUEST is not set\nCONFIG_GUP_TEST=y\n";

		write_file_atomic(p, cfg, strlen(cfg));
	}
	free(p);
	free(meta);
	return tmp;
}

int main(void)
{
	char tmpl[] = "/tmp/gupbench-test-kcache.XXXXXX";
	char *root = mkdtemp(tmpl), *tmp, **names, key[65];
	const char *k1 = "1111111111111111111111111111111111111111111111111111111111111111";
	const char *k2 = "2222222222222222222222222222222222222222222222222222222222222222";
	struct kernel_entry e;
	int n;

	tap_plan(32);
	setenv("GUPBENCH_CACHE", root, 1);
	unsetenv("GUPBENCH_NAMES");   /* the suite's own namespace (tests/lib.sh): this test has its cache */
	tmp = make_entry(k1, "linux-6.12");
	ok(tmp != NULL, "a temporary entry directory is created");
	ok(!kcache_has_key(k1), "a temporary entry is not an entry");
	is_int(kcache_commit(tmp, k1), 0, "commit renames it into place");
	ok(kcache_has_key(k1), "the committed entry exists");
	free(tmp);
	is_int(kcache_lookup("linux-6.12", &e), -1, "no name yet, no lookup");
	is_int(kcache_set_name("linux-6.12", k1), 0, "a name is set");
	is_int(kcache_lookup("linux-6.12", &e), 0, "lookup by name");
	is_str(e.release, "6.12.0", "release from meta.json");
	is_str(e.series, "s1", "series name from meta.json");
	ok(e.image && strstr(e.image, "/kernels/1111") && strstr(e.image, "/bzImage"), "image path inside the entry");
	ok(kcache_config_has(&e, "NUMA"), "config_has finds CONFIG_NUMA=y");
	ok(kcache_config_has(&e, "CONFIG_GUP_TEST"), "config_has accepts the CONFIG_ prefix");
	ok(!kcache_config_has(&e, "KVM_GUEST"), "config_has is false for 'is not set'");
	ok(!kcache_config_has(&e, "GUP"), "config_has matches whole symbols only");
	kernel_entry_free(&e);
	is_int(kcache_lookup("11111111", &e), 0, "lookup by key prefix");
	kernel_entry_free(&e);
	is_int(kcache_lookup("../kernels", &e), -1, "a name with a slash is refused");

	tmp = make_entry(k2, "other");
	kcache_commit(tmp, k2);
	free(tmp);
	kcache_set_name("other", k2);
	kcache_set_name("alias", k2);
	n = kcache_names(&names);
	is_int(n, 3, "three names");
	ok(n == 3 && !strcmp(names[0], "alias") && !strcmp(names[2], "other"), "names are sorted");
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	is_int(kcache_set_name("linux-6.12", k2), 0, "a name can be moved to another entry");
	is_int(kcache_lookup("linux-6.12", &e), 0, "the moved name resolves");
	is_str(e.key, k2, "to the new entry");
	kernel_entry_free(&e);

	is_int(kcache_remove("alias"), 0, "rm of one of two names");
	ok(kcache_has_key(k2), "the entry stays while another name uses it");
	is_int(kcache_remove("other"), 0, "rm of the second name");
	ok(kcache_has_key(k2), "still used by linux-6.12");
	is_int(kcache_remove("linux-6.12"), 0, "rm of the last name");
	ok(!kcache_has_key(k2), "the entry goes with its last name");
	ok(kcache_remove("nosuch") < 0, "rm of an unknown name fails");

	is_int(kcache_memo_put("req1", k1), 0, "memo put");
	ok(kcache_memo_get("req1", key) == 0 && !strcmp(key, k1), "memo get returns the key");
	is_int(kcache_memo_put("req2", k2), 0, "memo put for a removed entry");
	ok(kcache_memo_get("req2", key) < 0, "a memo pointing at a removed entry is a miss");
	remove_tree(root);
	return tap_done();
}
