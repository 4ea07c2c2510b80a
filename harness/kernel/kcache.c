/*
 * kcache: the content-addressed kernel cache on disk (see kcache.h). Names
 * are symlinks so that one entry can carry several names and renaming a
 * name is a single atomic rename(2); entries appear only by renaming a
 * finished temporary directory, so a reader never sees half an entry.
 */
#include "harness/kernel/kcache.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *sub(const char *what)
{
	return xasprintf("%s/%s", cache_root(), what);
}

/* The names directory: GUPBENCH_NAMES (a namespace of its own, e.g. a test
 * suite's, over the shared entries), else <cache_root()>/names. */
static char *names_dir(void)
{
	const char *env = getenv("GUPBENCH_NAMES");

	return env && *env ? xstrdup(env) : sub("names");
}

char *kcache_entry_dir(const char *key)
{
	return xasprintf("%s/kernels/%s", cache_root(), key);
}

int kcache_has_key(const char *key)
{
	char *d = kcache_entry_dir(key), *m = xasprintf("%s/meta.json", d);
	int r = file_exists(m);

	free(m);
	free(d);
	return r;
}

static int valid_name(const char *name)
{
	return *name && name[0] != '.' && !strchr(name, '/') && strlen(name) < 200;
}

/* Entry directory a name resolves to: a names/ symlink, a key, or a unique key prefix. */
static char *resolve(const char *name)
{
	char *link, buf[PATH_MAX], *dir = NULL;
	ssize_t n;

	if (!valid_name(name))
		return NULL;
	dir = names_dir();
	link = xasprintf("%s/%s", dir, name);
	free(dir);
	dir = NULL;
	n = readlink(link, buf, sizeof(buf) - 1);
	free(link);
	if (n > 0) {
		const char *key;

		buf[n] = '\0';
		key = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
		return kcache_has_key(key) ? kcache_entry_dir(key) : NULL;
	}
	if (strlen(name) >= 8 && strspn(name, "0123456789abcdef") == strlen(name)) {
		char *kd = sub("kernels");
		DIR *d = opendir(kd);
		struct dirent *e;
		int hits = 0;

		while (d && (e = readdir(d)))
			if (!strncmp(e->d_name, name, strlen(name)) && kcache_has_key(e->d_name)) {
				free(dir);
				dir = kcache_entry_dir(e->d_name);
				hits++;
			}
		if (d)
			closedir(d);
		free(kd);
		if (hits != 1) {
			free(dir);
			dir = NULL;
		}
	}
	return dir;
}

static char *json_str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? xstrdup(v) : NULL;
}

int kcache_lookup(const char *name, struct kernel_entry *out)
{
	char *dir = resolve(name), *mp, *text;
	json_t *meta;
	json_error_t jerr;

	memset(out, 0, sizeof(*out));
	if (!dir)
		return -1;
	mp = xasprintf("%s/meta.json", dir);
	text = read_file(mp, NULL);
	free(mp);
	meta = text ? json_loads(text, 0, &jerr) : NULL;
	if (!meta) {
		free(text);
		free(dir);
		return -1;
	}
	out->name = json_str(meta, "name");
	out->key = json_str(meta, "key");
	out->release = json_str(meta, "release");
	out->arch = json_str(meta, "arch");
	out->series = json_str(json_object_get(meta, "series"), "name");
	{
		const char *img = json_string_value(json_object_get(meta, "image"));

		out->image = xasprintf("%s/%s", dir, img ? img : "bzImage");
	}
	out->config = xasprintf("%s/.config", dir);
	out->dir = dir;
	out->meta_json = text;
	json_decref(meta);
	if (!out->name || !out->key) {
		kernel_entry_free(out);
		return -1;
	}
	return 0;
}

void kernel_entry_free(struct kernel_entry *e)
{
	free(e->name);
	free(e->key);
	free(e->dir);
	free(e->image);
	free(e->config);
	free(e->release);
	free(e->arch);
	free(e->series);
	free(e->meta_json);
	memset(e, 0, sizeof(*e));
}

