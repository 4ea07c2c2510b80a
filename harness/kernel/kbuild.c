/* long file: split pending: source resolution, work tree, config, make and its progress, cache entry, pipeline (docs/architecture.md) */
/*
 * kbuild: the kernel build pipeline behind `gupharness kernel build`:
 * resolve the source to an identity, answer repeated requests from the
 * request memo, prepare the per-source work tree, apply the series, make
 * the config (tinyconfig + fragments + olddefconfig, verified), hash the
 * cache key, run make with a progress line, collect the entry into a
 * temporary directory and rename it into the cache. See kbuild.h.
 */
#include "harness/kernel/kbuild.h"
#include "harness/kernel/arch.h"
#include "harness/kernel/kcache.h"
#include "harness/kernel/kname.h"
#include "harness/kernel/kconfig.h"
#include "harness/kernel/kpatch.h"
#include "harness/kernel/source.h"
#include "lib/spawn.h"
#include "lib/lockfile.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

/* Bump when the build recipe changes in a way that changes the product. */
#define RECIPE "gupbench-kbuild-1"

struct source {
	const struct source_ops *ops;
	char *path;      /* absolute */
	char *rev;       /* git only */
	char *commit;    /* git only: the commit rev names */
	char *id;        /* content identity: goes into the cache key */
	char *work;      /* <cache>/src/<work id> */
	char *tree, *obj, *cfg, *scratch, *marker;
};

/* Per-build state shared by the steps below. */
struct build {
	const struct kbuild_req *req;
	const struct arch_info *arch;
	struct source src;
	struct kseries series;
	int have_series, applied;
	char *cc;               /* "gcc" or "ccache gcc" */
	char *compiler;         /* first line of gcc --version */
	char *name;
	json_t *frag_sha;       /* each fragment's sha256, in merge order */
	char *tmp;              /* temporary entry directory */
	int lockfd;
	int enospc;
	int headers_built;      /* the image's make also installed usr/include */
	/* progress */
	int log_fd, tty, verbose;
	double t0, last_print;
	int objects, est;
	char line[4096];
	size_t line_len;
};

static int status_for_errno(int e)
{
	return e == ENOSPC || e == EDQUOT ? EXIT_IO : EXIT_BUILD;
}

char *kbuild_default_name(const char *source, const char *rev)
{
	char *s = xstrdup(source), *base, *p, *name;
	static const char *const exts[] = { ".tar.xz", ".tar.gz", ".tar.bz2", ".tar.zst", ".tgz", ".tar" };

	while (strlen(s) > 1 && s[strlen(s) - 1] == '/')
		s[strlen(s) - 1] = '\0';
	base = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t bl = strlen(base), el = strlen(exts[i]);

		if (bl > el && !strcmp(base + bl - el, exts[i])) {
			base[bl - el] = '\0';
			break;
		}
	}
	if (!strncmp(base, "linux-source-", 13))
		name = xasprintf("linux-%s", base + 13);
	else
		name = xstrdup(base);
	if (rev) {
		char *n = xasprintf("%s-%s", name, rev);

		free(name);
		name = n;
	}
	for (p = name; *p; p++)
		if (*p == '/' || *p == ' ')
			*p = '-';
	free(s);
	return name;
}

/* Run argv quietly, output appended to log (or discarded); returns the exit status or -1. */
static int run_logged(char *const argv[], const char *cwd, const char *log, int verbose)
{
	struct spawn_opts o = { .cwd = cwd, .stdout_path = log ? log : "/dev/null",
				.out_append = 1, .merge_stderr = 1 };
	struct spawn_result r;

	if (verbose) {
		char *s = argv_to_string(argv);

		fprintf(stderr, "+ %s\n", s);
		free(s);
	}
	if (spawn_run(argv, &o, &r))
		return -1;
	return r.status;
}

/* Capture the first line of a command's output; NULL on failure. */
static char *first_line(char *const argv[], const char *cwd)
{
	struct spawn_opts o = { .cwd = cwd, .capture = 1 };
	struct spawn_result r;
	char *line = NULL;

	if (spawn_run(argv, &o, &r) == 0 && r.status == 0 && r.out) {
		r.out[strcspn(r.out, "\n")] = '\0';
		line = xstrdup(r.out);
	}
	spawn_result_free(&r);
	return line;
}

static void set_work(struct source *s, const char *work_id, const char *arch)
{
	s->work = xasprintf("%s/src/%s", cache_root(), work_id);
	s->tree = xasprintf("%s/tree", s->work);
	s->obj = NULL;   /* per config: obj_for_config() */
	s->cfg = xasprintf("%s/cfg-%s", s->work, arch);
	s->scratch = xasprintf("%s/scratch", s->work);
	s->marker = xasprintf("%s/series-applied", s->work);
}

/* A work tree named for the source's path ("gitpath-", "dirpath-"): an
 * edited directory or a repository moved between revisions rebuilds
 * incrementally in the same tree. */
static void set_work_by_path(struct source *s, const char *prefix, const char *real, const char *arch)
{
	char pathhash[65], *wid;

	sha256_hex(real, strlen(real), pathhash);
	wid = xasprintf("%s-%.16s", prefix, pathhash);
	set_work(s, wid, arch);
	free(wid);
}

