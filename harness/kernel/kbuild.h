/*
 * kbuild: turning (source, series, fragments, arch) into a cached kernel.
 * Sources are a tarball (identity: its sha256; extracted once), a directory
 * (copied without .git with rsync, never built in) or a git tree plus a
 * revision (git archive of that revision; the user's checkout is only
 * read). Each source gets a work tree under <cache_root()>/src/<id>/ with
 * tree/ (the sources, ours to patch) and obj-<arch>/ (an O= object tree
 * kept between builds); a git tree has one work tree for all its
 * revisions (src/gitpath-<hash of its path>/), moved from one commit to
 * the next by rewriting only the files their diff names, so building
 * another revision (a bisection step) is an incremental build. With
 * ccache, CCACHE_BASEDIR is the work trees' parent, so compiles hit the
 * cache across work trees. A series is applied in place, built, and reversed:
 * reversed files get fresh mtimes, so the next build recompiles exactly
 * them. A marker file says a series is applied; finding it at the start
 * means an earlier build died, and the work tree is rebuilt from scratch.
 * flock keeps two builds out of one work tree.
 */
#ifndef GUPBENCH_KBUILD_H
#define GUPBENCH_KBUILD_H

struct kbuild_req {
	const char *source;      /* tarball, source directory or git tree */
	const char *rev;         /* git revision, or NULL */
	const char *series;      /* series directory or mbox, or NULL */
	const char **fragments;  /* user fragments, merged after the default one */
	int nfragments;
	int no_default_fragment; /* leave harness/configs/gupbench.config out */
	const char *name;        /* NULL: the default name */
	const char *arch;        /* "x86_64" */
	int jobs;                /* 0: nproc + 1 */
	int verbose;             /* V=1: every command on stderr */
	int force;               /* rebuild even when the cache has the kernel */
	int replace;             /* move name even when it points at another build */
};

struct kbuild_result {
	char key[65];
	char *name;
	int hit;                 /* answered from the cache */
	double seconds;          /* wall time of the whole request */
};

/*
 * Build (or find) the kernel. Returns an exit status from util.h after at
 * most a few "error:" lines: EXIT_ENV (source or tool missing), EXIT_REFUSED (name is
 * another build's, see kname.h), EXIT_USAGE
 * (unknown arch or revision, bad name), EXIT_BUILD (unreadable tarball,
 * patch, dropped config option, compile error), EXIT_IO (disk full),
 * EXIT_INTERRUPTED. On any failure the cache holds no new entry.
 */
int kbuild_build(const struct kbuild_req *req, struct kbuild_result *res);
void kbuild_result_free(struct kbuild_result *res);

/* Default kernel name for a source path: "linux-source-6.12.tar.xz" -> "linux-6.12". */
char *kbuild_default_name(const char *source, const char *rev);

#endif
