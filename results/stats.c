/*
 * stats: the suite's statistics, from raw samples only. Summary figures,
 * type-7 quantiles, a two-sided Mann-Whitney U test (exact null
 * distribution for small untied samples, otherwise the normal approximation
 * with tie and continuity corrections), a percentile-bootstrap interval for
 * the ratio of medians driven by a seeded generator so that a report can be
 * reproduced byte for byte, and the geometric mean used for summary lines.
 * Everything here is pure: no I/O, no global state.
 */
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorted private copy; samples are small, so a heap copy is cheap enough. */
static double *sorted_copy(const double *x, size_t n)
{
	double *s = malloc((n ? n : 1) * sizeof(*s));

	if (!s)
		abort();
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return s;
}

static double quantile_sorted(const double *s, size_t n, double q)
{
	double h;
	size_t lo;

	if (n == 0)
		return 0.0;
	if (q <= 0.0)
		return s[0];
	if (q >= 1.0)
		return s[n - 1];
	h = (double)(n - 1) * q;
	lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

double stats_quantile(const double *x, size_t n, double q)
{
	double *s, v;

	if (n == 0)
		return 0.0;
	s = sorted_copy(x, n);
	v = quantile_sorted(s, n, q);
	free(s);
	return v;
}

double stats_median(const double *x, size_t n)
{
	return stats_quantile(x, n, 0.5);
}

void stats_summary(const double *x, size_t n, struct summary *out)
{
	double sum = 0.0, ss = 0.0, *s;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return;
	s = sorted_copy(x, n);
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	out->n = n;
	out->mean = sum / (double)n;
	/* Two passes: the one-pass formula loses digits on large, close values. */
	for (size_t i = 0; i < n; i++)
		ss += (s[i] - out->mean) * (s[i] - out->mean);
	out->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
	out->median = quantile_sorted(s, n, 0.5);
	out->min = s[0];
	out->max = s[n - 1];
	free(s);
}

/*
 * Exact two-sided p for U (of the first sample) when there are no ties:
 * count arrangements with f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u),
 * filled bottom-up in one table of size (n1+1)(n2+1)(n1*n2+1).
 */
static double mw_exact_p(size_t n1, size_t n2, double u)
{
	size_t umax = n1 * n2, w = umax + 1;
	double *f = calloc((n1 + 1) * (n2 + 1) * w, sizeof(*f));
	double total, below = 0.0, above = 0.0, p;
	size_t uk = (size_t)u;

	if (!f)
		abort();
#define F(m, n, v) f[((m) * (n2 + 1) + (n)) * w + (v)]
	for (size_t m = 0; m <= n1; m++) {
		for (size_t k = 0; k <= n2; k++) {
			if (m == 0 || k == 0) {
				F(m, k, 0) = 1.0;
				continue;
			}
			for (size_t v = 0; v <= m * k; v++) {
				double a = v >= k ? F(m - 1, k, v - k) : 0.0;

				F(m, k, v) = a + F(m, k - 1, v);
			}
		}
	}
	total = 0.0;
	for (size_t v = 0; v <= umax; v++) {
		total += F(n1, n2, v);
		if (v <= uk)
			below += F(n1, n2, v);
		if (v >= uk)
			above += F(n1, n2, v);
	}
#undef F
	free(f);
	p = 2.0 * fmin(below, above) / total;
	return p > 1.0 ? 1.0 : p;
}

struct ranked {
	double v;
	int side;
};

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->v, &((const struct ranked *)b)->v);
}

double stats_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb, double *u_out)
{
	size_t n = na + nb;
	struct ranked *r;
	double r1 = 0.0, ties = 0.0, u, mu, var, z;
	int tied = 0;

	if (u_out)
		*u_out = 0.0;
	if (na == 0 || nb == 0)
		return 1.0;
	r = malloc(n * sizeof(*r));
	if (!r)
		abort();
	for (size_t i = 0; i < na; i++)
		r[i] = (struct ranked){ a[i], 0 };
	for (size_t i = 0; i < nb; i++)
		r[na + i] = (struct ranked){ b[i], 1 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double rank, t;

		while (j < n && r[j].v == r[i].v)
			j++;
		/* Ranks i+1..j share their average. */
		rank = ((double)(i + 1) + (double)j) / 2.0;
		for (size_t k = i; k < j; k++)
			if (r[k].side == 0)
				r1 += rank;
		t = (double)(j - i);
		if (j - i > 1) {
			tied = 1;
			ties += t * t * t - t;
		}
		i = j;
	}
	free(r);
	u = r1 - (double)na * (double)(na + 1) / 2.0;
	if (u_out)
		*u_out = u;
	if (!tied && na <= 10 && nb <= 10)
		return mw_exact_p(na, nb, u);
	mu = (double)na * (double)nb / 2.0;
	var = (double)na * (double)nb / 12.0 *
	      ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
	if (var <= 0.0)
		return 1.0;     /* every value equal: no evidence of a shift */
	z = (fabs(u - mu) - 0.5) / sqrt(var);
	if (z <= 0.0)
		return 1.0;
	return erfc(z / sqrt(2.0));
}

/*
 * k-th smallest of a[0..n) in place (Hoare's quickselect, median of three):
 * the bootstrap needs two quantiles of thousands of ratios per case, and a
 * full sort of each was most of compare's time.
 */