static int resolve_source(struct build *b)
{
	const struct kbuild_req *q = b->req;
	struct source *s = &b->src;
	struct stat st;
	char *id, *real;

	if (!q->source)
		return error("no kernel source: give --source TARBALL|DIR"), EXIT_USAGE;
	real = realpath(q->source, NULL);
	if (!real || stat(real, &st)) {
		free(real);
		return error("kernel source '%s' not found: give a tarball, a source directory or a git tree",
			     q->source), EXIT_USAGE;
	}
	s->path = real;
	if (S_ISREG(st.st_mode)) {
		if (q->rev)
			return error("--rev needs a git tree, and '%s' is a file", q->source), EXIT_USAGE;
		s->ops = source_ops_of(SOURCE_TARBALL);
		if (!(id = s->ops->identity(real, NULL)))
			return error("cannot read tarball '%s': %m; check its permissions", real), EXIT_BUILD;
		s->id = xasprintf("%s-%s", s->ops->id_prefix, id);
		free(id);
		set_work(s, s->id, b->arch->name);
		return 0;
	}
	if (q->rev) {
		s->ops = source_ops_of(SOURCE_GIT);
		if (!(id = s->ops->identity(real, q->rev)) || !(s->commit = source_git_commit(real, q->rev))) {
			free(id);
			return error("unknown revision '%s' in '%s': check 'git -C %s log %s'", q->rev, real,
				     real, q->rev), EXIT_USAGE;
		}
		s->rev = xstrdup(q->rev);
		s->id = xasprintf("%s-%s", s->ops->id_prefix, id);
		free(id);
		/* one work tree per repository: moving it between revisions rewrites only what differs */
		set_work_by_path(s, "gitpath", real, b->arch->name);
		return 0;
	}
	{
		char *mk = xasprintf("%s/Makefile", real), *kb = xasprintf("%s/Kbuild", real);
		int ok = file_exists(mk) && file_exists(kb);

		free(mk);
		free(kb);
		if (!ok)
			return error("'%s' is not a kernel source tree (no Makefile and Kbuild)", real), EXIT_BUILD;
	}
	if (!have_program("rsync"))
		return error("'rsync' not found: it copies directory sources; apt-get install rsync"), EXIT_ENV;
	s->ops = source_ops_of(SOURCE_DIR);
	if (!(id = s->ops->identity(real, NULL)))
		return error("cannot list kernel source '%s': %m", real), EXIT_BUILD;
	s->id = xasprintf("%s-%s", s->ops->id_prefix, id);
	free(id);
	/* the work tree follows the path, so an edited directory rebuilds incrementally */
	set_work_by_path(s, "dirpath", real, b->arch->name);
	return 0;
}

/* ---- work tree ---- */

static void note_waiting(void *work)
{
	note("waiting for another build in '%s'", (const char *)work);
}

