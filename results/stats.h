/*
 * stats: every statistic the suite reports, computed from raw samples. Pure
 * functions, no I/O: used by the bench's summary line, compare, plots and
 * nightly change-point detection, and unit-tested against hand values.
 */
#ifndef GUPBENCH_STATS_H
#define GUPBENCH_STATS_H

#include <stddef.h>

struct summary {
	size_t n;
	double mean, median, stddev, min, max;   /* stddev: sample (n-1), 0 for n<2 */
};

/* Summary of x[0..n); x is not modified. n == 0 gives all zeros. */
void stats_summary(const double *x, size_t n, struct summary *out);
double stats_median(const double *x, size_t n);
/* Linear-interpolated quantile q in [0,1] (type 7, as R's default). */
double stats_quantile(const double *x, size_t n, double q);

/* Two-sided Mann-Whitney U test with tie correction (normal approximation
 * with continuity correction; exact distribution when n1,n2 <= 10 and no
 * ties). Returns p in [0,1]; 1.0 when either side is empty. */
double stats_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb, double *u_out);

/* Percentile-bootstrap 95% CI of the ratio median(b)/median(a), with a
 * fixed seed so reports are reproducible. Returns -1 if either side < 2. */
int stats_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
		   unsigned iterations, unsigned seed, double *lo, double *hi);

/* Geometric mean of positive values (ignores non-positive). */
double stats_geomean(const double *x, size_t n);

#endif
