/* long file: split pending: data loading, labels, verdicts, gnuplot I/O, one file per chart kind (docs/architecture.md) */
/*
 * plot: the charts of `gupharness plot KIND` (cmd/plot.c parses its argv)
 * and of the nightly report, through plot_draw(). Each kind (a table entry) loads
 * the samples its selectors name (results/samples.c), takes medians,
 * intervals and box figures from stats.c and verdicts from compare_run(),
 * and hands a data file plus a
 * params file of gnuplot variables to its template in plots/; gnuplot does
 * all the drawing, once per requested format. Nothing is cached: a chart is
 * always a function of the database, so rerunning the command redraws it.
 * index.md in the output directory lists each chart with its title and the
 * gnuplot command that redraws it from the files beside it. A failure is
 * recorded once (status and message) and ends the drawing; the caller
 * decides whether it ends the program.
 */
#include "harness/plot/plot.h"

#include "results/changepoint.h"
#include "results/compare.h"
#include "results/housekeeping.h"
#include "results/references.h"
#include "results/samples.h"
#include "results/db.h"
#include "lib/spawn.h"
#include "lib/stats.h"
#include "lib/util.h"
#include "bench/workload.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Cases per before/after or distribution chart; more go on further pages. */
#define PAGE_CASES 8

/* ---- pure helpers (plot.h) ---- */

void plot_ratio_label(double base_us, double new_us, char *buf, size_t len)
{
	double f;
	const char *dir;

	if (!(base_us > 0) || !(new_us > 0)) {
		snprintf(buf, len, "n/a");
		return;
	}
	f = new_us < base_us ? base_us / new_us : new_us / base_us;
	dir = new_us < base_us ? "faster" : "slower";
	if (f < 1.005)
		snprintf(buf, len, "same (1.00x)");
	else if (f < 1.1)
		snprintf(buf, len, "%.2fx %s", f, dir);
	else if (f < 9.95)
		snprintf(buf, len, "%.1fx %s", f, dir);
	else
		snprintf(buf, len, "%.0fx %s", f, dir);
}

void plot_time_label(double us, char *buf, size_t len)
{
	if (us >= 9.95 || us <= -9.95)
		snprintf(buf, len, "%.0f us", us);
	else
		snprintf(buf, len, "%.1f us", us);
}

/* ---- samples loaded from the database ---- */


/* The samples of one case key from one run and kernel: a history point. */
struct pgroup {
	long long run_id;
	char *started, *kernel, *accel;
	char *build;             /* the build it ran: groups never pool two under one name */
	struct dvec v;
	struct dvec bmed;        /* its boots' medians (history's points are made of them) */
};

/* One case key within a selection: pooled samples plus per-run groups. */
struct pcase {
	char *key, *case_id, *cmd, *thp, *file;
	double size_mb;
	long long nr_pages, hugetlb_kb, write, shared, threads, numa_node;
	struct dvec v, w;        /* measured repeats, warm-ups */
	struct pgroup *g;
	size_t ng;
};

struct pset {
	const char *arg;         /* the selector as given, NULL for "everything" */
	struct db_selector sel;
	char *kernels, *accel;   /* comma-separated, for titles */
	struct pcase *c;
	size_t n;
};

enum { FMT_PNG = 1, FMT_SVG = 2 };

static const struct format {
	const char *name;
	int mask;
} formats[] = {
	{ "png", FMT_PNG },
	{ "svg", FMT_SVG },
	{ "both", FMT_PNG | FMT_SVG },
};

/* A drawn chart, for the index. */
struct drawn {
	char *stem, *kind, *title;
};

struct plot_ctx {
	struct plot_opts o;
	sqlite3 *db;
	char *out;               /* output directory */
	char *plotdir;           /* the templates */
	char *cmdline;           /* this command, for the index */
	struct drawn *d;
	size_t nd;
	struct compare_result cmp;   /* verdicts, for beforeafter and heatmap */
	int have_cmp;
	int status;              /* the first failure's exit status; 0: none yet */
	char *err;               /* and its message */
};

/* Records the first failure (later steps see x->status and stop) and,
 * unless quiet, prints it as an error line. */
static void ATTR_PRINTF(3, 4) plot_fail(struct plot_ctx *x, int status, const char *fmt, ...)
{
	va_list ap;

	if (x->status)
		return;
	va_start(ap, fmt);
	if (vasprintf(&x->err, fmt, ap) < 0)
		die(EXIT_FAIL, "out of memory");
	va_end(ap);
	x->status = status;
	if (!x->o.quiet)
		error("%s", x->err);
}

static void free_case(struct pcase *c)
{
	for (size_t k = 0; k < c->ng; k++) {
		free(c->g[k].started);
		free(c->g[k].kernel);
		free(c->g[k].build);
		free(c->g[k].accel);
		free(c->g[k].v.v);
		free(c->g[k].bmed.v);
	}
	free(c->g);
	free(c->key);
	free(c->case_id);
	free(c->cmd);
	free(c->thp);
	free(c->file);
	free(c->v.v);
	free(c->w.v);
}

static void free_set(struct pset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free_case(&s->c[i]);
	free(s->c);
	free(s->kernels);
	free(s->accel);
	db_selector_free(&s->sel);
}

static int group_cmp(const void *a, const void *b)
{
	const struct pgroup *x = a, *y = b;
	int c = strcmp(x->started, y->started);

	if (c)
		return c;
	if (x->run_id != y->run_id)
		return x->run_id < y->run_id ? -1 : 1;
	return strcmp(x->build, y->build);
}

