/*
 * gnuplot: speaking to gnuplot, for the chart library (plot.h) and the
 * dashboard's charts (harness/lab/site-chart.c): the variables of a params
 * file, the fields of a data file, the change-point lists the history
 * templates read, and one run of gnuplot on a params file and a template.
 */
#ifndef GUPBENCH_GNUPLOT_H
#define GUPBENCH_GNUPLOT_H

#include "results/changepoint.h"
#include "lib/spawn.h"

#include <stddef.h>
#include <stdio.h>

/* name = 'val': a gnuplot string in single quotes (a quote doubled, a line
 * break spliced in as "\n", other control characters dropped). */
void gnuplot_str(FILE *f, const char *name, const char *val);
/* name = v */
void gnuplot_num(FILE *f, const char *name, double v);
/* A data-file field: control characters (tab, line break) become spaces. */
void gnuplot_field(FILE *f, const char *s);
/* changes = '3 9' and change_labels = '+40.0% -2.1%': the change points'
 * positions (1-based) and sizes, as word lists. */
void gnuplot_changes(FILE *f, const struct cp_change *ch, size_t n);

enum gnuplot_status {
	GNUPLOT_OK,
	GNUPLOT_NOT_RUN,      /* no gnuplot to run */
	GNUPLOT_FAILED,       /* it ran and failed, or timed out: r's status and output say */
	GNUPLOT_NO_IMAGE,     /* it ran but image is missing or empty */
};

/*
 * gnuplot [-e fmt='FMT'] PARAMS TEMPLATE in dir (params relative to it),
 * output and errors captured in *r (the caller frees it, whatever the
 * status); image is the path, as the caller sees it, that must then exist.
 */
enum gnuplot_status gnuplot_run(const char *dir, const char *fmt, const char *params, const char *tmpl,
				const char *image, struct spawn_result *r);

#endif
