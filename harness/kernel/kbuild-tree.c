/*
 * kbuild-tree: a build's work tree under <cache>/src/<work id>: where it
 * lives, its lock (one build at a time in it), keeping tree/ the pristine
 * source (unpack once, move a git tree by its diff, re-sync a directory),
 * one object tree per configuration, and the series applied in place and
 * reversed, with the marker that says a build died with it applied.
 */
#include "harness/kernel/kbuild-steps.h"
#include "lib/lockfile.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_work(struct source *s, const char *work_id, const char *arch)
{
	s->work = xasprintf("%s/src/%s", cache_root(), work_id);
	s->tree = xasprintf("%s/tree", s->work);
	s->obj = NULL;   /* per config: kbuild_tree_obj() */
	s->cfg = xasprintf("%s/cfg-%s", s->work, arch);
	s->scratch = xasprintf("%s/scratch", s->work);
	s->marker = xasprintf("%s/series-applied", s->work);
}

/*
 * A tarball's work tree is named for its identity; a git tree's and a
 * directory's for their path ("gitpath-", "dirpath-"): moving a repository
 * between revisions, or editing a directory, rebuilds incrementally in the
 * same tree.
 */
void kbuild_tree_set(struct source *s, const char *arch)
{
	char pathhash[65], *wid;

	if (s->ref.ops->kind == SOURCE_TARBALL) {
		set_work(s, s->ref.id, arch);
		return;
	}
	sha256_hex(s->ref.path, strlen(s->ref.path), pathhash);
	wid = xasprintf("%s-%.16s", s->ref.ops->kind == SOURCE_GIT ? "gitpath" : "dirpath", pathhash);
	set_work(s, wid, arch);
	free(wid);
}

static void note_waiting(void *work)
{
	note("waiting for another build in '%s'", (const char *)work);
}

int kbuild_tree_lock(struct build *b)
{
	char *lp = xasprintf("%s/lock", b->src.work);

	if (mkdir_p(b->src.work, 0755)) {
		int e = errno;

		error("cannot create '%s': %m", b->src.work);
		free(lp);
		return kbuild_errno_status(e);
	}
	b->lockfd = lockfile_take(lp, 1, note_waiting, b->src.work);
	free(lp);
	if (b->lockfd == LOCKFILE_OPEN_FAILED)
		return error("cannot open the lock of '%s': %m", b->src.work), EXIT_IO;
	if (b->lockfd < 0)
		return error("cannot lock '%s': %m", b->src.work), EXIT_IO;
	return 0;
}

static int extract(struct build *b, const char *into, const char *log)
{
	struct source *s = &b->src;
	int st;

	if (s->ref.ops->kind == SOURCE_TARBALL) {
		char *argv[] = { "tar", "-xf", s->ref.path, "-C", (char *)into, "--strip-components=1", NULL };

		st = kbuild_run_logged(argv, NULL, log, b->verbose);
		if (st)
			return error("cannot unpack tarball '%s' (tar status %d): is it a kernel tarball? see '%s'",
				     s->ref.path, st, log), EXIT_BUILD;
		return 0;
	}
	if (s->ref.ops->kind == SOURCE_GIT) {
		char *tar = xasprintf("%s/source.tar", s->work);
		char *a1[] = { "git", "-C", s->ref.path, "archive", "--format=tar", "-o", tar, s->ref.rev, NULL };
		char *a2[] = { "tar", "-xf", tar, "-C", (char *)into, NULL };

		st = kbuild_run_logged(a1, NULL, log, b->verbose);
		if (!st)
			st = kbuild_run_logged(a2, NULL, log, b->verbose);
		unlink(tar);
		free(tar);
		if (st)
			return error("cannot export revision '%s' of '%s': see '%s'", s->ref.rev, s->ref.path, log),
			       EXIT_BUILD;
		return 0;
	}
	{
		char *from = xasprintf("%s/", s->ref.path), *to = xasprintf("%s/", into);
		/*
		 * By content, not mtime, and without copying mtimes: a file
		 * that really changed gets a fresh mtime (so make rebuilds
		 * it), and a file a reversed series touched keeps its own
		 * (restoring the source's older mtime would leave the patched
		 * object looking up to date).
		 */
		char *argv[] = { "rsync", "-rlp", "--checksum", "--delete", "--exclude=/.git", from, to, NULL };

		st = kbuild_run_logged(argv, NULL, log, b->verbose);
		free(from);
		free(to);
		if (st)
			return error("cannot copy '%s' (rsync status %d): see '%s'", s->ref.path, st, log), EXIT_BUILD;
	}
	return 0;
}

