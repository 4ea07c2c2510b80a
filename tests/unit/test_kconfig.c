/*
 * test_kconfig: fragment parsing, merging over a base .config, and the
 * verification that catches options Kconfig dropped (the ADVISE_SYSCALLS
 * trap of tinyconfig), including "is not set" requests and numeric values,
 * and the portable fragment's options that a kernel does not have.
 */
#include "harness/kernel/kconfig.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/*
 * A small source tree: mm/Kconfig.debug defines SLUB (indented) and BLOCK
 * (menuconfig); BASE_FULLER and a .git copy must not count for BASE_FULL.
 */
static void portable_checks(void)
{
	char tree[] = "/tmp/test_kconfig.XXXXXX", sub[600];
	struct kconfig_set want = { 0 };
	char *dropped, *skipped;

	mkdtemp(tree);
	snprintf(sub, sizeof(sub), "%s/mm", tree);
	mkdir(sub, 0755);
	put(tree, "mm/Kconfig.debug", "menu \"x\"\n\tconfig SLUB\n\tbool\nmenuconfig BLOCK\n");
	put(tree, "Kconfig", "config BASE_FULLER\n\tbool\nsource \"mm/Kconfig.debug\"\n");
	snprintf(sub, sizeof(sub), "%s/.git", tree);
	mkdir(sub, 0755);
	put(tree, ".git/Kconfig", "config BASE_FULL\n");
	is_int(kconfig_tree_defines(tree, "CONFIG_SLUB"), 1, "an indented config line in a nested Kconfig.* defines");
	is_int(kconfig_tree_defines(tree, "CONFIG_BLOCK"), 1, "a menuconfig line defines");
	is_int(kconfig_tree_defines(tree, "CONFIG_BASE_FULL"), 0, "neither a longer name nor .git defines");

	kconfig_parse(&want, "CONFIG_BASE_FULL=y\nCONFIG_SLUB=y\n", "ours", KCONFIG_PORTABLE);
	kconfig_parse(&want, "CONFIG_TYPO=y\n", "user", 0);
	is_int(kconfig_verify("CONFIG_64BIT=y\n", &want, tree, &dropped, &skipped), 2,
	       "an option the tree defines and a user's one are dropped");
	is_str(skipped, "CONFIG_BASE_FULL=y (asked by ours:1)\n", "a portable option the tree lacks is skipped");
	ok(strstr(dropped, "CONFIG_SLUB=y (now absent;") && strstr(dropped, "CONFIG_TYPO=y (now absent;"),
	   "the defined portable option and the user's typo are named");
	free(dropped);
	free(skipped);
	is_int(kconfig_verify("# CONFIG_BASE_FULL is not set\n", &want, tree, &dropped, &skipped), 3,
	       "a portable option Kconfig lists as not set is dropped, not skipped");
	is_str(skipped, "", "nothing skipped then");
	free(dropped);
	free(skipped);
	kconfig_set_free(&want);
	snprintf(sub, sizeof(sub), "rm -rf '%s'", tree);
	if (system(sub))
		fprintf(stderr, "# could not remove %s\n", tree);
}

int main(void)
{
	struct kconfig_set want = { 0 }, bad = { 0 };
	char *merged, *dropped, *skipped;
	const char *frag =
		"# comment\n"
		"CONFIG_GUP_TEST=y\n"
		"\n"
		"CONFIG_ADVISE_SYSCALLS=y\n"
		"# CONFIG_MODULES is not set\n"
		"CONFIG_NR_CPUS=8\n"
		"CONFIG_CMDLINE=\"console=ttyS0\"\n";
	const char *base =
		"CONFIG_64BIT=y\n"
		"# CONFIG_ADVISE_SYSCALLS is not set\n"
		"CONFIG_MODULES=y\n"
		"CONFIG_NR_CPUS=64\n";

	tap_plan(30);
	is_int(kconfig_parse(&want, frag, "frag", 0), 0, "a fragment with comments, numbers and strings parses");
	is_int((long long)want.n, 5, "five options requested");
	ok(kconfig_find(&want, "CONFIG_MODULES") && !kconfig_find(&want, "CONFIG_MODULES")->value,
	   "'# CONFIG_MODULES is not set' is a request for n");
	is_str(kconfig_find(&want, "CONFIG_NR_CPUS")->value, "8", "numeric value kept");
	is_str(kconfig_find(&want, "CONFIG_GUP_TEST")->origin, "frag:2", "origin names file and line");
	is_int(kconfig_parse(&want, "CONFIG_NR_CPUS=4\n", "later", 0), 0, "a later fragment parses");
	is_str(kconfig_find(&want, "CONFIG_NR_CPUS")->value, "4", "a later request replaces an earlier one");
	ok(kconfig_parse(&bad, "GUP_TEST=y\n", "bad", 0) < 0, "a line without CONFIG_ is rejected");
	ok(kconfig_parse(&bad, "CONFIG_X\n", "bad", 0) < 0, "a line without a value is rejected");

	merged = kconfig_merge(base, &want);
	ok(strstr(merged, "CONFIG_64BIT=y\n") != NULL, "merge keeps untouched base lines");
	ok(strstr(merged, "# CONFIG_ADVISE_SYSCALLS is not set") == NULL, "merge drops the base's line for a requested symbol");
	ok(strstr(merged, "CONFIG_ADVISE_SYSCALLS=y\n") != NULL, "merge appends the request");
	ok(strstr(merged, "CONFIG_MODULES=y") == NULL && strstr(merged, "# CONFIG_MODULES is not set\n"),
	   "merge turns a =y into 'is not set' when asked");
	is_int(kconfig_verify(merged, &want, NULL, &dropped, &skipped), 0, "the merged text satisfies every request");
	is_str(dropped, "", "nothing reported dropped");
	free(dropped);
	free(skipped);
	free(merged);

	/* what olddefconfig does with tinyconfig when a dependency is missing */
	const char *final =
		"CONFIG_GUP_TEST=y\n"
		"# CONFIG_ADVISE_SYSCALLS is not set\n"
		"CONFIG_MODULES=y\n"
		"CONFIG_NR_CPUS=64\n"
		"CONFIG_CMDLINE=\"console=ttyS0\"\n";
	is_int(kconfig_verify(final, &want, NULL, &dropped, &skipped), 3, "three dropped options found");
	ok(strstr(dropped, "CONFIG_ADVISE_SYSCALLS=y (now is not set; asked by frag:4)") != NULL,
	   "a dropped =y option is named with its origin");
	ok(strstr(dropped, "CONFIG_MODULES is not set (now y;") != NULL, "a violated 'is not set' is named");
	ok(strstr(dropped, "CONFIG_NR_CPUS=4 (now 64;") != NULL, "a changed numeric value is named");
	free(dropped);
	free(skipped);

	/* an invisible symbol is absent from .config: that satisfies "is not set" only */
	is_int(kconfig_verify("CONFIG_GUP_TEST=y\n", &want, NULL, &dropped, &skipped), 3, "absent options count as not set");
	ok(strstr(dropped, "CONFIG_MODULES") == NULL, "absent satisfies 'is not set'");
	ok(strstr(dropped, "CONFIG_ADVISE_SYSCALLS=y (now absent;") != NULL, "absent fails '=y'");
	free(dropped);
	free(skipped);

	kconfig_set_free(&want);
	kconfig_set_free(&bad);
	portable_checks();
	return tap_done();
}
