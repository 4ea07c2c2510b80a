/*
 * bisect-run: the bisection driver behind `gupharness bisect` (cmd/bisect.c).
 * It reads the user's git tree (never writes it), lists the
 * first-parent commits from the good end to the bad end, and for each
 * step chosen by bisect.c builds the commit (kbuild, incremental on the
 * tree's shared work tree), measures the one case in QEMU through
 * `gupharness run --case` under the label bisect-<id>-<sha12>, and marks
 * it good or bad by comparing it with both ends (compare_run). A step that
 * does not build or boot, or that the comparisons cannot place, is skipped
 * as git bisect skip does. The state is saved after every step next to the
 * database (bisect/<id>/state.json), so running the same command again
 * resumes. The report (bisect-report.c) goes to stdout; progress to stderr.
 */
#include "harness/lab/bisect-run.h"
#include "harness/lab/bisect.h"
#include "harness/lab/bisect-report.h"
#include "results/compare.h"
#include "results/db.h"
#include "harness/kernel/kbuild.h"
#include "harness/guest/matrix.h"
#include "harness/kernel/source.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Everything one bisection needs while it runs. */
struct bctx {
	struct bisect_args a;  /* a copy, defaults filled in */
	struct bisect b;
	char *tree;            /* the git tree, absolute */
	char *dir;             /* <db dir>/bisect/<id> */
	char *state;           /* dir/state.json */
	char *self;            /* this harness binary, for `run` */
	char *kbase;           /* kernel names: <kbase>-<sha12> */
	sqlite3 *db;
	double t0;
	int builds, boots;
};

/* ---- the git tree (only read, through source.c) ---- */

static int open_tree(struct bctx *c)
{
	char *real = realpath(c->a.source, NULL), *changes;

	if (!have_program("git"))
		return error("'git' not found: bisect reads a git tree; apt-get install git"), EXIT_ENV;
	if (!real || !(c->tree = source_git_toplevel(real))) {
		free(real);
		return error("'%s' is not a git tree: give the directory of a git checkout with --source",
			     c->a.source), EXIT_USAGE;
	}
	free(real);
	if (!(changes = source_git_changes(c->tree)))
		return error("cannot read the status of '%s' (git status failed)", c->tree), EXIT_USAGE;
	if (*changes) {
		error("'%s' has local changes ('%s'...): bisect only reads a tree and tests commits; "
		      "commit or stash them first", c->tree, changes);
		free(changes);
		return EXIT_REFUSED;
	}
	free(changes);
	return 0;
}

static char *resolve_rev(const char *tree, const char *rev, const char *what)
{
	char *sha = source_git_commit(tree, rev);

	if (!sha)
		error("unknown revision '%s' (%s) in '%s': check 'git -C %s log --oneline %s'", rev, what, tree,
		      tree, rev);
	return sha;
}

/* The line of commits from good to bad: good an ancestor of bad, on its first-parent line. */
static int commit_line(struct bctx *c, const char *good, const char *bad, struct source_commit **line,
		       size_t *n)
{
	char *parent, *first;
	int on_line;

	if (!source_git_is_ancestor(c->tree, good, bad))
		return error("good '%s' is not an ancestor of bad '%s' in '%s': give an older good revision "
			     "(swapped? 'git log --oneline %s..%s' lists what bad lacks)", c->a.good, c->a.bad,
			     c->tree, c->a.bad, c->a.good), EXIT_USAGE;
	if (source_git_line(c->tree, good, bad, line, n) || *n < 2)
		return error("no commit after good '%s' up to bad '%s' in '%s': bad must be a later commit",
			     c->a.good, c->a.bad, c->tree), EXIT_USAGE;
	parent = xasprintf("%s^1", (*line)[1].sha);
	first = source_git_commit(c->tree, parent);
	free(parent);
	on_line = first && !strcmp(first, good);
	free(first);
	if (!on_line)
		return error("good '%s' is not on the first-parent line of bad '%s': bisect follows first "
			     "parents; pick a good commit from 'git log --first-parent %s'", c->a.good, c->a.bad,
			     c->a.bad), EXIT_USAGE;
	return 0;
}