static int lock_work(struct build *b)
{
	char *lp = xasprintf("%s/lock", b->src.work);

	if (mkdir_p(b->src.work, 0755)) {
		int e = errno;

		error("cannot create '%s': %m", b->src.work);
		free(lp);
		return status_for_errno(e);
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

	if (s->ops->kind == SOURCE_TARBALL) {
		char *argv[] = { "tar", "-xf", s->path, "-C", (char *)into, "--strip-components=1", NULL };

		st = run_logged(argv, NULL, log, b->verbose);
		if (st)
			return error("cannot unpack tarball '%s' (tar status %d): is it a kernel tarball? see '%s'",
				     s->path, st, log), EXIT_BUILD;
		return 0;
	}
	if (s->ops->kind == SOURCE_GIT) {
		char *tar = xasprintf("%s/source.tar", s->work);
		char *a1[] = { "git", "-C", s->path, "archive", "--format=tar", "-o", tar, s->rev, NULL };
		char *a2[] = { "tar", "-xf", tar, "-C", (char *)into, NULL };

		st = run_logged(a1, NULL, log, b->verbose);
		if (!st)
			st = run_logged(a2, NULL, log, b->verbose);
		unlink(tar);
		free(tar);
		if (st)
			return error("cannot export revision '%s' of '%s': see '%s'", s->rev, s->path, log),
			       EXIT_BUILD;
		return 0;
	}
	{
		char *from = xasprintf("%s/", s->path), *to = xasprintf("%s/", into);
		/*
		 * By content, not mtime, and without copying mtimes: a file
		 * that really changed gets a fresh mtime (so make rebuilds
		 * it), and a file a reversed series touched keeps its own
		 * (restoring the source's older mtime would leave the patched
		 * object looking up to date).
		 */
		char *argv[] = { "rsync", "-rlp", "--checksum", "--delete", "--exclude=/.git", from, to, NULL };

		st = run_logged(argv, NULL, log, b->verbose);
		free(from);
		free(to);
		if (st)
			return error("cannot copy '%s' (rsync status %d): see '%s'", s->path, st, log), EXIT_BUILD;
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
		argv[a++] = s->path;
		argv[a++] = "archive";
		argv[a++] = "--format=tar";
		argv[a++] = "-o";
		argv[a++] = tar;
		argv[a++] = s->commit;
		argv[a++] = "--";
		for (size_t j = 0; j < k; j++)
			argv[a++] = paths[i + j];
		st = run_logged(argv, NULL, log, b->verbose);
		if (!st)
			st = run_logged(x, NULL, log, b->verbose);
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
static void obj_for_config(struct source *s, const char *arch, const char *config)
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
	char *argv[] = { "git", "-C", s->path, "diff", "-z", "--no-renames", "--name-status", (char *)from,
			 s->commit, NULL };
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
	note("moving the work tree of '%s' from %.12s to %.12s: %zu files to rewrite", s->path, from, s->commit, n);
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
static int prepare_tree(struct build *b)
{
	struct source *s = &b->src;
	char *idfile = xasprintf("%s/tree-id", s->work);
	char *have = read_file(idfile, NULL);
	char *log = xasprintf("%s/prepare.log", s->work);
	char *want = s->commit ? xasprintf("%s %s", s->id, s->commit) : xstrdup(s->id);
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
	if (s->ops->kind == SOURCE_DIR) {
		if (!have)
			remove_tree(s->tree);
		if (mkdir_p(s->tree, 0755))
			r = status_for_errno(errno);
		else
			r = extract(b, s->tree, log);
	} else if (have && !strcmp(have, want)) {
		;   /* already there */
	} else if (have && s->ops->kind == SOURCE_GIT && strchr(have, ' ') && file_exists(s->tree) &&
		   !update_git_tree(b, strchr(have, ' ') + 1, idfile, log)) {
		;   /* moved by its diff */
	} else {
		char *tmp = xasprintf("%s.new", s->tree);
		double t0 = now_monotonic();

		note("unpacking '%s'", s->path);
		remove_tree(tmp);
		remove_tree(s->tree);
		remove_obj_trees(s);
		if (mkdir_p(tmp, 0755))
			r = status_for_errno(errno);
		if (!r)
			r = extract(b, tmp, log);
		if (!r && rename(tmp, s->tree)) {
			int e = errno;

			error("cannot rename '%s': %m", tmp);
			r = status_for_errno(e);
		}
		if (r)
			remove_tree(tmp);
		else
			note("unpacked '%s' in %.0f s", s->path, now_monotonic() - t0);
		free(tmp);
	}
	if (!r && write_file_atomic(idfile, want, strlen(want))) {
		int e = errno;

		error("cannot write '%s': %m", idfile);
		r = status_for_errno(e);
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

/* ---- config ---- */

/* make in obj for target, and for also too unless NULL. */
static char **make_argv(struct build *b, const char *obj, const char *target, const char *also, int jobs)
{
	struct strvec a = STRVEC_INIT;

	strvec_pushl(&a, "make", "-C", b->src.tree, NULL);
	strvec_pushf(&a, "O=%s", obj);
	strvec_pushf(&a, "ARCH=%s", b->arch->karch);
	if (arch_cross_prefix(b->arch)[0])
		strvec_pushf(&a, "CROSS_COMPILE=%s", arch_cross_prefix(b->arch));
	strvec_pushf(&a, "CC=%s", b->cc);
	if (jobs)
		strvec_pushf(&a, "-j%d", jobs);
	if (b->verbose)
		strvec_push(&a, "V=1");
	strvec_push(&a, target);
	if (also)
		strvec_push(&a, also);
	return strvec_detach(&a);
}

/* make's -j: the request's, or one more than the CPUs. */
static int make_jobs(const struct build *b)
{
	return b->req->jobs > 0 ? b->req->jobs : get_nprocs() + 1;
}

static int make_step(struct build *b, const char *obj, const char *target, int jobs, const char *log)
{
	char **argv = make_argv(b, obj, target, NULL, jobs);
	int st = run_logged(argv, NULL, log, b->verbose);

	strvec_free_argv(argv);
	return st;
}

/* Each line of text as a note, or an error when as_error, after prefix. */
static void report_lines(const char *text, const char *prefix, int as_error)
{
	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");

		if (as_error)
			error("%s%.*s", prefix, (int)len, p);
		else
			note("%s%.*s", prefix, (int)len, p);
		p += len + (p[len] ? 1 : 0);
	}
}

/* Produce the final .config text in cfg/ and verify it; *config freshly allocated. */
static int make_config(struct build *b, struct kconfig_set *want, char **config)
{
	struct source *s = &b->src;
	char *log = xasprintf("%s/config.log", s->work);
	char *cp = xasprintf("%s/.config", s->cfg);
	char *base = NULL, *merged, *dropped = NULL, *skipped = NULL;
	int st, r = 0, nd;
	double t0;

	unlink(log);
	if (mkdir_p(s->cfg, 0755)) {
		int e = errno;

		error("cannot create '%s': %m", s->cfg);
		r = status_for_errno(e);
		goto out;
	}
	note("configuring '%s': tinyconfig + %zu fragment option(s)", b->name, want->n);
	t0 = now_monotonic();
	st = make_step(b, s->cfg, "tinyconfig", 0, log);
	if (st || !(base = read_file(cp, NULL))) {
		error("'make tinyconfig' failed (status %d): see '%s'", st, log);
		r = EXIT_BUILD;
		goto out;
	}
	merged = kconfig_merge(base, want);
	if (write_file_atomic(cp, merged, strlen(merged))) {
		int e = errno;

		free(merged);
		error("cannot write '%s': %m", cp);
		r = status_for_errno(e);
		goto out;
	}
	free(merged);
	st = make_step(b, s->cfg, "olddefconfig", 0, log);
	if (st || !(*config = read_file(cp, NULL))) {
		error("'make olddefconfig' failed (status %d): see '%s'", st, log);
		r = EXIT_BUILD;
		goto out;
	}
	nd = kconfig_verify(*config, want, s->tree, &dropped, &skipped);
	report_lines(skipped, "config option skipped, this kernel has no such option: ", 0);
	if (nd) {
		report_lines(dropped, "config option dropped by Kconfig: ", 1);
		error("%d requested config option(s) missing from the final .config: fix the fragment or "
		      "add what they depend on", nd);
		free(*config);
		*config = NULL;
		r = EXIT_BUILD;
	} else {
		note("configured '%s' in %.0f s", b->name, now_monotonic() - t0);
	}
out:
	free(dropped);
	free(skipped);
	free(base);
	free(cp);
	free(log);
	return r;
}


/*
 * The final .config, remembered per work tree (cfg/final.*) under a hash
 * of everything it depends on but the series: source, arch, compiler and
 * fragments. A series that leaves every configuration input alone (say, a
 * patch to mm/gup.c) gets the base's config without running Kconfig
 * again (docs/lab-figures.md).
 */
static int configure(struct build *b, struct kconfig_set *want, const char *frag_text, char **config)
{
	char *in = xasprintf("%s\n%s\n%s\n%s\n%s\n%s", RECIPE, b->src.id, b->arch->name, b->compiler, b->cc,
			     frag_text);
	char key[65], *kp = xasprintf("%s/final.key", b->src.cfg), *cp = xasprintf("%s/final.config", b->src.cfg);
	char *had = NULL;
	int reuse = !b->have_series || !kpatch_touches_config(&b->series), r = 0;

	sha256_hex(in, strlen(in), key);
	if (reuse && (had = read_file(kp, NULL)) && !strcmp(had, key) && (*config = read_file(cp, NULL))) {
		note("configuration of '%s' reused: same source, compiler and fragments%s", b->name,
		     b->have_series ? ", and the series changes no Kconfig input" : "");
	} else if (!(r = make_config(b, want, config)) && reuse) {
		/* best effort: without the memo the next build only configures again */
		unlink(kp);
		if (!write_file_atomic(cp, *config, strlen(*config)))
			write_file_atomic(kp, key, strlen(key));
	}
	free(in);
	free(kp);
	free(cp);
	free(had);
	return r;
}

/* ---- make with progress ---- */

static void fmt_elapsed(char *buf, size_t n, double s)
{
	int t = (int)s;

	if (t >= 60)
		snprintf(buf, n, "%dm%02ds", t / 60, t % 60);
	else
		snprintf(buf, n, "%ds", t);
}

static void progress(struct build *b, const char *what, int final)
{
	double now = now_monotonic();
	char el[32];

	if (b->verbose)
		return;
	if (!final && now - b->last_print < (b->tty ? 0.25 : 30.0))
		return;
	b->last_print = now;
	fmt_elapsed(el, sizeof(el), now - b->t0);
	if (b->tty) {
		if (b->est)
			fprintf(stderr, "\r\033[K  [%4d/~%d] %s  %.60s", b->objects,
				b->objects > b->est ? b->objects : b->est, el, what);
		else
			fprintf(stderr, "\r\033[K  [%4d] %s  %.60s", b->objects, el, what);
		if (final)
			fputc('\n', stderr);
	} else if (b->est) {
		fprintf(stderr, "kernel build of '%s': %d/~%d objects, %s\n", b->name, b->objects, b->est, el);
	} else {
		fprintf(stderr, "kernel build of '%s': %d objects, %s\n", b->name, b->objects, el);
	}
}

/* A kbuild quiet line: two spaces, a tag in capitals, spaces, a path. */
static int is_object_line(const char *l)
{
	static const char *const tags[] = { "CC ", "AS ", "AR ", "LD ", "HOSTCC ", "CPP ", "LDS ", "OBJCOPY ",
					    "GEN ", "MKPIGGY", "ZOFFSET", "VOFFSET", "CHK ", "UPD ", "HOSTLD " };

	if (strncmp(l, "  ", 2))
		return 0;
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (!strncmp(l + 2, tags[i], strlen(tags[i])))
			return 1;
	return 0;
}

static void on_make_line(struct build *b, const char *l)
{
	if (strstr(l, "No space left on device"))
		b->enospc = 1;
	if (b->verbose)
		fprintf(stderr, "%s\n", l);
	if (is_object_line(l)) {
		b->objects++;
		progress(b, l + 2, 0);
	}
}

static void on_make_output(const char *buf, size_t len, void *arg)
{
	struct build *b = arg;

	if (b->log_fd >= 0 && write(b->log_fd, buf, len) != (ssize_t)len && errno == ENOSPC)
		b->enospc = 1;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n' || b->line_len == sizeof(b->line) - 1) {
			b->line[b->line_len] = '\0';
			on_make_line(b, b->line);
			b->line_len = 0;
		} else {
			b->line[b->line_len++] = buf[i];
		}
	}
}

/* The first compiler or make error of a log, for the one-line summary. */
static char *first_error(const char *log)
{
	char *text = read_file(log, NULL), *res = NULL;
	static const char *const marks[] = { "error:", "Error ", "*** " };

	for (size_t m = 0; text && !res && m < sizeof(marks) / sizeof(marks[0]); m++) {
		char *p = strstr(text, marks[m]);

		if (p) {
			char *start = p, *end = p + strcspn(p, "\n");

			while (start > text && start[-1] != '\n')
				start--;
			res = strndup(start, (size_t)(end - start));
		}
	}
	free(text);
	return res ? res : xstrdup("no error line found");
}

static int objects_estimate(struct build *b, int save)
{
	char *p = xasprintf("%s/objects-%s", b->src.work, b->arch->name);
	char *text = NULL;
	int n = b->arch->est_objects;

	if (save) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%d\n", b->objects);
		write_file_atomic(p, buf, strlen(buf));
	} else if ((text = read_file(p, NULL)) && atoi(text) > 0) {
		n = atoi(text);
	}
	free(text);
	free(p);
	return n;
}

/*
 * Whether the tree's Makefile has the "headers" goal (v5.3 on). The build
 * then installs the user-space headers the selftest needs in the same
 * make as the image, in the slots the image's serial link leaves idle,
 * rather than in a make of its own afterwards.
 */
static int has_headers_goal(const struct build *b)
{
	char *mk = xasprintf("%s/Makefile", b->src.tree), *text = read_file(mk, NULL);
	int yes = text && strstr(text, "\nheaders:") != NULL;

	free(mk);
	free(text);
	return yes;
}

static int run_make(struct build *b, const char *log, int *incremental)
{
	char *vmlinux = xasprintf("%s/vmlinux", b->src.obj);
	int jobs = make_jobs(b);
	char **argv;
	struct spawn_opts o = { .merge_stderr = 1, .on_output = on_make_output, .on_output_arg = b };
	struct spawn_result r;
	int st;

	*incremental = file_exists(vmlinux);
	free(vmlinux);
	b->log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (b->log_fd < 0)
		return error("cannot write '%s': %m", log), status_for_errno(errno);
	b->est = *incremental ? 0 : objects_estimate(b, 0);
	b->t0 = now_monotonic();
	b->last_print = b->tty ? 0 : b->t0;
	b->objects = 0;
	b->headers_built = has_headers_goal(b);
	argv = make_argv(b, b->src.obj, b->arch->image_target, b->headers_built ? "headers" : NULL, jobs);
	if (b->verbose) {
		char *s = argv_to_string(argv);

		fprintf(stderr, "+ %s\n", s);
		free(s);
	}
	note("building '%s' (%s, -j%d%s)", b->name, *incremental ? "incremental" : "full", jobs,
	     strncmp(b->cc, "ccache", 6) ? "" : ", ccache");
	st = spawn_run(argv, &o, &r) ? -1 : r.status;
	strvec_free_argv(argv);
	if (b->line_len) {
		b->line[b->line_len] = '\0';
		on_make_line(b, b->line);
		b->line_len = 0;
	}
	if (!b->verbose && b->tty)
		progress(b, st ? "failed" : "done", 1);
	if (close(b->log_fd) && errno == ENOSPC)
		b->enospc = 1;
	b->log_fd = -1;
	if (spawn_interrupted())
		return error("kernel build of '%s' interrupted", b->name), EXIT_INTERRUPTED;
	if (b->enospc)
		return error("disk full while building '%s' in '%s': free space and retry", b->name,
			     b->src.work), EXIT_IO;
	if (st) {
		char *saved = xasprintf("%s/failed-build.log", b->src.work);
		char *why = first_error(log);
		char *text = read_file(log, NULL);

		if (text)
			write_file_atomic(saved, text, strlen(text));
		error("kernel build of '%s' failed (make status %d): '%s'; full log in '%s'", b->name, st, why,
		      saved);
		free(text);
		free(why);
		free(saved);
		return EXIT_BUILD;
	}
	if (!*incremental)
		objects_estimate(b, 1);
	return 0;
}

/*
 * The kernel's own gup_test selftest, static, from the same tree: the run
 * stage can put it in the initramfs to cross-check our bench. Best effort:
 * a failure is recorded, not fatal. Its directory moved from vm/ to mm/ in
 * v6.3. The headers are usually installed by then (has_headers_goal).
 */
static int build_gup_test(struct build *b, const char *out, const char *log)
{
	static const char *const dirs[] = { "tools/testing/selftests/mm", "tools/testing/selftests/vm" };
	char *hdrs = xasprintf("%s/usr/include", b->src.obj);
	int st = -1;

	if (!b->headers_built && make_step(b, b->src.obj, "headers", make_jobs(b), log))
		goto out;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *d = xasprintf("%s/%s", b->src.tree, dirs[i]);
		char *main_c = xasprintf("%s/gup_test.c", d), *util_c = xasprintf("%s/vm_util.c", d);
		char *inc = xasprintf("-I%s", b->src.tree), *incd = xasprintf("-I%s", d);
		struct strvec a = STRVEC_INIT;

		strvec_pushl(&a, "gcc", "-static", "-O2", "-w", "-isystem", hdrs, inc, incd, main_c, NULL);
		if (file_exists(util_c))   /* vm_util.c appeared in v6.3 */
			strvec_push(&a, util_c);
		strvec_pushl(&a, "-o", out, "-lpthread", NULL);
		if (file_exists(main_c))
			st = run_logged(a.v, NULL, log, b->verbose);
		strvec_clear(&a);
		free(d);
		free(main_c);
		free(util_c);
		free(inc);
		free(incd);
		if (st >= 0)
			break;
	}
out:
	free(hdrs);
	return st == 0 ? 0 : -1;
}

