/*
 * plot: `gupharness plot KIND ...`, charts drawn by gnuplot from the result
 * database. For each chart the harness loads raw samples (results/samples.c),
 * takes every statistic from them (stats.h), writes a tab-separated data file and
 * a params file of gnuplot variables into the output directory, and runs the
 * kind's template from plots/ on them once per image format. An index.md in
 * the output directory lists what was drawn and how to redraw it by hand.
 * The functions below are the pure pieces, exported for the unit tests.
 */
#ifndef GUPBENCH_PLOT_H
#define GUPBENCH_PLOT_H

#include <stddef.h>

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
