/*
 * kcache: the content-addressed kernel cache. An entry lives in
 * <cache_root()>/kernels/<key>/ and holds the boot image (bzImage, or Image
 * on arm64), .config, the fragments, build.log, release and meta.json. A
 * name (e.g. "linux-6.12" or "linux-6.12+gupbench-no-thp-batch") points at
 * an entry through <cache_root()>/names/<name> (a symlink to ../kernels/<key>).
 * Entries are built in a temporary directory and renamed into place.
 * GUPBENCH_NAMES points the names at another directory (absolute symlinks):
 * a namespace of its own over the shared entries, as the test suite uses
 * so its kernels never show in the user's 'kernel list'; removing a name
 * there never removes an entry.
 */
#ifndef GUPBENCH_KCACHE_H
#define GUPBENCH_KCACHE_H

struct kernel_entry {
	char *name;
	char *key;
	char *dir;          /* the entry directory */
	char *image;        /* path of the boot image */
	char *config;       /* path of .config */
	char *release;      /* uname -r */
	char *arch;         /* x86_64, arm64 */
	char *series;       /* NULL for a base kernel */
	char *meta_json;    /* the whole meta.json text */
};

/* Look a name up; 0 on success, -1 when unknown (nothing printed). */
int kcache_lookup(const char *name, struct kernel_entry *out);
/* All names, sorted; returns count, *names freshly allocated. */
int kcache_names(char ***names);
void kernel_entry_free(struct kernel_entry *e);
/* Does the entry's .config have CONFIG_<opt>=y? (e.g. "NUMA") */
int kcache_config_has(const struct kernel_entry *e, const char *opt);

/*
 * The writer side, used by kbuild and `kernel rm`. Functions returning int
 * give 0, or -1 after one "error:" line with errno kept (ENOSPC for a full
 * disk).
 */
/* <cache_root()>/kernels/<key>, freshly allocated. */
char *kcache_entry_dir(const char *key);
/* Does kernels/<key> exist (a complete entry)? */
int kcache_has_key(const char *key);
/* A new empty kernels/.tmp-<key>-<pid> directory, freshly allocated, or NULL. */
char *kcache_tmp_dir(const char *key);
/* Rename tmp to kernels/<key> (an existing entry wins; tmp is then removed). */
int kcache_commit(const char *tmp, const char *key);
/* Point names/<name> at kernels/<key>, replacing an older target atomically. */
int kcache_set_name(const char *name, const char *key);
/* Drop names/<name>; the entry too when no other name points at it (never
 * under GUPBENCH_NAMES). */
int kcache_remove(const char *name);
/* Remove kernels/.tmp-* left by builds whose process is gone. */
void kcache_sweep_tmp(void);
/*
 * The request memo: a hash of everything a build is asked for (source id,
 * series hash, fragments, compiler, arch) maps to the key of the entry it
 * produced, so a repeated request is answered without running Kconfig.
 */
int kcache_memo_get(const char *request, char key[65]);
int kcache_memo_put(const char *request, const char *key);

#endif