/* ---- collecting the entry ---- */

static int copy_file(const char *from, const char *to, long long *size)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out, e;
	char buf[1 << 16];
	ssize_t n;
	struct stat st;

	if (in < 0)
		return -1;
	fstat(in, &st);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (st.st_mode & 0111) ? 0755 : 0644);
	if (out < 0) {
		e = errno;
		close(in);
		errno = e;
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			e = errno ? errno : ENOSPC;
			close(in);
			close(out);
			errno = e;
			return -1;
		}
	close(in);
	if (close(out) || n < 0)
		return -1;
	if (size)
		*size = st.st_size;
	return 0;
}

static json_t *series_json(const struct kseries *s)
{
	json_t *o = json_object(), *p = json_array(), *f = json_array(), *h = json_array();

	for (size_t i = 0; i < s->n; i++) {
		char sha[65];

		json_array_append_new(p, json_string(s->patches[i].label));
		sha256_hex(s->patches[i].text, strlen(s->patches[i].text), sha);
		json_array_append_new(h, json_string(sha));
	}
	for (size_t i = 0; i < s->nfiles; i++)
		json_array_append_new(f, json_string(s->files[i]));
	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "path", json_string(s->path));
	json_object_set_new(o, "kind", json_string(s->kind));
	json_object_set_new(o, "sha256", json_string(s->hash));
	json_object_set_new(o, "patches", p);
	json_object_set_new(o, "patch_sha256", h);
	json_object_set_new(o, "files", f);
	return o;
}

