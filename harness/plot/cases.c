/*
 * cases: the cases a chart draws, and their words (chart.h). A selection
 * (or the whole database) loads through results/samples.c into a pset:
 * per case key, its samples pooled and grouped by run and build, cases in
 * the order of what they measure. Then the words the charts use for them:
 * time and ratio labels (plot.h, for the unit tests), the memory kind and
 * a case's one-line description.
 */
#include "harness/plot/chart.h"
#include "results/housekeeping.h"
#include "bench/workload.h"

#include <stdlib.h>
#include <string.h>

/* ---- samples loaded from the database ---- */

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

void plot_set_free(struct pset *s)
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

const struct pcase *plot_find_case(const struct pset *s, const char *key)
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
void plot_no_data(struct plot_ctx *x, char *what)
{
	plot_fail(x, EXIT_USAGE, "%s in '%s'%s%s%s", what, x->o.db_path, x->o.filter ? " (case filter '" : "",
		  x->o.filter ? x->o.filter : "", x->o.filter ? "')" : "");
	free(what);
	if (x->o.quiet)
		return;
	hint_list(x->db, DB_HINT_KERNELS, "kernels with runs");
	hint_list(x->db, DB_HINT_CASE_KEYS, "case keys (first 40)");
}

/* Loads each selection (or, with none, the whole database) into sets; returns how many. */
int plot_load_sets(struct plot_ctx *x, const char *const *sel, int nsel, struct pset *sets)
{
	int n = nsel ? nsel : 1, st;

	for (int i = 0; i < n; i++)
		if ((st = load_set(x, nsel ? sel[i] : NULL, &sets[i]))) {
			x->status = st;
			return i;
		}
	for (int i = 0; i < n && !x->status; i++)
		if (!sets[i].n)
			plot_no_data(x, sets[i].arg ? xasprintf("no samples for %s", sets[i].sel.describe)
					       : xstrdup("no samples"));
	return n;
}


/* ---- describing what was measured ---- */

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


void plot_mem_label(const struct pcase *c, char *buf, size_t len)
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
int plot_file_backed(const struct pcase *c)
{
	return *c->file && strcmp(c->file, "/dev/zero");
}

/* A case of a workload beyond gup_test (its cmd is the workload's name). */
int plot_is_workload(const struct pcase *c)
{
	const struct workload *w = workload_find(c->cmd);

	return w && !workload_is_gup_test(w);
}

/*
 * "pin_longterm 512 MiB THP" plus whatever sets the case apart from the
 * selftest's defaults (which write to the pages of a private mapping); a
 * workload has no write flag.
 */
char *plot_case_desc(const struct pcase *c)
{
	char mem[64];

	plot_mem_label(c, mem, sizeof(mem));
	return xasprintf("%s %g MiB %s%s%s%s%s", c->cmd, c->size_mb, mem, c->write || plot_is_workload(c) ? "" : " read-only",
			 c->shared ? " shared" : "", plot_file_backed(c) ? " file" : "",
			 c->threads > 1 ? " threaded" : "");
}