/* Cases in the order of what they measure, as the charts list them. */
static int case_cmp(const void *a, const void *b)
{
	const struct pcase *x = a, *y = b;
	int c;

	if ((c = strcmp(x->cmd, y->cmd)) || (c = strcmp(x->thp, y->thp)))
		return c;
	if (x->hugetlb_kb != y->hugetlb_kb)
		return x->hugetlb_kb < y->hugetlb_kb ? -1 : 1;
	if (x->size_mb != y->size_mb)
		return x->size_mb < y->size_mb ? -1 : 1;
	if (x->nr_pages != y->nr_pages)
		return x->nr_pages < y->nr_pages ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* The group of this boot's run and kernel in c, made when new. */
static struct pgroup *group_for(struct pcase *c, const struct sample_boot *b)
{
	struct pgroup *g;

	for (size_t k = 0; k < c->ng; k++)
		if (c->g[k].run_id == b->run_id && !strcmp(c->g[k].build, b->build))
			return &c->g[k];
	c->g = xrealloc(c->g, (c->ng + 1) * sizeof(*c->g));
	g = &c->g[c->ng++];
	memset(g, 0, sizeof(*g));
	g->run_id = b->run_id;
	g->started = xstrdup(b->started);
	g->kernel = xstrdup(b->kernel);
	g->build = xstrdup(b->build);
	g->accel = xstrdup(b->accel);
	return g;
}

/* A loaded case as the plot's case: its attributes, per-run groups, pooled samples. */
static void pcase_of(struct pcase *c, struct sample_case *sc)
{
	memset(c, 0, sizeof(*c));
	c->key = sc->key;
	c->case_id = sc->case_id;
	c->cmd = sc->cmd;
	c->thp = sc->thp;
	c->file = sc->file;
	sc->key = sc->case_id = sc->cmd = sc->thp = sc->file = NULL;
	c->size_mb = sc->size_mb;
	c->nr_pages = sc->nr_pages;
	c->hugetlb_kb = sc->hugetlb_kb;
	c->write = sc->write;
	c->shared = sc->shared;
	c->threads = sc->threads;
	c->numa_node = sc->numa_node;
	for (size_t k = 0; k < sc->nb; k++) {
		struct pgroup *g;

		if (!sc->b[k].n && !sc->b[k].nw)
			continue;       /* only truncated rows: nothing to draw */
		g = group_for(c, &sc->b[k]);
		for (size_t i = 0; i < sc->b[k].n; i++)
			dvec_push(&g->v, sc->b[k].v[i]);
		if (sc->b[k].n)
			dvec_push(&g->bmed, sc->b[k].median);
		for (size_t i = 0; i < sc->b[k].nw; i++)
			dvec_push(&c->w, sc->b[k].w[i]);
	}
	qsort(c->g, c->ng, sizeof(*c->g), group_cmp);
	for (size_t k = 0; k < c->ng; k++)
		for (size_t i = 0; i < c->g[k].v.n; i++)
			dvec_push(&c->v, c->g[k].v.v[i]);
}

/*
 * Load every ok, untruncated sample of the selection (or of the whole
 * database when arg is NULL), grouped by case key, cases ordered by what
 * they measure. Returns 0, or an exit status (the error already said).
 */
static int load_set(struct plot_ctx *x, const char *arg, struct pset *s)
{
	struct sample_set set;
	struct sample_query q = { .metric = x->o.metric->name, .filter = x->o.filter };

	memset(s, 0, sizeof(*s));
	s->arg = arg;
	if (arg) {
		if (db_resolve_selector(x->db, arg, &s->sel) < 0)
			return EXIT_USAGE;
	} else {
		s->sel.sql = xstrdup("SELECT b.id FROM boots b");
		s->sel.text = xstrdup("");
		s->sel.describe = xstrdup("all runs");
	}
	q.boots_sql = s->sel.sql;
	q.bind = s->sel.text;
	if (samples_load(x->db, &q, &set))
		return EXIT_DB;
	s->c = xcalloc(set.n + 1, sizeof(*s->c));
	for (size_t i = 0; i < set.n; i++) {
		pcase_of(&s->c[s->n], &set.c[i]);
		if (s->c[s->n].ng)
			s->n++;
		else
			free_case(&s->c[s->n]);
	}
	sample_set_free(&set);
	qsort(s->c, s->n, sizeof(*s->c), case_cmp);
	samples_selection_names(x->db, s->sel.sql, s->sel.text, &s->kernels, &s->accel);
	if (!s->kernels || !*s->kernels) {
		free(s->kernels);
		s->kernels = xstrdup(s->sel.text);
	}
	return 0;
}

static const struct pcase *find_case(const struct pset *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->c[i].key, key))
			return &s->c[i];
	return NULL;
}

/* Print a one-line hint from the database. */
static void hint_list(sqlite3 *db, enum db_hint which, const char *what)
{
	char *line = db_hint(db, which);

	fprintf(stderr, "hint: %s: %s\n", what, line ? line : "(none)");
	free(line);
}

/* Nothing to draw: the failure, and (unless quiet) what the database holds. */
static void no_data(struct plot_ctx *x, char *what)
{
	plot_fail(x, EXIT_USAGE, "%s in '%s'%s%s%s", what, x->o.db_path, x->o.filter ? " (case filter '" : "",
		  x->o.filter ? x->o.filter : "", x->o.filter ? "')" : "");
	free(what);
	if (x->o.quiet)
		return;
	hint_list(x->db, DB_HINT_KERNELS, "kernels with runs");
	hint_list(x->db, DB_HINT_CASE_KEYS, "case keys (first 40)");
}

/* ---- describing what was measured ---- */

static void mem_label(const struct pcase *c, char *buf, size_t len)
{
	if (c->hugetlb_kb >= 1048576)
		snprintf(buf, len, "hugetlb %lld GiB", c->hugetlb_kb / 1048576);
	else if (c->hugetlb_kb >= 1024)
		snprintf(buf, len, "hugetlb %lld MiB", c->hugetlb_kb / 1024);
	else if (c->hugetlb_kb > 0)
		snprintf(buf, len, "hugetlb %lld kB", c->hugetlb_kb);
	else if (!strcmp(c->thp, "on"))
		snprintf(buf, len, "THP");
	else if (!strcmp(c->thp, "off"))
		snprintf(buf, len, "no THP");
	else
		snprintf(buf, len, "THP %s", *c->thp ? c->thp : "system");
}

/* A file-backed case; the selftest maps /dev/zero when given no file. */
static int file_backed(const struct pcase *c)
{
	return *c->file && strcmp(c->file, "/dev/zero");
}

/* A case of a workload beyond gup_test (its cmd is the workload's name). */
static int is_workload(const struct pcase *c)
{
	const struct workload *w = workload_find(c->cmd);

	return w && !workload_is_gup_test(w);
}

/*
 * "pin_longterm 512 MiB THP" plus whatever sets the case apart from the
 * selftest's defaults (which write to the pages of a private mapping); a
 * workload has no write flag.
 */
static char *case_desc(const struct pcase *c)
{
	char mem[64];

	mem_label(c, mem, sizeof(mem));
	return xasprintf("%s %g MiB %s%s%s%s%s", c->cmd, c->size_mb, mem, c->write || is_workload(c) ? "" : " read-only",
			 c->shared ? " shared" : "", file_backed(c) ? " file" : "",
			 c->threads > 1 ? " threaded" : "");
}

/* ---- verdicts ---- */

/* Colours by verdict, indexed by enum cmp_verdict. */
static const unsigned verdict_rgb[CMP_NVERDICTS] = {
	[CMP_IMPROVED] = 0x2e9e44,
	[CMP_REGRESSED] = 0xd7301f,
	[CMP_UNCHANGED] = 0x4a78b5,
	[CMP_INCONCLUSIVE] = 0xe6a01e,
};

/* How the charts' verdicts were reached, from the same defaults compare uses. malloc'd. */
static char *verdict_rule(void)
{
	return xasprintf("verdict as 'gupharness compare' gives it: boot-aware model on per-boot medians (boot"
			 " variance pooled over the cases, docs/statistics.md),\nSidak-adjusted intervals over the cases at %g, threshold %g%% (%g%% on the"
			 " icount clock) either way on a log scale", compare_defaults.alpha, CMP_THRESHOLD_WALL_PCT,
			 CMP_THRESHOLD_ICOUNT_PCT);
}

static int compare_sets(struct plot_ctx *x, struct pset *base, struct pset *new)
{
	struct compare_opts o = compare_defaults;
	int rc;

	o.metric = x->o.metric->name;
	o.base_arg = base->arg;
	o.new_arg = new->arg;
	rc = compare_run(x->db, &base->sel, &new->sel, &o, &x->cmp);
	if (rc == COMPARE_REFUSED)
		return x->status = EXIT_USAGE;
	if (rc < 0) {
		plot_fail(x, EXIT_DB, "cannot compare '%s' with '%s' in '%s'", base->arg, new->arg, x->o.db_path);
		return x->status;
	}
	x->have_cmp = 1;
	return 0;
}

static enum cmp_verdict verdict_of(const struct plot_ctx *x, const char *key)
{
	for (size_t i = 0; i < x->cmp.ncases; i++)
		if (!strcmp(x->cmp.cases[i].key, key))
			return x->cmp.cases[i].verdict;
	return CMP_INCONCLUSIVE;
}

/* ---- writing charts ---- */

/*
 * A gnuplot string. Single quotes, because gnuplot runs `...` as a shell
 * command inside double-quoted strings and nothing from the database may do
 * that; a quote is doubled, a line break becomes ' . "\n" . ' (titles and
 * footnotes span lines), other control characters are dropped.
 */