struct facts {
	const char *key;
	char *release;
	char config_hash[65];
	long long image_size;
	double seconds;
	int incremental, objects, gup_test;
	json_t *fragments;
};

static int write_meta(struct build *b, const struct facts *f)
{
	json_t *m = json_object(), *src = json_object();
	char now[32], *text, *path;
	int r;

	iso8601_now(now);
	json_object_set_new(src, "kind", json_string(b->src.ops->name));
	json_object_set_new(src, "path", json_string(b->src.path));
	json_object_set_new(src, "id", json_string(b->src.id));
	if (b->src.rev)
		json_object_set_new(src, "rev", json_string(b->src.rev));
	if (b->src.commit)
		json_object_set_new(src, "commit", json_string(b->src.commit));
	json_object_set_new(m, "name", json_string(b->name));
	json_object_set_new(m, "key", json_string(f->key));
	json_object_set_new(m, "release", json_string(f->release));
	json_object_set_new(m, "arch", json_string(b->arch->name));
	json_object_set_new(m, "image", json_string(arch_image_name(b->arch)));
	json_object_set_new(m, "image_size", json_integer(f->image_size));
	json_object_set_new(m, "source", src);
	json_object_set_new(m, "series", b->have_series ? series_json(&b->series) : json_null());
	json_object_set_new(m, "compiler", json_string(b->compiler));
	json_object_set_new(m, "ccache", json_boolean(!strncmp(b->cc, "ccache", 6)));
	json_object_set_new(m, "config_sha256", json_string(f->config_hash));
	json_object_set_new(m, "fragments", json_incref(f->fragments));
	json_object_set_new(m, "fragment_sha256", json_incref(b->frag_sha));
	json_object_set_new(m, "build_seconds", json_real(f->seconds));
	json_object_set_new(m, "incremental", json_boolean(f->incremental));
	json_object_set_new(m, "objects_built", json_integer(f->objects));
	json_object_set_new(m, "gup_test", f->gup_test ? json_string("gup_test") : json_null());
	json_object_set_new(m, "built_at", json_string(now));
	json_object_set_new(m, "recipe", json_string(RECIPE));
	text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(m);
	path = xasprintf("%s/meta.json", b->tmp);
	r = write_file_atomic(path, text, strlen(text));
	free(path);
	free(text);
	return r;
}