/* ---- one measurement: build, boot, compare ---- */

static char *kernel_name(const struct bctx *c, size_t i)
{
	return xasprintf("%s-%.12s", c->kbase, c->b.steps[i].sha);
}

static int build_step(struct bctx *c, size_t i)
{
	char *name = kernel_name(c, i);
	struct kbuild_req q = { .source = c->tree, .rev = c->b.steps[i].sha, .name = name,
				.arch = c->a.arch, .jobs = c->a.jobs };
	struct kbuild_result res;
	int st;

	note("bisect %s: building %.12s %s", c->b.id, c->b.steps[i].sha, c->b.steps[i].subject);
	st = kbuild_build(&q, &res);
	/* the step's labels hold boots of the name's build: pooling another
	 * build with them would blur the step, so the bisection stops */
	if (st == EXIT_REFUSED)
		error("bisect %s: '%s' was built from other inputs before (compiler or default fragments changed);"
		      " its boots under this bisection's labels ran that build: 'gupharness kernel rm %s' and"
		      " bisect into another --db", c->b.id, name, name);
	c->builds += !st && !res.hit;
	kbuild_result_free(&res);
	free(name);
	return st;
}

/* One more boot of step i's kernel measuring the case, under the step's label. */
static int run_step(struct bctx *c, size_t i)
{
	char *name = kernel_name(c, i), *label = bisect_label(&c->b, i);
	char *out = xasprintf("%s/run-%.12s.out", c->dir, c->b.steps[i].sha);
	struct strvec a = STRVEC_INIT;
	struct spawn_opts o = { .stdout_path = out, .out_append = 1 };
	struct spawn_result r;
	int st;

	strvec_pushl(&a, c->self, "run", "--matrix", c->a.matrix, "--case", c->a.case_key, "--kernel", name,
		     "--label", label, "--db", c->a.db, NULL);
	if (c->a.clock)
		strvec_pushl(&a, "--clock", c->a.clock, NULL);
	if (c->a.accel)
		strvec_pushl(&a, "--accel", c->a.accel, NULL);
	note("bisect %s: booting %.12s (%s)", c->b.id, c->b.steps[i].sha, label);
	st = spawn_run(a.v, &o, &r) ? EXIT_ENV : r.status;
	spawn_result_free(&r);
	strvec_clear(&a);
	c->boots++;
	free(name);
	free(label);
	free(out);
	return st;
}

/* The case compared between two steps: new (step) against base (an end). */
struct side {
	enum cmp_verdict v;
	double base_med, new_med, pct;
	size_t base_boots, new_boots;
};

static int compare_steps(struct bctx *c, size_t base, size_t new, struct side *out)
{
	char *lb = bisect_label(&c->b, base), *ln = bisect_label(&c->b, new);
	struct db_selector sb = { 0 }, sn = { 0 };
	struct compare_opts o = compare_defaults;
	struct compare_result r;
	int rc = -1;

	o.metric = c->a.metric;
	o.base_arg = lb;
	o.new_arg = ln;
	if (!db_resolve_selector(c->db, lb, &sb) && !db_resolve_selector(c->db, ln, &sn) &&
	    !compare_run(c->db, &sb, &sn, &o, &r)) {
		for (size_t k = 0; k < r.ncases; k++) {
			const struct cmp_case *x = &r.cases[k];

			if (strcmp(x->key, c->a.case_key) && r.ncases != 1)
				continue;
			*out = (struct side){ x->verdict, x->base.s.median, x->new.s.median, x->pct_change,
					      x->base.boots, x->new.boots };
			rc = 0;
		}
		compare_result_free(&r);
	}
	db_selector_free(&sb);
	db_selector_free(&sn);
	free(lb);
	free(ln);
	return rc;
}