/* Paths from `git diff -z --name-status` output: deleted ones unlinked now, the others returned. */
static char **git_changed(struct build *b, const char *out, size_t len, size_t *n)
{
	char **paths = NULL;

	*n = 0;
	for (const char *p = out; p < out + len;) {
		const char *status = p, *path = p + strlen(p) + 1;

		if (path >= out + len)
			break;
		p = path + strlen(path) + 1;
		if (status[0] == 'D') {
			char *f = xasprintf("%s/%s", b->src.tree, path);

			unlink(f);
			free(f);
			continue;
		}
		paths = xrealloc(paths, (*n + 1) * sizeof(char *));
		paths[(*n)++] = xstrdup(path);
	}
	return paths;
}

/* Extract paths[0..n) of the commit into tree/ with fresh mtimes (tar -m), 256 at a time. */
static int git_extract_paths(struct build *b, char **paths, size_t n, const char *log)
{
	struct source *s = &b->src;
	char *tar = xasprintf("%s/part.tar", s->work);
	int st = 0;

	for (size_t i = 0; i < n && !st; i += 256) {
		size_t k = n - i < 256 ? n - i : 256, a = 0;
		char **argv = xcalloc(k + 12, sizeof(char *));
		char *x[] = { "tar", "-xmf", tar, "-C", s->tree, NULL };

		argv[a++] = "git";
		argv[a++] = "--literal-pathspecs";
		argv[a++] = "-C";
		argv[a++] = s->ref.path;
		argv[a++] = "archive";
		argv[a++] = "--format=tar";
		argv[a++] = "-o";
		argv[a++] = tar;
		argv[a++] = s->ref.commit;
		argv[a++] = "--";
		for (size_t j = 0; j < k; j++)
			argv[a++] = paths[i + j];
		st = kbuild_run_logged(argv, NULL, log, b->verbose);
		if (!st)
			st = kbuild_run_logged(x, NULL, log, b->verbose);
		free(argv);
	}
	unlink(tar);
	free(tar);
	return st;
}

/*
 * One object tree per (arch, final config) under the work tree: builds of
 * one source with different configs (a fragment changed, a nightly with two
 * configs, two users of one cache) no longer take turns rebuilding
 * everything in a shared tree, and a patched build still finds its base's
 * objects, because a series leaves the config alone.
 */
void kbuild_tree_obj(struct source *s, const char *arch, const char *config)
{
	char hex[65];

	sha256_hex(config, strlen(config), hex);
	free(s->obj);
	s->obj = xasprintf("%s/obj-%s-%.12s", s->work, arch, hex);
}

/* Every object tree of the work tree, when the source under them changes. */
static void remove_obj_trees(const struct source *s)
{
	DIR *d = opendir(s->work);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (!strncmp(e->d_name, "obj-", 4)) {
			char *p = xasprintf("%s/%s", s->work, e->d_name);

			remove_tree(p);
			free(p);
		}
	}
	if (d)
		closedir(d);
}

/*
 * Move a git work tree from commit `from` to the requested one, rewriting
 * only the files that differ (fresh mtimes, so make recompiles exactly
 * what changed, forwards or backwards) and keeping the object tree: this
 * is what makes each step of a bisection an incremental build. -1 when it
 * cannot (the caller then unpacks afresh).
 */
static int update_git_tree(struct build *b, const char *from, const char *idfile, const char *log)
{
	struct source *s = &b->src;
	char *argv[] = { "git", "-C", s->ref.path, "diff", "-z", "--no-renames", "--name-status", (char *)from,
			 s->ref.commit, NULL };
	struct spawn_opts o = { .capture = 1 };
	struct spawn_result r;
	char **paths;
	size_t n;
	int st;

	if (spawn_run(argv, &o, &r) || r.status) {
		spawn_result_free(&r);
		return -1;
	}
	/* no tree-id while files move: an interrupted move means unpacking afresh next time */
	unlink(idfile);
	paths = git_changed(b, r.out, r.out_len, &n);
	spawn_result_free(&r);
	note("moving the work tree of '%s' from %.12s to %.12s: %zu files to rewrite", s->ref.path, from, s->ref.commit, n);
	st = git_extract_paths(b, paths, n, log);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return st ? -1 : 0;
}