/* ---- the pipeline ---- */

/* The fragments in merge order: ours, the arch's, then the user's. */
static char **fragment_paths(struct build *b, int *n)
{
	const struct kbuild_req *q = b->req;
	char **v = xcalloc(q->nfragments + 2, sizeof(*v));

	*n = 0;
	if (!q->no_default_fragment) {
		v[(*n)++] = data_path("harness/configs/gupbench.config");
		if (b->arch->config_fragment)
			v[(*n)++] = data_path(b->arch->config_fragment);
	}
	for (int i = 0; i < q->nfragments; i++)
		v[(*n)++] = xstrdup(q->fragments[i]);
	return v;
}

static json_t *sha256_json(const char *text)
{
	char h[65];

	sha256_hex(text, strlen(text), h);
	return json_string(h);
}

static int load_fragments(struct build *b, struct kconfig_set *want, char **all_text, json_t *names)
{
	int n, r = 0;
	char **paths = fragment_paths(b, &n);

	*all_text = xstrdup("");
	for (int i = 0; i < n && !r; i++) {
		char *path = paths[i], *text = read_file(path, NULL), *cat;

		if (!text && i >= n - b->req->nfragments) {   /* a --config the user named */
			error("cannot read config fragment '%s': %m; check the --config path", path);
			r = EXIT_USAGE;
		} else if (!text) {                            /* one of ours: the install is broken */
			error("cannot read config fragment '%s': %m", path);
			r = EXIT_ENV;
		} else if (kconfig_parse(want, text, path, i < n - b->req->nfragments ? KCONFIG_PORTABLE : 0)) {
			r = EXIT_USAGE;
		} else {
			cat = xasprintf("%s# fragment %s\n%s\n", *all_text,
					strrchr(path, '/') ? strrchr(path, '/') + 1 : path, text);
			free(*all_text);
			*all_text = cat;
			json_array_append_new(names, json_string(path));
			json_array_append_new(b->frag_sha, sha256_json(text));
		}
		free(text);
	}
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return r;
}

static void request_hash(struct build *b, const char *frag_text, char out[65])
{
	char *s = xasprintf("%s\n%s\n%s\n%s\n%s\n%s\n%s", RECIPE, b->src.id, b->arch->name, b->compiler,
			    b->have_series ? b->series.hash : "-", b->cc, frag_text);

	sha256_hex(s, strlen(s), out);
	free(s);
}

static void cache_key(struct build *b, const char *config, char out[65])
{
	char ch[65], *s;

	sha256_hex(config, strlen(config), ch);
	s = xasprintf("%s\n%s\n%s\n%s\n%s\n%s", RECIPE, b->src.id, b->have_series ? b->series.hash : "-",
		      ch, b->compiler, b->arch->name);
	sha256_hex(s, strlen(s), out);
	free(s);
}

static int apply_series(struct build *b)
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
		return error("cannot write '%s': %m", b->src.marker), status_for_errno(e);
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

static int unapply_series(struct build *b)
{
	if (!b->applied)
		return 0;
	b->applied = 0;
	if (kpatch_reverse(&b->series, b->src.tree, b->src.scratch))
		return EXIT_BUILD;   /* the marker stays: the next build starts afresh */
	unlink(b->src.marker);
	return 0;
}