static int save_state(struct bctx *c)
{
	char *text = bisect_dump(&c->b);
	int r = write_file_atomic(c->state, text, strlen(text));

	free(text);
	if (r)
		return error("cannot write the bisection state '%s': %m", c->state), EXIT_IO;
	return 0;
}

/* Boot whichever of the ends and step i has fewer than want boots. */
static int more_boots(struct bctx *c, size_t i, size_t want, const struct side *g, const struct side *b)
{
	size_t have[3] = { g->base_boots, b->base_boots, g->new_boots };
	size_t who[3] = { 0, c->b.n - 1, i };
	int st = 0;

	for (int k = 0; k < 3 && !st; k++)
		for (size_t h = have[k]; h < want && !st; h++)
			st = run_step(c, who[k]);
	return st;
}

static void mark(struct bctx *c, size_t i, enum bisect_mark m, double value, int boots, const char *why)
{
	if (bisect_mark(&c->b, i, m, value, boots, why)) {
		char *w = xasprintf("contradicts an earlier step (%s): measurements not monotonic", why);

		warning("bisect %s: %.12s looks %s but %s", c->b.id, c->b.steps[i].sha, bisect_mark_names[m], w);
		bisect_mark(&c->b, i, BISECT_SKIP, value, boots, w);
		free(w);
	}
	note("bisect %s: %.12s is %s: %s", c->b.id, c->b.steps[i].sha, bisect_mark_names[c->b.steps[i].mark],
	     c->b.steps[i].why);
}

/* Build and measure step i until the comparisons with both ends place it, or skip it. */
static int measure_step(struct bctx *c, size_t i)
{
	int st = build_step(c, i);

	if (st == EXIT_BUILD) {
		mark(c, i, BISECT_SKIP, NAN, 0, "does not build (as git bisect skip); see the build error above");
		return 0;
	}
	for (int boot = 1; !st; boot++) {
		struct side g, b;
		const char *why;
		enum bisect_mark m;
		char *w;

		st = run_step(c, i);
		if (st == EXIT_GUEST || st == EXIT_FAIL) {
			mark(c, i, BISECT_SKIP, NAN, 0, "its guest failed or sent an incomplete stream");
			return 0;
		}
		if (st)
			break;
		if (compare_steps(c, 0, i, &g) || compare_steps(c, c->b.n - 1, i, &b)) {
			mark(c, i, BISECT_SKIP, NAN, 0, "no sample of the case was stored");
			return 0;
		}
		m = bisect_decide(g.v, b.v, &why);
		if (m != BISECT_UNTESTED || boot >= c->a.max_boots) {
			w = xasprintf("%s%s (vs good %+.1f%% %s, vs bad %+.1f%% %s)",
				      m == BISECT_UNTESTED ? "undecided after the last boot allowed: " : "", why,
				      g.pct, cmp_verdict_names[g.v], b.pct, cmp_verdict_names[b.v]);
			mark(c, i, m == BISECT_UNTESTED ? BISECT_SKIP : m, g.new_med, (int)g.new_boots, w);
			free(w);
			return 0;
		}
		note("bisect %s: %.12s: %s; one more boot (%d of at most %d)", c->b.id, c->b.steps[i].sha, why,
		     boot + 1, c->a.max_boots);
		st = more_boots(c, i, g.new_boots + 1, &g, &b);
	}
	return st;
}

