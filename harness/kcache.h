/*
 * kcache: the content-addressed kernel cache. An entry lives in
 * <cache_root()>/kernels/<key>/ and holds the boot image (bzImage, or Image
 * on arm64), .config, the fragments, build.log, release and meta.json. A
 * name (e.g. "linux-6.12" or "linux-6.12+gupbench-no-thp-batch") points at
 * an entry through <cache_root()>/names/<name> (a symlink to ../kernels/<key>).
 * Entries are built in a temporary directory and renamed into place.
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

#endif