static int pick_compiler(struct build *b)
{
	char *gcc = xasprintf("%sgcc", arch_cross_prefix(b->arch));
	char *argv[] = { gcc, "--version", NULL };
	const char *no_ccache = getenv("GUPBENCH_NO_CCACHE");

	if (!have_program(gcc)) {
		error("compiler '%s' not found: install it (apt-get install %s)", gcc,
		      arch_cross_prefix(b->arch)[0] ? b->arch->deb_cross_gcc : "gcc");
		free(gcc);
		return EXIT_ENV;
	}
	if (!have_program("make")) {
		free(gcc);
		return error("'make' not found: apt-get install make"), EXIT_ENV;
	}
	b->compiler = first_line(argv, NULL);
	if (!b->compiler)
		b->compiler = xstrdup(gcc);
	if (have_program("ccache") && !(no_ccache && *no_ccache && strcmp(no_ccache, "0"))) {
		b->cc = xasprintf("ccache %s", gcc);
		/* Every work directory is <dir>/tree + <dir>/obj-<arch>: with the
		 * paths under the cache made relative, the same source unpacked
		 * twice (a tarball and a directory copy, a scratch build) shares
		 * ccache's objects. A user's own CCACHE_BASEDIR wins. */
		setenv("CCACHE_BASEDIR", cache_root(), 0);
		/* Depend mode: on a miss ccache runs the compiler once and
		 * takes the header list from its -MD output, instead of
		 * preprocessing first to hash, which is faster on a cold
		 * build (docs/lab-figures.md). */
		setenv("CCACHE_DEPEND", "1", 0);
	} else
		b->cc = xstrdup(gcc);
	free(gcc);
	return 0;
}

/* Writes the object tree's .config; a config equal to the one there leaves
 * every timestamp alone. */
static int write_obj_config(struct build *b, const char *config)
{
	char *p = xasprintf("%s/.config", b->src.obj), *q = read_file(p, NULL);
	int r = 0;

	if (mkdir_p(b->src.obj, 0755) || ((!q || strcmp(q, config)) && write_file_atomic(p, config, strlen(config)))) {
		int e = errno;

		error("cannot write '%s/.config': %m", b->src.obj);
		r = status_for_errno(e);
	}
	free(p);
	free(q);
	return r;
}

/* The kernel's gup_test selftest, built next to the entry; its absence is a warning. */
static int try_gup_test(struct build *b)
{
	char *gt = xasprintf("%s/gup_test", b->tmp), *gl = xasprintf("%s/gup_test.log", b->tmp);
	int ok = build_gup_test(b, gt, gl) == 0;

	if (!ok) {
		warning("could not build the kernel's gup_test selftest for '%s': see gup_test.log in the entry",
			b->name);
		unlink(gt);
	}
	free(gt);
	free(gl);
	return ok;
}

/* Collects image, config, release, fragments, patches and meta.json into
 * the entry's temporary directory: every write can hit ENOSPC, and then no
 * entry appears. */
static int store_entry(struct build *b, struct facts *f, const char *config, json_t *frag_names)
{
	char *img = xasprintf("%s/%s", b->src.obj, b->arch->image_path);
	char *dimg = xasprintf("%s/%s", b->tmp, arch_image_name(b->arch));
	char *cfg = xasprintf("%s/.config", b->tmp), *rel = xasprintf("%s/release", b->tmp);
	char *fd = xasprintf("%s/fragments", b->tmp), *pd = xasprintf("%s/patches", b->tmp);
	char *rl = xasprintf("%s\n", f->release);
	char *map = xasprintf("%s/System.map", b->src.obj), *dmap = xasprintf("%s/System.map", b->tmp);
	int bad = copy_file(img, dimg, &f->image_size) || copy_file(map, dmap, NULL) ||
		  write_file_atomic(cfg, config, strlen(config)) ||
		  write_file_atomic(rel, rl, strlen(rl)) || mkdir_p(fd, 0755);
	int e = errno, r = 0;

	for (size_t i = 0; !bad && i < json_array_size(frag_names); i++) {
		const char *src = json_string_value(json_array_get(frag_names, i));
		char *dst = xasprintf("%s/%02zu-%s", fd, i, strrchr(src, '/') ? strrchr(src, '/') + 1 : src);

		bad = copy_file(src, dst, NULL);
		e = errno;
		free(dst);
	}
	if (!bad && b->have_series && kpatch_export(&b->series, pd))
		bad = 1, e = errno;
	if (!bad && write_meta(b, f))
		bad = 1, e = errno;
	if (bad) {
		error("cannot store kernel '%s' in '%s': %s", b->name, b->tmp, strerror(e));
		r = status_for_errno(e);
	}
	free(img);
	free(dimg);
	free(map);
	free(dmap);
	free(cfg);
	free(rel);
	free(fd);
	free(pd);
	free(rl);
	return r;
}

static int build_entry(struct build *b, const char *key, const char *config, json_t *frag_names)
{
	struct facts f = { .key = key, .fragments = frag_names };
	char *log, *p;
	int r, incremental;
	double t0 = now_monotonic();

	kcache_sweep_tmp();
	b->tmp = kcache_tmp_dir(key);
	if (!b->tmp)
		return EXIT_IO;
	obj_for_config(&b->src, b->arch->name, config);
	if ((r = write_obj_config(b, config)))
		return r;
	log = xasprintf("%s/build.log", b->tmp);
	r = run_make(b, log, &incremental);
	free(log);
	if (r)
		return r;
	f.seconds = now_monotonic() - t0;
	f.incremental = incremental;
	f.objects = b->objects;
	sha256_hex(config, strlen(config), f.config_hash);
	p = xasprintf("%s/include/config/kernel.release", b->src.obj);
	f.release = read_file(p, NULL);
	free(p);
	if (!f.release)
		return error("build of '%s' left no kernel.release in '%s'", b->name, b->src.obj), EXIT_BUILD;
	f.release[strcspn(f.release, "\n")] = '\0';
	t0 = now_monotonic();
	f.gup_test = try_gup_test(b);
	t0 = now_monotonic() - t0;
	r = store_entry(b, &f, config, frag_names);
	if (!r)
		note("built '%s' (%s) in %.0f s, %d objects compiled; the gup_test selftest in %.0f s", b->name,
		     f.release, f.seconds, f.objects, t0);
	free(f.release);
	return r;
}