static double select_kth(double *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		double x = a[mid], y = a[lo], z = a[hi];
		double pivot = (x < y) ? ((y < z) ? y : (x < z ? z : x)) : ((x < z) ? x : (y < z ? z : y));

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				double t = a[i];

				a[i] = a[j];
				a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return a[k];
	}
	return a[k];
}

/* Type-7 quantile without sorting; reorders a. */
static double quantile_select(double *a, size_t n, double q)
{
	double h = (double)(n - 1) * q, lo, next;
	size_t k = (size_t)floor(h);

	lo = select_kth(a, n, k);
	if (k + 1 >= n || h == (double)k)
		return lo;
	/* After selection everything right of k is >= a[k]: the next value is their minimum. */
	next = a[k + 1];
	for (size_t i = k + 2; i < n; i++)
		if (a[i] < next)
			next = a[i];
	return lo + (h - (double)k) * (next - lo);
}

uint64_t stats_splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Median of a resample of sorted s[0..n): since s is sorted, the median of
 * the drawn values is the value at the median of the drawn indices, so
 * counting indices (O(n)) replaces sorting each resample.
 */
static double resample_median(const double *s, size_t n, unsigned *count, uint64_t *rng)
{
	size_t lo_rank = (n - 1) / 2, hi_rank = n / 2, seen = 0;
	double lo = 0.0, hi = 0.0;
	int have_lo = 0;

	memset(count, 0, n * sizeof(*count));
	/* Two indices per draw, each by multiply-shift rather than a division. */
	for (size_t i = 0; i < n; i += 2) {
		uint64_t r = stats_splitmix(rng);

		count[(size_t)(((r >> 32) * (uint64_t)n) >> 32)]++;
		if (i + 1 < n)
			count[(size_t)(((r & 0xffffffffu) * (uint64_t)n) >> 32)]++;
	}
	for (size_t i = 0; i < n; i++) {
		seen += count[i];
		if (!have_lo && seen > lo_rank) {
			lo = s[i];
			have_lo = 1;
		}
		if (seen > hi_rank) {
			hi = s[i];
			break;
		}
	}
	return (lo + hi) / 2.0;
}

int stats_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
		   unsigned iterations, unsigned seed, double *lo, double *hi)
{
	double *sa, *sb, *ratios;
	unsigned *count, kept = 0;
	uint64_t rng = seed;

	if (na < 2 || nb < 2 || iterations == 0)
		return -1;
	sa = sorted_copy(a, na);
	sb = sorted_copy(b, nb);
	ratios = malloc(iterations * sizeof(*ratios));
	count = malloc((na > nb ? na : nb) * sizeof(*count));
	if (!ratios || !count)
		abort();
	for (unsigned i = 0; i < iterations; i++) {
		double ma = resample_median(sa, na, count, &rng);
		double mb = resample_median(sb, nb, count, &rng);

		/* A zero base median has no ratio; such resamples are dropped. */
		if (ma != 0.0)
			ratios[kept++] = mb / ma;
	}
	if (kept) {
		*lo = quantile_select(ratios, kept, 0.025);
		*hi = quantile_select(ratios, kept, 0.975);
	}
	free(sa);
	free(sb);
	free(ratios);
	free(count);
	return kept ? 0 : -1;
}

double stats_geomean(const double *x, size_t n)
{
	double sum = 0.0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (x[i] > 0.0) {
			sum += log(x[i]);
			k++;
		}
	}
	return k ? exp(sum / (double)k) : 0.0;
}

/* log P(Bin(n, 1/2) = k) */
static double log_binom_half(size_t n, size_t k)
{
	return lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1) -
	       (double)n * log(2.0);
}

size_t stats_median_ci_rank(size_t n)
{
	double tail = 0.0;
	size_t j = 0;

	/* Grow j while the two tails outside [x(j+1), x(n-j)] stay within 5%. */
	for (size_t k = 0; k < n / 2; k++) {
		tail += exp(log_binom_half(n, k));
		if (2.0 * tail > 0.05)
			break;
		j = k + 1;
	}
	return j;
}

int stats_median_ci(const double *x, size_t n, double *lo, double *hi)
{
	size_t j = stats_median_ci_rank(n);

	if (n == 0) {
		*lo = *hi = 0.0;
		return -1;
	}
	if (j == 0 || n < 2) {
		*lo = stats_quantile(x, n, 0.0);
		*hi = stats_quantile(x, n, 1.0);
		return -1;
	}
	/* Type-7 quantile at (j-1)/(n-1) is exactly the j-th order statistic. */
	*lo = stats_quantile(x, n, (double)(j - 1) / (double)(n - 1));
	*hi = stats_quantile(x, n, (double)(n - j) / (double)(n - 1));
	return 0;
}

void stats_box(const double *x, size_t n, struct box *out)
{
	double iqr;

	out->q1 = stats_quantile(x, n, 0.25);
	out->q3 = stats_quantile(x, n, 0.75);
	out->median = stats_median(x, n);
	iqr = out->q3 - out->q1;
	out->whisker_lo = INFINITY;
	out->whisker_hi = -INFINITY;
	/* Tukey whiskers: the furthest samples within 1.5 IQR of the box. */
	for (size_t i = 0; i < n; i++) {
		if (x[i] >= out->q1 - 1.5 * iqr)
			out->whisker_lo = fmin(out->whisker_lo, x[i]);
		if (x[i] <= out->q3 + 1.5 * iqr)
			out->whisker_hi = fmax(out->whisker_hi, x[i]);
	}
}