int kcache_names(char ***names)
{
	char *nd = names_dir();
	DIR *d = opendir(nd);
	struct dirent *e;
	int n = 0;

	*names = NULL;
	free(nd);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *dir;

		if (e->d_name[0] == '.' || !(dir = resolve(e->d_name)))
			continue;
		free(dir);
		*names = xrealloc(*names, (size_t)(n + 1) * sizeof(char *));
		(*names)[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(*names, (size_t)n, sizeof(char *), cmp_strp);
	return n;
}

int kcache_config_has(const struct kernel_entry *e, const char *opt)
{
	char *text = read_file(e->config, NULL);
	char *want;
	const char *p;
	int found = 0;

	if (!text)
		return 0;
	want = xasprintf("%s%s=y\n", strncmp(opt, "CONFIG_", 7) ? "CONFIG_" : "", opt);
	for (p = text; (p = strstr(p, want)); p++)
		if (p == text || p[-1] == '\n') {
			found = 1;
			break;
		}
	free(want);
	free(text);
	return found;
}

char *kcache_tmp_dir(const char *key)
{
	char *kd = sub("kernels");
	char *tmp = xasprintf("%s/.tmp-%s-%d", kd, key, (int)getpid());

	if (mkdir_p(kd, 0755) || remove_tree(tmp) || mkdir(tmp, 0755)) {
		error("cannot create '%s': %m", tmp);
		free(kd);
		free(tmp);
		return NULL;
	}
	free(kd);
	return tmp;
}

int kcache_commit(const char *tmp, const char *key)
{
	char *dir = kcache_entry_dir(key);
	int r = 0;

	if (rename(tmp, dir)) {
		if (errno == EEXIST || errno == ENOTEMPTY)
			remove_tree(tmp);   /* a concurrent build of the same key finished first */
		else
			r = error("cannot move '%s' to '%s': %m", tmp, dir);
	}
	free(dir);
	return r;
}

int kcache_set_name(const char *name, const char *key)
{
	char *nd = names_dir(), *link, *tmp, *target;
	int r = 0;

	if (!valid_name(name)) {
		free(nd);
		return error("'%s' is not a valid kernel name: no '/', no leading '.'", name);
	}
	link = xasprintf("%s/%s", nd, name);
	tmp = xasprintf("%s/.%s.%d", nd, name, (int)getpid());
	/* relative inside the cache (it can move), absolute from elsewhere */
	target = getenv("GUPBENCH_NAMES") && *getenv("GUPBENCH_NAMES") ? kcache_entry_dir(key)
								       : xasprintf("../kernels/%s", key);
	unlink(tmp);
	if (mkdir_p(nd, 0755) || symlink(target, tmp) || rename(tmp, link)) {
		r = error("cannot name '%s' in '%s': %m", name, nd);
		unlink(tmp);
	}
	free(nd);
	free(link);
	free(tmp);
	free(target);
	return r;
}

int kcache_remove(const char *name)
{
	char *dir = resolve(name), *nd = names_dir(), *link = xasprintf("%s/%s", nd, name);
	char **names = NULL;
	int n, still = 0, r = 0;

	if (!dir) {
		free(nd);
		free(link);
		return error("no cached kernel named '%s'; see 'gupharness kernel list'", name);
	}
	unlink(link);
	n = kcache_names(&names);
	for (int i = 0; i < n; i++) {
		char *other = resolve(names[i]);

		still |= other && !strcmp(other, dir);
		free(other);
		free(names[i]);
	}
	free(names);
	/* a namespace of its own (GUPBENCH_NAMES) cannot see the cache's other
	 * names: it drops its name and leaves the shared entry */
	if (!still && !(getenv("GUPBENCH_NAMES") && *getenv("GUPBENCH_NAMES"))) {
		/* rename first, so a half-deleted entry never looks complete */
		char *gone = xasprintf("%s.rm-%d", dir, (int)getpid());

		if (rename(dir, gone) || remove_tree(gone))
			r = error("cannot remove '%s': %m", dir);
		free(gone);
	}
	free(dir);
	free(nd);
	free(link);
	return r;
}

void kcache_sweep_tmp(void)
{
	char *kd = sub("kernels");
	DIR *d = opendir(kd);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		const char *dash;
		char *p;

		if (strncmp(e->d_name, ".tmp-", 5) && !strstr(e->d_name, ".rm-"))
			continue;
		dash = strrchr(e->d_name, '-');
		if (!dash || (kill(atoi(dash + 1), 0) == 0 || errno != ESRCH))
			continue;
		p = xasprintf("%s/%s", kd, e->d_name);
		remove_tree(p);
		free(p);
	}
	if (d)
		closedir(d);
	free(kd);
}

int kcache_memo_get(const char *request, char key[65])
{
	char *p = xasprintf("%s/requests/%s", cache_root(), request);
	char *text = read_file(p, NULL);
	int r = -1;

	free(p);
	if (text && strlen(text) >= 64 && strspn(text, "0123456789abcdef") >= 64) {
		memcpy(key, text, 64);
		key[64] = '\0';
		r = kcache_has_key(key) ? 0 : -1;
	}
	free(text);
	return r;
}

int kcache_memo_put(const char *request, const char *key)
{
	char *d = sub("requests"), *p = xasprintf("%s/%s", d, request);
	char *line = xasprintf("%s\n", key);
	int r = 0;

	if (mkdir_p(d, 0755) || write_file_atomic(p, line, strlen(line)))
		r = error("cannot write '%s': %m", p);
	free(d);
	free(p);
	free(line);
	return r;
}