/*
 * Make tree/ hold the pristine source. Tarballs are unpacked once
 * (tree-id next to it records what); a git tree's work tree moves from
 * commit to commit by its diff (tree-id holds "<id> <commit>");
 * directories are re-synced each time, which only touches files that
 * changed.
 */
int kbuild_tree_prepare(struct build *b)
{
	struct source *s = &b->src;
	char *idfile = xasprintf("%s/tree-id", s->work);
	char *have = read_file(idfile, NULL);
	char *log = xasprintf("%s/prepare.log", s->work);
	char *want = s->ref.commit ? xasprintf("%s %s", s->ref.id, s->ref.commit) : xstrdup(s->ref.id);
	int r = 0;

	if (file_exists(s->marker)) {
		note("a build with a series applied was interrupted in '%s': starting that work tree afresh",
		     s->work);
		remove_tree(s->tree);
		remove_obj_trees(s);
		unlink(s->marker);
		free(have);
		have = NULL;
	}
	unlink(log);
	if (s->ref.ops->kind == SOURCE_DIR) {
		if (!have)
			remove_tree(s->tree);
		if (mkdir_p(s->tree, 0755))
			r = kbuild_errno_status(errno);
		else
			r = extract(b, s->tree, log);
	} else if (have && !strcmp(have, want)) {
		;   /* already there */
	} else if (have && s->ref.ops->kind == SOURCE_GIT && strchr(have, ' ') && file_exists(s->tree) &&
		   !update_git_tree(b, strchr(have, ' ') + 1, idfile, log)) {
		;   /* moved by its diff */
	} else {
		char *tmp = xasprintf("%s.new", s->tree);
		double t0 = now_monotonic();

		note("unpacking '%s'", s->ref.path);
		remove_tree(tmp);
		remove_tree(s->tree);
		remove_obj_trees(s);
		if (mkdir_p(tmp, 0755))
			r = kbuild_errno_status(errno);
		if (!r)
			r = extract(b, tmp, log);
		if (!r && rename(tmp, s->tree)) {
			int e = errno;

			error("cannot rename '%s': %m", tmp);
			r = kbuild_errno_status(e);
		}
		if (r)
			remove_tree(tmp);
		else
			note("unpacked '%s' in %.0f s", s->ref.path, now_monotonic() - t0);
		free(tmp);
	}
	if (!r && write_file_atomic(idfile, want, strlen(want))) {
		int e = errno;

		error("cannot write '%s': %m", idfile);
		r = kbuild_errno_status(e);
	}
	if (r && file_exists(log)) {
		char *text = read_file(log, NULL);

		if (text && strstr(text, "No space left on device"))
			r = EXIT_IO;
		free(text);
	}
	free(idfile);
	free(have);
	free(want);
	free(log);
	return r;
}

int kbuild_series_apply(struct build *b)
{
	char *list = xstrdup("");

	for (size_t i = 0; i < b->series.n; i++) {
		char *l = xasprintf("%s%s\n", list, b->series.patches[i].label);

		free(list);
		list = l;
	}
	/* the marker goes first: dying mid-apply must also look interrupted */
	if (mkdir_p(b->src.scratch, 0755) || write_file_atomic(b->src.marker, list, strlen(list))) {
		int e = errno;

		free(list);
		return error("cannot write '%s': %m", b->src.marker), kbuild_errno_status(e);
	}
	free(list);
	note("applying series '%s' (%zu patch%s)", b->series.name, b->series.n, b->series.n == 1 ? "" : "es");
	if (kpatch_apply(&b->series, b->src.tree, b->src.scratch)) {
		unlink(b->src.marker);
		return EXIT_BUILD;
	}
	b->applied = 1;
	return 0;
}

int kbuild_series_unapply(struct build *b)
{
	if (!b->applied)
		return 0;
	b->applied = 0;
	if (kpatch_reverse(&b->series, b->src.tree, b->src.scratch))
		return EXIT_BUILD;   /* the marker stays: the next build starts afresh */
	unlink(b->src.marker);
	return 0;
}
