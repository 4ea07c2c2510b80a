/*
 * chart: the inside of the chart library (plot.h), shared by its files and
 * by nothing else. A selection loads into a pset of pcases (cases.c); a
 * kind (beforeafter.c, dist.c, heatmap.c, history.c) turns them into a
 * data file and gnuplot variables and hands them to plot_chart()
 * (chart.c), which writes the files and runs the kind's template through
 * gnuplot.h; verdicts come from compare_run() (verdicts.c); plot.c is the
 * entry: the kinds' table, the options, the index.
 */
#ifndef GUPBENCH_PLOT_CHART_H
#define GUPBENCH_PLOT_CHART_H

#include "harness/plot/plot.h"
#include "results/compare.h"
#include "results/db.h"
#include "results/samples.h"
#include "lib/diag.h"
#include "lib/util.h"

#include <stddef.h>
#include <stdio.h>

/* Cases per before/after or distribution chart; more go on further pages. */
#define PAGE_CASES 8

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

/* The image formats, one table: --format's words and their masks. */
enum { FMT_PNG = 1, FMT_SVG = 2 };
struct plot_format {
	const char *name;
	int mask;
};
extern const struct plot_format plot_formats[];

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
void ATTR_PRINTF(3, 4) plot_fail(struct plot_ctx *x, int status, const char *fmt, ...);

/* ---- cases.c: the selections' cases, and their words ---- */

/* Loads each selection (or, with none, the whole database) into sets; returns how many. */
int plot_load_sets(struct plot_ctx *x, const char *const *sel, int nsel, struct pset *sets);
void plot_set_free(struct pset *s);
/* The case of this key in s, NULL when s has none. */
const struct pcase *plot_find_case(const struct pset *s, const char *key);
/* Nothing to draw: the failure (what is freed), and (unless quiet) what the database holds. */
void plot_no_data(struct plot_ctx *x, char *what);
/* "THP", "no THP", "hugetlb 2 MiB", ... */
void plot_mem_label(const struct pcase *c, char *buf, size_t len);
int plot_file_backed(const struct pcase *c);
int plot_is_workload(const struct pcase *c);
/* "pin_longterm 512 MiB THP" and what sets the case apart; malloc'd. */
char *plot_case_desc(const struct pcase *c);

/* ---- verdicts.c: compare's verdicts on the charts ---- */

/* Colours by verdict, indexed by enum cmp_verdict. */
extern const unsigned plot_verdict_rgb[CMP_NVERDICTS];
/* How the verdicts were reached, for a footnote; malloc'd. */
char *plot_verdict_rule(void);
/* compare_run() on the two selections into x->cmp: 0, or x->status. */
int plot_compare_sets(struct plot_ctx *x, struct pset *base, struct pset *new);
enum cmp_verdict plot_verdict_of(const struct plot_ctx *x, const char *key);

/* ---- chart.c: one chart's files and images ---- */

/*
 * Write <stem>.dat and <stem>.params.gp and run the kind's template once
 * per format. params (an open_memstream on *pbuf) already holds the kind's
 * own variables; it is closed and *pbuf freed here.
 */
void plot_chart(struct plot_ctx *x, const char *kind, const char *stem, const char *title,
		char *data, size_t data_len, FILE *params, char **pbuf, size_t *plen,
		int width, int height);
/* A chart's file-name stem from its parts, each sanitised; malloc'd. */
char *plot_stem(const char *kind, const char *a, const char *b, const char *extra);
/* The stem's suffix for page of pages (and the case filter); NULL when none. */
char *plot_page_suffix(const char *filter, size_t page, size_t pages);
/* The subtitle: what was measured (and by which clock), where; malloc'd. */
char *plot_measured_line(const struct plot_ctx *x, const struct pset *a, const struct pset *b);

/* ---- the kinds, one file each (plot_kinds[] in plot.c) ---- */

int plot_beforeafter(struct plot_ctx *x, struct pset *sets, int nsets);
int plot_dist(struct plot_ctx *x, struct pset *sets, int nsets);
int plot_heatmap(struct plot_ctx *x, struct pset *sets, int nsets);
int plot_history(struct plot_ctx *x, struct pset *sets, int nsets);

#endif
