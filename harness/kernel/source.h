/*
 * source: what a kernel source is and how it is identified, one row of
 * source_kinds[] per kind (tarball, directory, git tree) with its name and
 * its identity function. kbuild keys its cache on the identity; nightly
 * names a night by it (a git night by its commit, which a person knows).
 *
 * Identities: a tarball, the SHA-256 of its bytes (remembered under the
 * cache keyed by path, size, mtime and inode, so a second look is free); a
 * directory, the SHA-256 of the sorted list of "path size mtime" of every
 * file but .git (cheap, and any edit changes an mtime); a git tree, the
 * tree object of the revision (content, not history). Also the few reads
 * of a git tree that bisect needs (status, first-parent line, ancestry),
 * and the resolution of a build request's --source/--rev into a kind, a
 * path and an identity.
 */
#ifndef GUPBENCH_SOURCE_H
#define GUPBENCH_SOURCE_H

#include <stddef.h>

enum source_kind { SOURCE_TARBALL, SOURCE_DIR, SOURCE_GIT };
enum { SOURCE_NKINDS = SOURCE_GIT + 1 };

struct source_ops {
	enum source_kind kind;
	const char *name;        /* for people and meta.json: "tarball", "directory", "git" */
	const char *id_prefix;   /* of a cache source id: "tar", "dir", "git" */
	const char *config_key;  /* the key naming it in a nightly source: "tarball", "dir", "git" */
	/* The identity of path (for git: of revision rev in it), as hex;
	 * malloc'd, or NULL (errno set, or an unknown revision). */
	char *(*identity)(const char *path, const char *rev);
};

const struct source_ops *source_ops_of(enum source_kind kind);

/* A source as a build request names it, resolved. */
struct source_ref {
	const struct source_ops *ops;
	char *path;      /* absolute */
	char *rev;       /* git only */
	char *commit;    /* git only: the commit rev names */
	char *id;        /* "<id_prefix>-<identity>": goes into the cache key */
};
/*
 * Resolve source (a tarball, a kernel source directory, or with rev a git
 * tree) into *s, which starts zeroed and is freed with source_ref_free
 * also on failure. Returns 0, or after one "error:" line EXIT_USAGE (no
 * such path, unknown revision, --rev on a file), EXIT_BUILD (unreadable,
 * not a kernel tree) or EXIT_ENV (rsync, which copies directories, missing).
 */
int source_resolve(const char *source, const char *rev, struct source_ref *s);
void source_ref_free(struct source_ref *s);

/* The commit rev names in the git tree path (stderr kept quiet); malloc'd or NULL. */
char *source_git_commit(const char *path, const char *rev);

/*
 * Reading a git tree for bisect (never writing it). Each returns malloc'd
 * text or NULL when git fails (not a git tree, unknown revision).
 */
/* The top directory of the work tree holding path. */
char *source_git_toplevel(const char *path);
/* The first local change to a tracked file ("git status --porcelain" line), "" when clean. */
char *source_git_changes(const char *path);
/* Is commit a an ancestor of commit b (or b itself)? */
int source_git_is_ancestor(const char *path, const char *a, const char *b);

struct source_commit {
	char *sha, *subject;
};
/* good, then the first-parent commits after it up to bad, oldest first; 0, or -1 when git fails. */
int source_git_line(const char *path, const char *good, const char *bad, struct source_commit **c, size_t *n);
void source_commits_free(struct source_commit *c, size_t n);

#endif