static void build_free(struct build *b)
{
	struct source *s = &b->src;

	if (b->tmp) {
		remove_tree(b->tmp);
		free(b->tmp);
	}
	if (b->lockfd > 0)
		close(b->lockfd);
	if (b->have_series)
		kpatch_free(&b->series);
	json_decref(b->frag_sha);
	free(s->path);
	free(s->rev);
	free(s->commit);
	free(s->id);
	free(s->work);
	free(s->tree);
	free(s->obj);
	free(s->cfg);
	free(s->scratch);
	free(s->marker);
	free(b->cc);
	free(b->compiler);
	free(b->name);
}

/* The request's patch series, if any: one that is not there is bad input
 * (2); one that is malformed, a build fault (5). */
static int load_series(struct build *b)
{
	const char *series = b->req->series;

	if (!series)
		return 0;
	if (kpatch_load(series, b->src.ops && b->src.ops->kind == SOURCE_GIT ? b->src.path : NULL, &b->series))
		return file_exists(series) ? EXIT_BUILD : EXIT_USAGE;
	b->have_series = 1;
	return 0;
}

/* The cache name: the request's, or one derived from source, revision and series. */
static void name_build(struct build *b)
{
	char *base;

	if (b->req->name) {
		b->name = xstrdup(b->req->name);
		return;
	}
	base = kbuild_default_name(b->src.path, b->src.rev);
	b->name = b->have_series ? xasprintf("%s+%s", base, b->series.name) : xstrdup(base);
	free(base);
}

/* What this request builds, as kname_claim compares it with the build its
 * name points at: meta.json's identity fields (config_sha256 when the
 * configuration is known). */
static json_t *request_meta(struct build *b, const char *key, const char *config, json_t *frag_names)
{
	json_t *m = json_object(), *src = json_object();

	json_object_set_new(m, "key", json_string(key));
	json_object_set_new(src, "id", json_string(b->src.id));
	json_object_set_new(m, "source", src);
	json_object_set_new(m, "series", b->have_series ? series_json(&b->series) : json_null());
	json_object_set_new(m, "fragments", json_incref(frag_names));
	json_object_set_new(m, "fragment_sha256", json_incref(b->frag_sha));
	if (config)
		json_object_set_new(m, "config_sha256", sha256_json(config));
	json_object_set_new(m, "compiler", json_string(b->compiler));
	json_object_set_new(m, "arch", json_string(b->arch->name));
	return m;
}

/* kname_claim for this request: 0, or EXIT_REFUSED with nothing changed. */
static int claim_name(struct build *b, const char *key, const char *config, json_t *frag_names)
{
	json_t *want = request_meta(b, key, config, frag_names);
	int r = kname_claim(b->name, want, b->req->replace);

	json_decref(want);
	return r;
}

/* An entry with this key is reused (a hit) unless forced; otherwise built and committed. */
static int build_or_hit(struct build *b, const char *key, const char *config, json_t *frag_names,
			struct kbuild_result *res)
{
	int r;

	if (!b->req->force && kcache_has_key(key)) {
		res->hit = 1;
		return 0;
	}
	r = build_entry(b, key, config, frag_names);
	if (!r)
		r = unapply_series(b);
	if (!r && kcache_commit(b->tmp, key))
		r = EXIT_IO;
	if (!r) {
		free(b->tmp);
		b->tmp = NULL;
	}
	return r;
}

int kbuild_build(const struct kbuild_req *req, struct kbuild_result *res)
{
	struct build b = { .req = req, .lockfd = -1, .log_fd = -1, .frag_sha = json_array() };
	struct kconfig_set want = { 0 };
	json_t *frag_names = json_array();
	char *frag_text = NULL, *config = NULL, reqhash[65], key[65];
	double t0 = now_monotonic();
	int r;

	memset(res, 0, sizeof(*res));
	b.arch = arch_lookup(req->arch ? req->arch : "x86_64");
	if (!b.arch) {
		error("unknown arch '%s': kernel build knows %s", req->arch, arch_names());
		r = EXIT_USAGE;
		goto out;
	}
	b.verbose = req->verbose;
	b.tty = stderr_is_tty();
	if ((r = pick_compiler(&b)) || (r = resolve_source(&b)))
		goto out;
	if ((r = load_series(&b)))
		goto out;
	name_build(&b);
	if ((r = load_fragments(&b, &want, &frag_text, frag_names)))
		goto out;
	request_hash(&b, frag_text, reqhash);
	if (!req->force && kcache_memo_get(reqhash, key) == 0) {
		if ((r = claim_name(&b, key, NULL, frag_names)))
			goto out;
		if (kcache_set_name(b.name, key)) {
			r = EXIT_IO;
			goto out;
		}
		res->hit = 1;
		goto done;
	}
	if ((r = lock_work(&b)) || (r = prepare_tree(&b)))
		goto out;
	if (b.have_series && (r = apply_series(&b)))
		goto out;
	if ((r = configure(&b, &want, frag_text, &config)))
		goto out;
	cache_key(&b, config, key);
	if ((r = claim_name(&b, key, config, frag_names)) || (r = build_or_hit(&b, key, config, frag_names, res)))
		goto out;
	if ((r = unapply_series(&b)))
		goto out;
	if (kcache_set_name(b.name, key) || kcache_memo_put(reqhash, key)) {
		r = EXIT_IO;
		goto out;
	}
done:
	memcpy(res->key, key, sizeof(key));
	res->name = xstrdup(b.name);
	r = 0;
out:
	if (b.applied && unapply_series(&b) && !r)
		r = EXIT_BUILD;
	if (spawn_interrupted() && r)
		r = EXIT_INTERRUPTED;
	res->seconds = now_monotonic() - t0;
	kconfig_set_free(&want);
	json_decref(frag_names);
	free(frag_text);
	free(config);
	build_free(&b);
	return r;
}

void kbuild_result_free(struct kbuild_result *res)
{
	free(res->name);
	res->name = NULL;
}