static void param_str(FILE *f, const char *name, const char *val)
{
	fprintf(f, "%s = '", name);
	for (const char *p = val ? val : ""; *p; p++) {
		if (*p == '\'')
			fputs("''", f);
		else if (*p == '\n')
			fputs("' . \"\\n\" . '", f);
		else if ((unsigned char)*p >= 0x20)
			fputc(*p, f);
	}
	fputs("'\n", f);
}

static void param_num(FILE *f, const char *name, double v)
{
	fprintf(f, "%s = %.10g\n", name, v);
}

/* A data-file field: tabs and line breaks would split it. */
static void data_str(FILE *f, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++)
		fputc((unsigned char)*p < 0x20 ? ' ' : *p, f);
}

static void write_out(struct plot_ctx *x, const char *name, const char *buf, size_t len)
{
	char *path = xasprintf("%s/%s", x->out, name);

	if (write_file_atomic(path, buf, len) < 0)
		plot_fail(x, EXIT_IO, "cannot write '%s': %s; pass --out with a writable directory", path,
			  strerror(errno));
	free(path);
}

/*
 * Write <stem>.dat and <stem>.params.gp and run the kind's template once
 * per format. params already holds the kind's own variables.
 */
static void draw(struct plot_ctx *x, const char *kind, const char *stem, const char *title,
		 char *data, size_t data_len, FILE *params, char **pbuf, size_t *plen,
		 int width, int height)
{
	char *dat = xasprintf("%s.dat", stem), *par = xasprintf("%s.params.gp", stem);
	char *tmpl = xasprintf("%s/%s.gp", x->plotdir, kind);
	struct drawn *d;

	param_str(params, "plotdir", x->plotdir);
	param_str(params, "datafile", dat);
	param_str(params, "outbase", stem);
	param_num(params, "width", width);
	param_num(params, "height", height);
	fclose(params);
	write_out(x, dat, data, data_len);
	write_out(x, par, *pbuf, *plen);
	for (size_t i = 0; i < 2 && !x->status; i++) {
		const char *fmt = formats[i].name;
		char *fmtarg = xasprintf("fmt='%s'", fmt);
		char *img = xasprintf("%s/%s.%s", x->out, stem, fmt);
		char *argv[] = { "gnuplot", "-e", fmtarg, par, tmpl, NULL };
		struct spawn_opts so = { .cwd = x->out, .capture = 1, .merge_stderr = 1, .timeout = 120 };
		struct spawn_result r;
		struct stat sb;

		if (!(x->o.formats & formats[i].mask)) {
			free(fmtarg);
			free(img);
			continue;
		}
		if (spawn_run(argv, &so, &r) < 0 || r.exec_failed)
			plot_fail(x, EXIT_ENV, "cannot run 'gnuplot'; install it with 'apt-get install gnuplot-nox'");
		else if (r.status || r.timed_out)
			plot_fail(x, EXIT_FAIL, "gnuplot failed drawing '%s' (status %d): %s", img, r.status,
				  r.out ? r.out : "");
		else if (stat(img, &sb) < 0 || sb.st_size == 0)
			plot_fail(x, EXIT_IO, "gnuplot wrote no image '%s'; is the disk full?", img);
		else if (r.out && *r.out && !x->o.quiet)
			warning("gnuplot on '%s': %s", img, r.out);
		if (!x->status && !x->o.quiet)
			printf("%s\n", img);
		spawn_result_free(&r);
		free(fmtarg);
		free(img);
	}
	x->d = xrealloc(x->d, (x->nd + 1) * sizeof(*x->d));
	d = &x->d[x->nd++];
	d->stem = xstrdup(stem);
	d->kind = xstrdup(kind);
	d->title = xstrdup(title);
	free(*pbuf);
	free(dat);
	free(par);
	free(tmpl);
}

/* A chart's file-name stem from its parts, each sanitised. */
static char *make_stem(const char *kind, const char *a, const char *b, const char *extra)
{
	char sa[96], sb[96], se[128];

	sanitize_name(a ? a : "", sa, sizeof(sa));
	sanitize_name(b ? b : "", sb, sizeof(sb));
	sanitize_name(extra ? extra : "", se, sizeof(se));
	return xasprintf("%s_%s%s%s%s%s", kind, sa, b ? "_vs_" : "", b ? sb : "", extra ? "_" : "",
			 extra ? se : "");
}

static char *page_suffix(const char *filter, size_t page, size_t pages)
{
	if (pages > 1)
		return xasprintf("%s%s%zuof%zu", filter ? filter : "", filter ? "_" : "", page + 1, pages);
	return filter ? xstrdup(filter) : NULL;
}

/* Does any case of s run a workload beyond gup_test? */
static int has_workload(const struct pset *s)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (is_workload(&s->c[i]))
			return 1;
	return 0;
}

/* The subtitle: what was measured (and by which clock), where. */
static char *measured_line(const struct plot_ctx *x, const struct pset *a, const struct pset *b)
{
	return xasprintf("%s (%s, %s) | accel %s%s%s | %s%s%s", x->o.metric->what,
			 has_workload(a) || has_workload(b) ? "gup_test: kernel ktime; workloads: the bench's clock around the syscalls"
							    : "kernel ktime",
			 x->o.metric->column, *a->accel ? a->accel : "?",
			 b && strcmp(a->accel, b->accel) ? " / " : "",
			 b && strcmp(a->accel, b->accel) ? b->accel : "",
			 a->sel.describe, b ? " vs " : "", b ? b->sel.describe : "");
}

static double floor_decade(double v)
{
	return pow(10.0, floor(log10(v)));
}

/* ---- beforeafter ---- */

struct ref {
	int have;
	double before, after;
	char *series, *environment;
};

/* A published figure for this key and metric (selftest cases match too). */
static void find_ref(struct plot_ctx *x, const char *key, struct ref *r)
{
	struct reference_figure f;

	memset(r, 0, sizeof(*r));
	if (reference_find(x->db, key, x->o.metric->name, &f) == 1) {
		r->have = 1;
		r->before = f.before_us;
		r->after = f.after_us;
		r->series = f.series;
		r->environment = f.environment;
	}
}

static double positive_or_inf(double v)
{
	return v > 0 ? v : INFINITY;
}

/* One before/after bar pair's data line (with its published figures, if
 * any); widens the y range [*lo, *hi]; returns the pair's verdict. */