/* Build, boot and compare the two ends: bad must be slower than good. */
static int measure_ends(struct bctx *c)
{
	size_t last = c->b.n - 1, ends[2] = { 0, last };
	struct side s;
	int st = 0;

	for (int k = 0; k < 2 && !st; k++) {
		if (c->b.steps[ends[k]].order)
			continue;
		st = build_step(c, ends[k]);
		if (st == EXIT_BUILD)
			return error("the %s end %.12s does not build: bisect needs both ends built; pick another "
				     "revision", k ? "bad" : "good", c->b.steps[ends[k]].sha), EXIT_BUILD;
		if (!st)
			st = run_step(c, ends[k]);
		if (st == EXIT_FAIL)
			st = EXIT_GUEST;
	}
	for (int boot = 1; !st; boot++) {
		if (compare_steps(c, 0, last, &s))
			return error("no sample of case '%s' stored for the ends; check 'gupharness db list'",
				     c->a.case_key), EXIT_GUEST;
		bisect_mark(&c->b, 0, BISECT_GOOD, s.base_med, (int)s.base_boots, "the good end");
		bisect_mark(&c->b, last, BISECT_BAD, s.new_med, (int)s.new_boots, "the bad end");
		if (s.v == CMP_REGRESSED)
			return save_state(c);
		if (s.v == CMP_IMPROVED)
			return error("the good end %.12s (%.1f us) is slower than the bad end %.12s (%.1f us) on '%s': "
				     "good and bad reversed? swap --good and --bad", c->b.steps[0].sha, s.base_med,
				     c->b.steps[last].sha, s.new_med, c->a.case_key), EXIT_REVERSED;
		if (s.v == CMP_UNCHANGED || boot >= c->a.max_boots)
			return error("the ends do not differ on '%s' (%.1f us and %.1f us, %+.1f%%, %s): nothing to "
				     "bisect; pick ends that 'gupharness compare' calls regressed", c->a.case_key,
				     s.base_med, s.new_med, s.pct, cmp_verdict_names[s.v]), EXIT_FAIL;
		note("bisect %s: the ends' comparison is inconclusive; one more boot each", c->b.id);
		if (!(st = run_step(c, 0)))
			st = run_step(c, last);
	}
	return st == EXIT_FAIL ? EXIT_GUEST : st;
}

static int bisect_loop(struct bctx *c)
{
	long i;
	int st = 0;

	while (!st && (i = bisect_next(&c->b)) >= 0) {
		note("bisect %s: %zu commits left to test (about %d steps)", c->b.id, bisect_left(&c->b),
		     bisect_steps_bound(&c->b));
		st = measure_step(c, (size_t)i);
		if (!st && spawn_interrupted())
			st = EXIT_INTERRUPTED;
		if (!st)
			st = save_state(c);
	}
	return st;
}

/* ---- set-up: revisions, matrix, state ---- */

static int load_or_start(struct bctx *c, const struct bisect_params *p, const struct source_commit *line,
			 size_t n)
{
	char *dbdir = xstrdup(c->a.db), *slash = strrchr(dbdir, '/'), *text;
	const char **shas = xcalloc(n, sizeof(char *)), **subj = xcalloc(n, sizeof(char *));
	struct bisect fresh;

	for (size_t i = 0; i < n; i++) {
		shas[i] = line[i].sha;
		subj[i] = line[i].subject;
	}
	bisect_init(&fresh, p, shas, subj, n);
	free(shas);
	free(subj);
	if (slash)
		*slash = '\0';
	c->dir = xasprintf("%s/bisect/%s", slash ? dbdir : ".", fresh.id);
	c->state = xasprintf("%s/state.json", c->dir);
	free(dbdir);
	if (!(text = read_file(c->state, NULL))) {
		c->b = fresh;
		if (mkdir_p(c->dir, 0755))
			return error("cannot create '%s': %m", c->dir), EXIT_IO;
		note("bisect %s: %zu commits between the ends, about %d steps; state in '%s'", c->b.id, n - 2,
		     bisect_steps_bound(&c->b), c->state);
		return save_state(c);
	}
	if (bisect_load(text, c->state, &c->b)) {
		free(text);
		bisect_free(&fresh);
		return EXIT_USAGE;
	}
	free(text);
	for (size_t i = 0; i < n; i++)
		if (c->b.n != n || strcmp(c->b.steps[i].sha, fresh.steps[i].sha)) {
			bisect_free(&fresh);
			return error("bisection state '%s' lists other commits than '%s' now holds; remove '%s' to "
				     "start afresh", c->state, c->tree, c->dir), EXIT_USAGE;
		}
	bisect_free(&fresh);
	note("bisect %s: resuming after %d measured steps ('%s')", c->b.id, c->b.measured, c->state);
	return 0;
}

