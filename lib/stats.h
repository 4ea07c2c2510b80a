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

/* Student's t distribution with df degrees of freedom (df may be
 * INFINITY: the standard normal). stats_t_sf(t, df) = P(T > t);
 * stats_t_quantile(q, df) = the t with P(T <= t) = q, for 0 < q < 1. */
double stats_t_sf(double t, double df);
double stats_t_quantile(double q, double df);

/* P(F > f) for Snedecor's F with d1 and d2 degrees of freedom (f >= 0). */
double stats_f_sf(double f, double d1, double d2);

/* The digamma and trigamma functions (x > 0), and the inverse of trigamma
 * (y > 0): what Smyth's moderated variances need (results/model.c). */
double stats_digamma(double x);
double stats_trigamma(double x);
double stats_trigamma_inverse(double y);

/* Multiplicity adjustments of n p-values, adj[i] in the input order:
 * Sidak's single-step 1 - (1 - p)^n (family-wise error) and Benjamini-
 * Hochberg's step-up (false discovery rate). */
void stats_sidak(const double *p, size_t n, double *adj);
void stats_bh(const double *p, size_t n, double *adj);

/* Holm's step-down adjustment of n p-values (controls the family-wise error
 * rate): adj[i] is p[i]'s adjusted value, in the input order. */
void stats_holm(const double *p, size_t n, double *adj);

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