static enum cmp_verdict beforeafter_row(struct plot_ctx *x, FILE *f, size_t i, const struct pcase *b,
					const struct pcase *n, double *lo, double *hi, int *has_ref,
					char **refnote)
{
	double bm = stats_median(b->v.v, b->v.n), nm = stats_median(n->v.v, n->v.n);
	double blo, bhi, nlo, nhi;
	char bl[32], nl[32], ratio[48], rbl[32] = "", ral[32] = "", rr[64] = "";
	char *desc = case_desc(b);
	enum cmp_verdict v = verdict_of(x, b->key);
	struct ref r;

	stats_median_ci(b->v.v, b->v.n, &blo, &bhi);
	stats_median_ci(n->v.v, n->v.n, &nlo, &nhi);
	plot_time_label(bm, bl, sizeof(bl));
	plot_time_label(nm, nl, sizeof(nl));
	plot_ratio_label(bm, nm, ratio, sizeof(ratio));
	find_ref(x, b->key, &r);
	if (r.have) {
		char rl[48];

		*has_ref = 1;
		plot_time_label(r.before, rbl, sizeof(rbl));
		plot_time_label(r.after, ral, sizeof(ral));
		plot_ratio_label(r.before, r.after, rl, sizeof(rl));
		snprintf(rr, sizeof(rr), "published: %s", rl);
		if (!*refnote)
			*refnote = xasprintf("published bars: '%s' (%s)", r.series,
					     *r.environment ? r.environment : "environment not stated");
		*lo = fmin(*lo, fmin(positive_or_inf(r.before), positive_or_inf(r.after)));
		*hi = fmax(*hi, fmax(r.before, r.after));
	}
	/* A log axis: a zero time (below the timer's resolution) sits on the floor. */
	*lo = fmin(*lo, fmin(positive_or_inf(blo), positive_or_inf(nlo)));
	*hi = fmax(*hi, fmax(bhi, nhi));
	fprintf(f, "%zu\t", i + 1);
	data_str(f, desc);
	fputc('\t', f);
	data_str(f, b->key);
	fprintf(f, "\t%.6g\t%.6g\t%.6g\t%zu\t%s", bm, blo, bhi, b->v.n, bl);
	fprintf(f, "\t%.6g\t%.6g\t%.6g\t%zu\t%s", nm, nlo, nhi, n->v.n, nl);
	fprintf(f, "\t%s\t%s\t%u", ratio, cmp_verdict_names[v], verdict_rgb[v]);
	if (r.have)
		fprintf(f, "\t%.6g\t%.6g\t%s\t%s\t%s\n", r.before, r.after, rbl, ral, rr);
	else
		fprintf(f, "\tNaN\tNaN\t\t\t\n");
	free(desc);
	free(r.series);
	free(r.environment);
	return v;
}

/* Pixels per case: the bars, or the widest tick label (description or key,
 * about 7.5 px a character) when that is wider, so that labels never overlap. */
static double case_slot_px(const struct pcase **pairs, size_t np, int has_ref)
{
	double px = has_ref ? 250 : 190;

	for (size_t i = 0; i < np; i++) {
		char *desc = case_desc(pairs[2 * i]);

		px = fmax(px, 7.5 * (double)(fmax(strlen(desc), strlen(pairs[2 * i]->key)) + 2));
		free(desc);
	}
	return px;
}

static void beforeafter_page(struct plot_ctx *x, struct pset *base, struct pset *new,
			     const struct pcase **pairs, size_t np, const char *suffix)
{
	char *data = NULL, *pbuf = NULL, *stem, *title, *sub, *foot, *refnote = NULL;
	size_t dlen = 0, plen = 0;
	FILE *f = open_memstream(&data, &dlen), *p = open_memstream(&pbuf, &plen);
	double lo_all = INFINITY, hi_all = 0;
	int seen[CMP_NVERDICTS] = { 0 }, has_ref = 0;
	char vlist[64] = "", *rule;

	for (size_t i = 0; i < np; i++)
		seen[beforeafter_row(x, f, i, pairs[2 * i], pairs[2 * i + 1], &lo_all, &hi_all, &has_ref, &refnote)] = 1;
	fclose(f);
	for (size_t v = 0; v < CMP_NVERDICTS; v++)
		if (seen[v])
			snprintf(vlist + strlen(vlist), sizeof(vlist) - strlen(vlist), "%s ", cmp_verdict_names[v]);
	if (!isfinite(lo_all))
		lo_all = fmax(hi_all, 1);

	stem = make_stem("beforeafter", base->arg, new->arg, suffix);
	title = xasprintf("GUP %s per case: %s (base) vs %s (new)", x->o.metric->what, base->kernels,
			  new->kernels);
	sub = measured_line(x, base, new);
	rule = verdict_rule();
	foot = xasprintf("bars: median of the non-warm-up repeats pooled over boots (n per bar in the data file);"
			 " error bars: 95%% CI of the median from order statistics (exact binomial)\n%s%s%s",
			 rule, refnote ? "\n" : "", refnote ? refnote : "");
	free(rule);
	param_str(p, "title", title);
	param_str(p, "subtitle", sub);
	param_str(p, "footnote", foot);
	param_str(p, "ylabel", "median " "time (us, log scale)");
	param_str(p, "base_name", base->kernels);
	param_str(p, "new_name", new->kernels);
	param_str(p, "verdicts", vlist);
	param_num(p, "ymin", floor_decade(lo_all / 1.5));
	param_num(p, "ymax", hi_all * 4);
	param_num(p, "ncases", (double)np);
	param_num(p, "has_ref", has_ref);
	draw(x, "beforeafter", stem, title, data, dlen, p, &pbuf, &plen,
	     (int)fmax(900, 160 + (double)np * case_slot_px(pairs, np, has_ref)), 700);
	free(data);
	free(stem);
	free(title);
	free(sub);
	free(foot);
	free(refnote);
}

static int plot_beforeafter(struct plot_ctx *x, struct pset *sets, int nsets)
{
	struct pset *base = &sets[0], *new = &sets[1];
	const struct pcase **pairs = xcalloc(2 * (base->n + 1), sizeof(*pairs));
	size_t np = 0, pages, only = 0;

	(void)nsets;
	for (size_t i = 0; i < base->n; i++) {
		const struct pcase *n = find_case(new, base->c[i].key);

		if (n && base->c[i].v.n && n->v.n) {
			pairs[2 * np] = &base->c[i];
			pairs[2 * np++ + 1] = n;
		} else {
			only++;
		}
	}
	if (!np)
		no_data(x, xasprintf("no case measured on both '%s' and '%s'", base->arg, new->arg));
	if (x->status || compare_sets(x, base, new)) {
		free(pairs);
		return x->status;
	}
	if (only || new->n > np)
		warning("%zu case(s) measured on only one side left out; both sides need the same case key",
			only + (new->n - np));
	pages = (np + PAGE_CASES - 1) / PAGE_CASES;
	for (size_t pg = 0; pg < pages && !x->status; pg++) {
		size_t first = pg * PAGE_CASES, cnt = np - first < PAGE_CASES ? np - first : PAGE_CASES;
		char *suffix = page_suffix(x->o.filter, pg, pages);

		beforeafter_page(x, base, new, pairs + 2 * first, cnt, suffix);
		free(suffix);
	}
	free(pairs);
	return x->status;
}

/* ---- dist ---- */

static const char *const side_colours = "#4a78b5 #e6842e #5aa469 #8e6bb0";

/* Deterministic jitter in [-0.5, 0.5) so points do not hide one another. */
static double jitter(size_t i, size_t k)
{
	uint64_t s = (uint64_t)i << 32 ^ (uint64_t)k;

	return (double)(stats_splitmix(&s) >> 11) / 9007199254740992.0 - 0.5;
}

/* Percent deviation from a median: the dist chart's y axis. */
static double dev_pct(double v, double med)
{
	return med > 0 ? 100.0 * (v / med - 1.0) : 0.0;
}

static void box_row(FILE *f, double xpos, const struct dvec *d, int side)
{
	struct box b;
	char ml[32];

	stats_box(d->v, d->n, &b);
	plot_time_label(b.median, ml, sizeof(ml));
	fprintf(f, "%.4f\t%.4f\t%.4f\t0\t%.4f\t%.4f\t%d\t%zu\t%s\t%.6g\n", xpos, dev_pct(b.whisker_lo, b.median),
		dev_pct(b.q1, b.median), dev_pct(b.q3, b.median), dev_pct(b.whisker_hi, b.median), side + 1, d->n,
		ml, b.median);
}

/* The samples block: each sample's deviation from its case's median,
 * jittered sideways (warm-ups flagged); widens [*lo, *hi]; returns the
 * number of warm-up samples. */