/* path made absolute through its directory, so it is the same before and after the file exists */
static char *abs_path(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *real, *out;

	if (slash)
		*slash = '\0';
	real = realpath(slash ? (*dir ? dir : "/") : ".", NULL);
	out = real ? xasprintf("%s/%s", real, slash ? slash + 1 : path) : xstrdup(path);
	free(real);
	free(dir);
	return out;
}

static int setup(struct bctx *c)
{
	char *good = NULL, *bad = NULL, hash[65], err[512];
	struct source_commit *line = NULL;
	size_t n = 0;
	struct matrix m = { 0 };
	struct bisect_params p;
	int st;

	if ((st = open_tree(c)))
		return st;
	if (!(good = resolve_rev(c->tree, c->a.good, "--good")) || !(bad = resolve_rev(c->tree, c->a.bad, "--bad")))
		st = EXIT_USAGE;
	else
		st = commit_line(c, good, bad, &line, &n);
	if (!st && matrix_load(c->a.matrix, 0, &m, err, sizeof(err)))
		st = (fprintf(stderr, "gupharness: %s\n", err), EXIT_USAGE);
	else if (!st && matrix_find(&m, c->a.case_key) < 0)
		st = (error("matrix '%s' has no case '%s'; 'gupharness matrix show %s' lists them", c->a.matrix,
			    c->a.case_key, c->a.matrix), EXIT_USAGE);
	else if (!st && sha256_file_hex(c->a.matrix, hash))
		st = (error("cannot read '%s': %m", c->a.matrix), EXIT_USAGE);
	if (!st) {
		char *db = abs_path(c->a.db);

		p = (struct bisect_params){ c->tree, db, c->a.case_key, hash, c->a.metric, c->a.arch,
					    c->a.clock ? c->a.clock : "default" };
		st = load_or_start(c, &p, line, n);
		free(db);
	}
	source_commits_free(line, n);
	free(good);
	free(bad);
	matrix_free(&m);
	return st;
}

static void report(struct bctx *c, int st)
{
	struct bisect_report r = { .b = &c->b, .tree = c->tree, .matrix = c->a.matrix, .db = c->a.db,
				   .metric = c->a.metric, .seconds = now_monotonic() - c->t0,
				   .builds = c->builds, .boots = c->boots, .interrupted = st == EXIT_INTERRUPTED };

	r.outcome = bisect_outcome(&c->b, &r.lo, &r.hi);
	bisect_format_find(c->a.format)->emit(stdout, &r);
	if (fflush(stdout))
		die(EXIT_IO, "cannot write the bisection report to stdout");
}

int bisect_run(const struct bisect_args *args)
{
	struct bctx c = { .a = *args };
	int st;

	c.t0 = now_monotonic();
	st = setup(&c);
	if (!st) {
		c.self = xstrdup(self_exe());
		c.kbase = kbuild_default_name(c.tree, NULL);
		c.db = db_open(c.a.db, 0);
		st = measure_ends(&c);
		if (!st)
			st = bisect_loop(&c);
		if (!st || st == EXIT_INTERRUPTED)
			report(&c, st);
		if (st == EXIT_INTERRUPTED)
			error("bisection %s interrupted after %d measured steps; run the same command again to resume",
			      c.b.id, c.b.measured);
		else if (!st)
			st = bisect_outcome(&c.b, &(size_t){ 0 }, &(size_t){ 0 }) == BISECT_FOUND ? EXIT_OK : EXIT_FAIL;
		db_close(c.db);
	}
	bisect_free(&c.b);
	free(c.tree);
	free(c.dir);
	free(c.state);
	free(c.self);
	free(c.kbase);
	return st;
}
