/*
 * stats: every statistic the suite reports, computed from raw samples. Pure
 * functions, no I/O: used by the bench's summary line, compare, plots and
 * nightly change-point detection, and unit-tested against hand values.
 */
#ifndef GUPBENCH_STATS_H
#define GUPBENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

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

/* splitmix64: the suite's one seedable generator (tiny, and good enough to
 * resample indices and shuffle a few hundred values). Advances *s. */
uint64_t stats_splitmix(uint64_t *s);

/* Geometric mean of positive values (ignores non-positive). */
double stats_geomean(const double *x, size_t n);

/*
 * The distribution-free 95% interval of the median from order statistics:
 * [x(j), x(n+1-j)] for the largest j whose exact binomial coverage
 * 1 - 2 P(Bin(n, 1/2) <= j - 1) is still >= 0.95. Returns 0, or -1 when n is
 * too small for any j (n < 6): then lo/hi are the minimum and maximum.
 */
int stats_median_ci(const double *x, size_t n, double *lo, double *hi);

/* The rank j above (0 when n < 6), for the tests. */
size_t stats_median_ci_rank(size_t n);

/* A box plot's figures: quartiles, median and Tukey whiskers (the furthest
 * samples within 1.5 IQR of the box). */
struct box {
	double q1, median, q3, whisker_lo, whisker_hi;
};
void stats_box(const double *x, size_t n, struct box *out);

#endif