static size_t dist_samples(FILE *f, struct pset *sets, int nsets, const char **keys, size_t nk, double slot,
			   double *lo_out, double *hi_out)
{
	double lo = *lo_out, hi = *hi_out;
	size_t nwarm = 0;

	for (size_t i = 0; i < nk; i++)
		for (int s = 0; s < nsets; s++) {
			const struct pcase *c = find_case(&sets[s], keys[i]);
			double xc = (double)(i + 1) - 0.4 + slot * (s + 0.5), med, d;

			if (!c || !c->v.n)
				continue;
			med = stats_median(c->v.v, c->v.n);
			for (size_t k = 0; k < c->w.n; k++) {
				d = dev_pct(c->w.v[k], med);
				fprintf(f, "%.4f\t%.4f\t%d\t1\t%.6g\n", xc + 0.6 * slot * jitter(i * 8 + s, k), d, s + 1,
					c->w.v[k]);
				lo = fmin(lo, d);
				hi = fmax(hi, d);
				nwarm++;
			}
			for (size_t k = 0; k < c->v.n; k++) {
				d = dev_pct(c->v.v[k], med);
				fprintf(f, "%.4f\t%.4f\t%d\t0\t%.6g\n", xc + 0.6 * slot * jitter(i * 8 + s, k + 4096), d,
					s + 1, c->v.v[k]);
				lo = fmin(lo, d);
				hi = fmax(hi, d);
			}
		}
	*lo_out = lo;
	*hi_out = hi;
	return nwarm;
}

/* The tick-label block: one description and key per case. */
static void dist_ticks(FILE *f, struct pset *sets, int nsets, const char **keys, size_t nk)
{
	for (size_t i = 0; i < nk; i++) {
		const struct pcase *c = NULL;
		char *desc;

		for (int s = 0; s < nsets && !c; s++)
			c = find_case(&sets[s], keys[i]);
		desc = case_desc(c);
		fprintf(f, "%zu\t", i + 1);
		data_str(f, desc);
		fputc('\t', f);
		data_str(f, c->key);
		fputc('\n', f);
		free(desc);
	}
}

/*
 * One chart of up to PAGE_CASES cases. Kernels of one case can differ by a
 * factor of 40 while their noise is a few percent, so on a shared time axis
 * every box is a flat line: y is each sample's deviation from the median of
 * its own case and kernel, and the median itself is printed under its box.
 */
static void dist_page(struct plot_ctx *x, struct pset *sets, int nsets, const char **keys, size_t nk,
		      const char *suffix)
{
	char *data = NULL, *pbuf = NULL, *stem, *title, *sub, *names = NULL, *nn;
	size_t dlen = 0, plen = 0, nwarm = 0;
	FILE *f = open_memstream(&data, &dlen), *p = open_memstream(&pbuf, &plen);
	double slot = 0.8 / nsets, lo = 0, hi = 0;

	/* Block 0: boxes; block 1: samples; block 2: tick labels. */
	for (size_t i = 0; i < nk; i++)
		for (int s = 0; s < nsets; s++) {
			const struct pcase *c = find_case(&sets[s], keys[i]);

			if (c && c->v.n)
				box_row(f, (double)(i + 1) - 0.4 + slot * (s + 0.5), &c->v, s);
		}
	fprintf(f, "\n\n");
	nwarm = dist_samples(f, sets, nsets, keys, nk, slot, &lo, &hi);
	fprintf(f, "\n\n");
	dist_ticks(f, sets, nsets, keys, nk);
	fclose(f);

	for (int s = 0; s < nsets; s++) {
		char var[16];

		snprintf(var, sizeof(var), "name%d", s + 1);
		param_str(p, var, sets[s].kernels);
		nn = xasprintf("%s%s%s", names ? names : "", names ? ", " : "", sets[s].kernels);
		free(names);
		names = nn;
	}
	stem = make_stem("dist", sets[0].arg, nsets > 1 ? sets[1].arg : NULL, suffix);
	title = xasprintf("GUP %s, every sample per case: %s", x->o.metric->what, names);
	sub = measured_line(x, &sets[0], nsets > 1 ? &sets[1] : NULL);
	param_str(p, "title", title);
	param_str(p, "subtitle", sub);
	param_str(p, "footnote",
		  "y: each sample's deviation from the median of its case and kernel (that median is printed under"
		  " the box); box: quartiles, whiskers: furthest sample within 1.5 IQR\n"
		  "dots: measured repeats (jittered sideways); open triangles: warm-up repeats, excluded from every"
		  " statistic; raw times are in the data file");
	param_str(p, "ylabel", "deviation from the median (%)");
	param_str(p, "colours", side_colours);
	param_num(p, "nsides", nsets);
	param_num(p, "nwarm", (double)nwarm);
	param_num(p, "boxwidth", slot * 0.7);
	param_num(p, "ncases", (double)nk);
	param_num(p, "ymin", floor(fmin(lo, -5) / 5 - 1) * 5);
	param_num(p, "ymax", ceil(fmax(hi, 5) / 5 + 1) * 5);
	draw(x, "dist", stem, title, data, dlen, p, &pbuf, &plen, (int)fmax(900, 160 + nk * 90 * (nsets + 1)),
	     650);
	free(data);
	free(stem);
	free(title);
	free(sub);
	free(names);
}

static int plot_dist(struct plot_ctx *x, struct pset *sets, int nsets)
{
	const char **keys = NULL;
	size_t nk = 0, pages;

	/* Every key any selection has, in the first selection's order. */
	for (int s = 0; s < nsets; s++)
		for (size_t i = 0; i < sets[s].n; i++) {
			size_t k;

			for (k = 0; k < nk && strcmp(keys[k], sets[s].c[i].key); k++)
				;
			if (k == nk) {
				keys = xrealloc(keys, (nk + 1) * sizeof(*keys));
				keys[nk++] = sets[s].c[i].key;
			}
		}
	pages = (nk + PAGE_CASES - 1) / PAGE_CASES;
	for (size_t pg = 0; pg < pages && !x->status; pg++) {
		size_t first = pg * PAGE_CASES, cnt = nk - first < PAGE_CASES ? nk - first : PAGE_CASES;
		char *suffix = page_suffix(x->o.filter, pg, pages);

		dist_page(x, sets, nsets, keys + first, cnt, suffix);
		free(suffix);
	}
	free(keys);
	return x->status;
}

/* ---- heatmap ---- */

/* A matrix axis: the case attribute a heatmap can spread cases over. */
struct axis {
	const char *name, *label;
	/* The value as text; *num gets a sort key (NAN sorts as text). */
	void (*value)(const struct pcase *c, char *buf, size_t len, double *num);
};

static void ax_size(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = c->size_mb;
	snprintf(buf, len, "%g", c->size_mb);
}

static void ax_pages(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = (double)c->nr_pages;
	snprintf(buf, len, "%lld", c->nr_pages);
}

static void ax_cmd(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = NAN;
	snprintf(buf, len, "%s", c->cmd);
}

static void ax_mem(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = NAN;
	mem_label(c, buf, len);
}

static void ax_write(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = (double)c->write;
	snprintf(buf, len, "%s", c->write ? "write" : "read");
}

static void ax_shared(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = (double)c->shared;
	snprintf(buf, len, "%s", c->shared ? "shared" : "private");
}

static void ax_threads(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = (double)c->threads;
	snprintf(buf, len, "%lld", c->threads);
}

static const struct axis axes[] = {
	{ "size_mb", "buffer size (MiB)", ax_size },
	{ "nr_pages", "pages per call (-n)", ax_pages },
	{ "cmd", "command", ax_cmd },
	{ "mem", "memory (THP / hugetlb)", ax_mem },
	{ "write", "access", ax_write },
	{ "shared", "mapping", ax_shared },
	{ "threads", "threads", ax_threads },
};
#define NAXES (sizeof(axes) / sizeof(axes[0]))

