/*
 * plot: the chart library behind `gupharness plot KIND ...` (cmd/plot.c)
 * and the nightly report's history charts, drawn by gnuplot from the result
 * database. For each chart it loads raw samples (results/samples.c),
 * takes every statistic from them (stats.h), writes a tab-separated data file and
 * a params file of gnuplot variables into the output directory, and runs the
 * kind's template from plots/ on them once per image format. An index.md in
 * the output directory lists what was drawn and how to redraw it by hand.
 * The label functions (cases.c) are the pure pieces, exported for the unit
 * tests; chart.h holds what the library's files share.
 */
#ifndef GUPBENCH_PLOT_H
#define GUPBENCH_PLOT_H

#include <stddef.h>
#include <stdio.h>

struct plot_ctx;
struct pset;
struct sample_metric;

/* What to draw and how; the *_arg strings are resolved by plot_opts_resolve(). */
struct plot_opts {
	const char *db_path, *out_dir, *filter, *x_axis, *y_axis, *format_arg, *metric_arg, *alpha_arg;
	int formats;
	double alpha;            /* change-point significance for history */
	const char *min_change_arg;
	double min_change;       /* history: changes smaller than this % are merged away */
	const struct sample_metric *metric;
	int quiet;               /* no paths on stdout, no error lines: the caller reports */
};

/* The kinds of chart, one table: name, how many selectors, what it draws. */
struct plot_kind {
	const char *name;
	int min_sel, max_sel;
	int (*fn)(struct plot_ctx *x, struct pset *sets, int nsets);
	const char *args, *summary;
};
extern const struct plot_kind plot_kinds[];
extern const size_t plot_nkinds;

const struct plot_kind *plot_kind_find(const char *name);

/* The heatmap axes' names, each after a space (for the help). */
void plot_axis_names(FILE *f);

/* Format, metric, --alpha and --min-change from their strings: EXIT_OK, or
 * EXIT_USAGE after one error line. */
int plot_opts_resolve(struct plot_opts *o);

/*
 * Draw kind k of the selections sel[0..nsel) (none: every run) into
 * o->out_dir and update its index.md; cmdline is the `gupharness` command
 * the index says redraws it. Returns EXIT_OK or the exit status of the
 * first failure, whose message goes to *err (the caller frees it) when err
 * is not NULL.
 */
int plot_draw(const struct plot_opts *o, const struct plot_kind *k, const char *const *sel, int nsel,
	      const char *cmdline, char **err);

/*
 * The label of a pair of times: new/base below 1 is "37x faster", above 1
 * "1.3x slower"; factors below 1.1 get two decimals ("1.04x slower"), from
 * 10 none; equal (to two decimals) is "same (1.00x)". A non-positive time
 * gives "n/a".
 */
void plot_ratio_label(double base_us, double new_us, char *buf, size_t len);

/* A time label: "13992 us" (whole microseconds from 10 us, else one decimal). */
void plot_time_label(double us, char *buf, size_t len);

#endif