static const struct axis *find_axis(const char *name)
{
	for (size_t i = 0; i < NAXES; i++)
		if (!strcmp(axes[i].name, name))
			return &axes[i];
	return NULL;
}

/*
 * The values of the axes not drawn: cases sharing them share a heatmap.
 * vary, when given, limits the text to the axes flagged in it (those that
 * differ between cases), for titles and file names.
 */
static char *facet_of(const struct pcase *c, const struct axis *ax, const struct axis *ay, const int *vary)
{
	char *s = xstrdup(""), *t;

	for (size_t i = 0; i < NAXES; i++) {
		char v[64];
		double num;

		if (&axes[i] == ax || &axes[i] == ay || (vary && !vary[i]))
			continue;
		axes[i].value(c, v, sizeof(v), &num);
		t = xasprintf("%s%s%s=%s", s, *s ? ", " : "", axes[i].name, v);
		free(s);
		s = t;
	}
	if (file_backed(c) && (!vary || vary[NAXES])) {
		t = xasprintf("%s, file", s);
		free(s);
		s = t;
	}
	return s;
}

struct level {
	char text[64];
	double num;
};

static int level_cmp(const void *a, const void *b)
{
	const struct level *x = a, *y = b;

	if (!isnan(x->num) && !isnan(y->num))
		return (x->num > y->num) - (x->num < y->num);
	return strcmp(x->text, y->text);
}

/* Index of the value in the sorted distinct levels; adds it on first sight. */
static size_t level_add(struct level **l, size_t *n, const char *text, double num)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*l)[i].text, text))
			return i;
	*l = xrealloc(*l, (*n + 1) * sizeof(**l));
	snprintf((*l)[*n].text, sizeof((*l)[*n].text), "%s", text);
	(*l)[*n].num = num;
	return (*n)++;
}

static size_t level_find(const struct level *l, size_t n, const char *text)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].text, text))
			return i;
	BUG("level not collected");
}

/* An axis's levels over the cases, sorted. */
static void collect_levels(const struct axis *ax, const struct pcase **bc, size_t nc, struct level **l, size_t *n)
{
	for (size_t i = 0; i < nc; i++) {
		char v[64];
		double num;

		ax->value(bc[i], v, sizeof(v), &num);
		level_add(l, n, v, num);
	}
	qsort(*l, *n, sizeof(**l), level_cmp);
}

/* A data block of tick labels: index and text of each level. */
static void level_ticks(FILE *f, const struct level *l, size_t n)
{
	fprintf(f, "\n\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%zu\t", i);
		data_str(f, l[i].text);
		fputc('\n', f);
	}
}

/* Block 0: one cell per case (the first of any that share one); widens
 * *maxlog; returns how many cases were left out as sharing a cell. */
static int heatmap_cells(struct plot_ctx *x, FILE *f, struct pset *new, const struct axis *ax,
			 const struct axis *ay, const struct pcase **bc, size_t nc, const struct level *xl,
			 size_t nx, size_t ny, const struct level *yl, unsigned char *filled, double *maxlog)
{
	int dup = 0;

	for (size_t i = 0; i < nc; i++) {
		const struct pcase *n = find_case(new, bc[i]->key);
		double bm = stats_median(bc[i]->v.v, bc[i]->v.n), nm = stats_median(n->v.v, n->v.n);
		char xv[64], yv[64], rl[48];
		size_t xi, yi;
		double num, lr = log2(nm / bm);
		enum cmp_verdict v = verdict_of(x, bc[i]->key);

		ax->value(bc[i], xv, sizeof(xv), &num);
		ay->value(bc[i], yv, sizeof(yv), &num);
		xi = level_find(xl, nx, xv);
		yi = level_find(yl, ny, yv);
		if (filled[xi * ny + yi]++) {
			dup++;
			continue;
		}
		plot_ratio_label(bm, nm, rl, sizeof(rl));
		if (isfinite(lr))
			*maxlog = fmax(*maxlog, fabs(lr));
		fprintf(f, "%zu\t%zu\t%.6g\t%.6g\t%s\t%s\t", xi, yi, lr, nm / bm, rl, cmp_verdict_names[v]);
		data_str(f, xv);
		fputc('\t', f);
		data_str(f, yv);
		fputc('\t', f);
		data_str(f, bc[i]->key);
		fputc('\n', f);
	}
	return dup;
}

static void heatmap_facet(struct plot_ctx *x, struct pset *base, struct pset *new, const struct axis *ax,
			  const struct axis *ay, const char *facet, const char *facet_name,
			  const struct pcase **bc, size_t nc)
{
	struct level *xl = NULL, *yl = NULL;
	size_t nx = 0, ny = 0, dlen = 0, plen = 0;
	char *data = NULL, *pbuf = NULL, *stem, *title, *sub, *extra, *foot, *t;
	FILE *f, *p;
	double maxlog = 1;
	int dup = 0;
	unsigned char *filled;

	collect_levels(ax, bc, nc, &xl, &nx);
	collect_levels(ay, bc, nc, &yl, &ny);
	filled = xcalloc(nx * ny, 1);
	f = open_memstream(&data, &dlen);
	dup = heatmap_cells(x, f, new, ax, ay, bc, nc, xl, nx, ny, yl, filled, &maxlog);
	/* Blocks 1 and 2: the tick labels of the x and y levels. */
	level_ticks(f, xl, nx);
	level_ticks(f, yl, ny);
	fclose(f);
	if (dup)
		warning("heatmap '%s': %d case(s) share a cell with another (they differ in flags that are not"
			" an axis); the first is drawn", facet, dup);

	p = open_memstream(&pbuf, &plen);
	extra = xasprintf("%s_by_%s%s%s", ax->name, ay->name, *facet_name ? "_" : "", facet_name);
	stem = make_stem("heatmap", base->arg, new->arg, extra);
	title = xasprintf("GUP %s ratio %s / %s over %s and %s", x->o.metric->what, new->kernels,
			  base->kernels, ax->name, ay->name);
	sub = measured_line(x, base, new);
	param_str(p, "title", title);
	param_str(p, "subtitle", sub);
	t = xasprintf("cases with %s", facet);
	param_str(p, "facet", t);
	free(t);
	t = verdict_rule();
	foot = xasprintf("cell: median(new)/median(base) of the non-warm-up repeats; blue faster, red slower,"
			 " white equal (log2 colour scale)\n%s", t);
	free(t);
	param_str(p, "footnote", foot);
	param_str(p, "xlabel", ax->label);
	param_str(p, "ylabel", ay->label);
	param_num(p, "nx", (double)nx);
	param_num(p, "ny", (double)ny);
	param_num(p, "cbmax", ceil(maxlog));
	draw(x, "heatmap", stem, title, data, dlen, p, &pbuf, &plen, (int)fmax(800, 250 + nx * 120),
	     (int)fmax(560, 260 + ny * 70));
	free(data);
	free(stem);
	free(title);
	free(sub);
	free(extra);
	free(foot);
	free(xl);
	free(yl);
	free(filled);
}

static int plot_heatmap(struct plot_ctx *x, struct pset *sets, int nsets)
{
	struct pset *base = &sets[0], *new = &sets[1];
	const struct axis *ax = find_axis(x->o.x_axis), *ay = find_axis(x->o.y_axis);
	char **facets = NULL;
	size_t nf = 0;
	int vary[NAXES + 1] = { 0 };

	(void)nsets;
	if (!ax || !ay || ax == ay) {
		error("heatmap axes '%s' and '%s' must be two different ones of:", x->o.x_axis, x->o.y_axis);
		for (size_t i = 0; i < NAXES; i++)
			fprintf(stderr, "   %-9s %s\n", axes[i].name, axes[i].label);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < base->n; i++) {
		const struct pcase *n = find_case(new, base->c[i].key);

		if (n && n->v.n && base->c[i].v.n) {
			char *fc = facet_of(&base->c[i], ax, ay, NULL);
			size_t k;

			/* Which axes differ between cases, for short names. */
			for (size_t a = 0; a < NAXES; a++) {
				char v0[64], v1[64];
				double num;

				axes[a].value(&base->c[0], v0, sizeof(v0), &num);
				axes[a].value(&base->c[i], v1, sizeof(v1), &num);
				vary[a] |= strcmp(v0, v1) != 0;
			}
			vary[NAXES] |= strcmp(base->c[0].file, base->c[i].file) != 0;

			for (k = 0; k < nf && strcmp(facets[k], fc); k++)
				;
			if (k == nf) {
				facets = xrealloc(facets, (nf + 1) * sizeof(*facets));
				facets[nf++] = fc;
			} else {
				free(fc);
			}
		}
	}
	if (!nf)
		no_data(x, xasprintf("no case measured on both '%s' and '%s'", base->arg, new->arg));
	if (x->status || compare_sets(x, base, new)) {
		for (size_t k = 0; k < nf; k++)
			free(facets[k]);
		free(facets);
		return x->status;
	}
	for (size_t k = 0; k < nf; k++) {
		const struct pcase **bc = xcalloc(base->n, sizeof(*bc));
		size_t nc = 0;
		char *name = NULL;

		for (size_t i = 0; i < base->n; i++) {
			const struct pcase *n = find_case(new, base->c[i].key);
			char *fc;

			if (!n || !n->v.n || !base->c[i].v.n)
				continue;
			fc = facet_of(&base->c[i], ax, ay, NULL);
			if (!strcmp(fc, facets[k])) {
				if (!nc)
					name = facet_of(&base->c[i], ax, ay, vary);
				bc[nc++] = &base->c[i];
			}
			free(fc);
		}
		if (!x->status)
			heatmap_facet(x, base, new, ax, ay, facets[k], name, bc, nc);
		free(name);
		free(bc);
		free(facets[k]);
	}
	free(facets);
	return x->status;
}

/* ---- history ---- */

/*
 * The run medians and change points, from cp_history: the very call the
 * nightly report makes, so chart and report agree (each run's value is the
 * median of its boots' medians).
 */
static size_t history_changes(const struct pcase *c, const struct cp_params *cpp, double *med,
			      struct cp_change **ch)
{
	struct cp_point *pt = xcalloc(c->ng + 1, sizeof(*pt));
	size_t nch;

	for (size_t i = 0; i < c->ng; i++)
		pt[i] = (struct cp_point){ c->g[i].bmed.v, c->g[i].bmed.n };
	nch = cp_history(c->key, pt, c->ng, cpp, med, ch);
	free(pt);
	return nch;
}

/* One data line per run: its median, the band of its pooled repeats, its tick. */
static void history_points(FILE *f, const struct pcase *c, const double *med, size_t nkern)
{
	size_t every = c->ng > 24 ? (c->ng + 23) / 24 : 1;

	for (size_t i = 0; i < c->ng; i++) {
		const struct pgroup *g = &c->g[i];
		double lo, hi;

		stats_median_ci(g->v.v, g->v.n, &lo, &hi);
		fprintf(f, "%zu\t%.6g\t%.6g\t%.6g\t%zu\t", i + 1, med[i], lo, hi, g->v.n);
		/* Short ticks: the run and its day; the kernel only when it varies
		 * (the title names a single one). */
		if (i % every == 0 || i + 1 == c->ng) {
			fprintf(f, "#%lld %.10s", g->run_id, g->started);
			if (nkern > 1) {
				fputc(' ', f);
				data_str(f, g->kernel);
			}
		}
		fputc('\t', f);
		data_str(f, g->kernel);
		fputc('\n', f);
	}
}

/* The change points as gnuplot word lists: positions (1-based) and labels. */
static void change_lists(const struct cp_change *ch, size_t nch, char **cpos, char **clab)
{
	char *t;

	*cpos = xstrdup("");
	*clab = xstrdup("");
	for (size_t i = 0; i < nch; i++) {
		t = xasprintf("%s%s%zu", *cpos, i ? " " : "", ch[i].index + 1);
		free(*cpos);
		*cpos = t;
		t = xasprintf("%s%s%+.1f%%", *clab, i ? " " : "", ch[i].size_pct);
		free(*clab);
		*clab = t;
	}
}

static void history_case(struct plot_ctx *x, struct pset *s, const struct pcase *c)
{
	char *data = NULL, *pbuf = NULL, *stem, *title, *sub, *desc, *kernels, *meas, *foot;
	size_t dlen = 0, plen = 0, nch = 0, nkern = 0;
	FILE *f = open_memstream(&data, &dlen), *p;
	double *med = xcalloc(c->ng, sizeof(*med));
	struct cp_params cpp;
	struct cp_change *ch = NULL;
	char *cpos, *clab;

	for (size_t i = 0; i < c->ng; i++)
		if (!i || strcmp(c->g[i].build, c->g[i - 1].build))
			nkern++;
	cp_params_default(&cpp);
	if (x->o.alpha > 0)
		cpp.alpha = x->o.alpha;
	cpp.min_size_pct = x->o.min_change;
	nch = history_changes(c, &cpp, med, &ch);
	history_points(f, c, med, nkern);
	fclose(f);
	change_lists(ch, nch, &cpos, &clab);

	p = open_memstream(&pbuf, &plen);
	desc = case_desc(c);
	stem = make_stem("history", c->key, NULL, s->arg);
	title = xasprintf("GUP %s over runs: %s (%s)", x->o.metric->what, desc, c->key);
	meas = measured_line(x, s, NULL);
	if (nkern > 1)
		kernels = xasprintf("kernels: %s .. %s (%zu change%s of build)", c->g[0].kernel,
				    c->g[c->ng - 1].kernel, nkern - 1, nkern == 2 ? "" : "s");
	else
		kernels = xasprintf("kernel: %s", c->g[0].kernel);
	sub = xasprintf("%s\n%s", meas, kernels);
	param_str(p, "title", title);
	param_str(p, "subtitle", sub);
	foot = xasprintf("points: median of each run's per-boot medians (what change points are found on);"
			 " band: 95%% CI of the run's pooled repeats' median (within-boot only)\ndashed lines: change"
			 " points (E-Divisive means, alpha %.2g, %u+ permutations, seeded by the case key, changes"
			 " under %g%% merged away; none below %zu runs), labelled with the change of the median",
			 cpp.alpha, cpp.permutations, cpp.min_size_pct, cp_min_history(&cpp));
	param_str(p, "footnote", foot);
	param_str(p, "ylabel", "median time (us)");
	param_str(p, "changes", cpos);
	param_str(p, "change_labels", clab);
	param_num(p, "npoints", (double)c->ng);
	draw(x, "history", stem, title, data, dlen, p, &pbuf, &plen, (int)fmax(900, 200 + c->ng * 30), 600);
	free(data);
	free(stem);
	free(title);
	free(sub);
	free(desc);
	free(meas);
	free(foot);
	free(kernels);
	free(med);
	free(ch);
	free(cpos);
	free(clab);
}

static int plot_history(struct plot_ctx *x, struct pset *sets, int nsets)
{
	(void)nsets;
	for (size_t i = 0; i < sets[0].n && !x->status; i++)
		if (sets[0].c[i].ng)
			history_case(x, &sets[0], &sets[0].c[i]);
	return x->status;
}

/* ---- the index ---- */

/*
 * index.md holds one section per chart, headed by its stem; a redraw
 * replaces its own sections and keeps the others.
 */
static void write_index(struct plot_ctx *x)
{
	char *path = xasprintf("%s/index.md", x->out), *old = read_file(path, NULL), *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *sec;

	fprintf(f, "# gupbench charts\n\nDrawn by `gupharness plot` from the result database; rerun the same"
		" command to redraw from the database, or run the listed gnuplot command in this directory"
		" to redraw from the data files beside it.\n");
	for (sec = old ? strstr(old, "\n## ") : NULL; sec; ) {
		const char *next = strstr(sec + 1, "\n## ");
		const char *eol = strchr(sec + 4, '\n');
		size_t seclen = next ? (size_t)(next - sec) : strlen(sec);
		int replaced = 0;

		for (size_t i = 0; i < x->nd && eol; i++)
			if ((size_t)(eol - sec - 4) == strlen(x->d[i].stem) && !strncmp(sec + 4, x->d[i].stem, eol - sec - 4))
				replaced = 1;
		if (!replaced)
			fwrite(sec, 1, seclen, f);
		sec = next;
	}
	for (size_t i = 0; i < x->nd; i++) {
		const struct drawn *d = &x->d[i];

		fprintf(f, "\n## %s\n\n%s (%s)\n\n", d->stem, d->title, d->kind);
		if (x->o.formats & FMT_PNG)
			fprintf(f, "![%s](%s.png)\n\n", d->kind, d->stem);
		if (x->o.formats & FMT_PNG)
			fprintf(f, "- image: %s.png\n", d->stem);
		if (x->o.formats & FMT_SVG)
			fprintf(f, "- vector: %s.svg\n", d->stem);
		fprintf(f, "- data: %s.dat, variables: %s.params.gp\n", d->stem, d->stem);
		fprintf(f, "- from the database: `gupharness %s`\n", x->cmdline);
		fprintf(f, "- redraw: `gnuplot -e \"fmt='png'\" %s.params.gp %s/%s.gp`\n", d->stem, x->plotdir, d->kind);
	}
	fclose(f);
	if (write_file_atomic(path, buf, len) < 0)
		plot_fail(x, EXIT_IO, "cannot write '%s': %s; pass --out with a writable directory", path,
			  strerror(errno));
	else if (!x->o.quiet)
		printf("%s\n", path);
	free(path);
	free(old);
	free(buf);
}

/* ---- the library's entry (plot.h) ---- */

const struct plot_kind plot_kinds[] = {
	{ "beforeafter", 2, 2, plot_beforeafter, "BASE NEW",
	  "median per case, base and new side by side, with intervals, ratios and verdicts" },
	{ "dist", 1, 4, plot_dist, "SEL [SEL...]", "every sample per case and kernel, warm-ups marked" },
	{ "heatmap", 2, 2, plot_heatmap, "BASE NEW", "ratio new/base over two matrix axes (--x, --y)" },
	{ "history", 0, 1, plot_history, "[SEL]", "one case's median over runs, with change points" },
};
const size_t plot_nkinds = sizeof(plot_kinds) / sizeof(plot_kinds[0]);

const struct plot_kind *plot_kind_find(const char *name)
{
	for (size_t i = 0; i < plot_nkinds; i++)
		if (!strcmp(plot_kinds[i].name, name))
			return &plot_kinds[i];
	return NULL;
}

void plot_axis_names(FILE *f)
{
	for (size_t i = 0; i < NAXES; i++)
		fprintf(f, " %s", axes[i].name);
}

int plot_opts_resolve(struct plot_opts *o)
{
	char *end;

	o->formats = FMT_PNG | FMT_SVG;
	if (o->format_arg) {
		o->formats = 0;
		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (!strcmp(formats[i].name, o->format_arg))
				o->formats = formats[i].mask;
		if (!o->formats)
			return error("unknown format '%s'; use png, svg or both", o->format_arg), EXIT_USAGE;
	}
	o->metric = &sample_metrics[0];
	if (o->metric_arg && !(o->metric = sample_metric_find(o->metric_arg)))
		return error("unknown metric '%s'; use get or put", o->metric_arg), EXIT_USAGE;
	if (o->alpha_arg) {
		o->alpha = strtod(o->alpha_arg, &end);
		if (*end || end == o->alpha_arg || !(o->alpha > 0 && o->alpha < 1))
			return error("--alpha '%s' is not a probability; use e.g. 0.05", o->alpha_arg), EXIT_USAGE;
	}
	if (o->min_change_arg) {
		o->min_change = strtod(o->min_change_arg, &end);
		if (*end || end == o->min_change_arg || !(o->min_change >= 0 && o->min_change < 1000))
			return error("--min-change '%s' is not a percentage; use e.g. 5", o->min_change_arg),
			       EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The output directory, created and writable. */
static void open_out(struct plot_ctx *x)
{
	x->out = x->o.out_dir ? xstrdup(x->o.out_dir) : user_path("plots/out", "plots");
	if (mkdir_p(x->out, 0777) < 0)
		plot_fail(x, EXIT_IO, "cannot create output directory '%s': %s; pass --out with a writable directory",
			  x->out, strerror(errno));
	else if (access(x->out, W_OK) < 0)
		plot_fail(x, EXIT_IO, "cannot write to output directory '%s': %s; pass --out with a writable directory",
			  x->out, strerror(errno));
}

/* Loads each selection (or, with none, the whole database) into sets; returns how many. */
static int load_sets(struct plot_ctx *x, const char *const *sel, int nsel, struct pset *sets)
{
	int n = nsel ? nsel : 1, st;

	for (int i = 0; i < n; i++)
		if ((st = load_set(x, nsel ? sel[i] : NULL, &sets[i]))) {
			x->status = st;
			return i;
		}
	for (int i = 0; i < n && !x->status; i++)
		if (!sets[i].n)
			no_data(x, sets[i].arg ? xasprintf("no samples for %s", sets[i].sel.describe)
					       : xstrdup("no samples"));
	return n;
}

static void ctx_free(struct plot_ctx *x, struct pset *sets, int nsets)
{
	for (int i = 0; i < nsets; i++)
		free_set(&sets[i]);
	for (size_t i = 0; i < x->nd; i++) {
		free(x->d[i].stem);
		free(x->d[i].kind);
		free(x->d[i].title);
	}
	free(x->d);
	if (x->have_cmp)
		compare_result_free(&x->cmp);
	free(x->out);
	free(x->plotdir);
	if (x->db)
		db_close(x->db);
}

int plot_draw(const struct plot_opts *o, const struct plot_kind *k, const char *const *sel, int nsel,
	      const char *cmdline, char **err)
{
	struct plot_ctx x = { .o = *o, .cmdline = (char *)cmdline };
	struct pset sets[4];
	int nsets = 0;

	if (!have_program("gnuplot"))
		plot_fail(&x, EXIT_ENV, "'gnuplot' not found on PATH; install it with 'apt-get install gnuplot-nox'");
	if (!x.status) {
		if (!x.o.db_path)
			x.o.db_path = default_db_path();
		x.db = db_open(x.o.db_path, DB_READONLY);
		nsets = load_sets(&x, sel, nsel, sets);
	}
	if (!x.status)
		open_out(&x);
	if (!x.status) {
		x.plotdir = data_path("plots");
		x.status = k->fn(&x, sets, nsets);
	}
	if (!x.status)
		write_index(&x);
	ctx_free(&x, sets, nsets);
	if (err)
		*err = x.err;
	else
		free(x.err);
	return x.status;
}
