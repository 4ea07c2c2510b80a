/*
 * stats: the suite's statistics, from raw samples only. Summary figures,
 * type-7 quantiles, the suite's seedable generator, the geometric mean used
 * for summary lines, the order-statistic interval of a median and box-plot
 * figures (charts), Student's t distribution (regularized incomplete beta
 * by continued fraction) and Holm's adjustment, the pieces of compare's
 * model (results/model.c). Everything here is pure: no I/O, no global
 * state.
 */
#include "lib/stats.h"

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

uint64_t stats_splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
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

/*
 * Regularized incomplete beta I_x(a, b) by its continued fraction (modified
 * Lentz), with the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where the fraction
 * converges slowly. Accurate to ~1e-14 for the t distribution's use here.
 */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), h;

	d = 1.0 / (fabs(d) < tiny ? tiny : d);
	h = d;
	for (int m = 1; m <= 500; m++) {
		double m2 = 2.0 * m, num, del;

		num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
		d = 1.0 + num * d;
		c = 1.0 + num / c;
		d = 1.0 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		d = 1.0 + num * d;
		c = 1.0 + num / c;
		d = 1.0 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-15)
			break;
	}
	return h;
}

static double beta_reg(double a, double b, double x)
{
	double front;

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_cf(a, b, x) / a;
	return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double stats_t_sf(double t, double df)
{
	double tail;

	if (!(df > 0.0))
		return NAN;
	if (isinf(df))
		return 0.5 * erfc(t / sqrt(2.0));
	tail = 0.5 * beta_reg(df / 2.0, 0.5, df / (df + t * t));
	return t >= 0.0 ? tail : 1.0 - tail;
}

double stats_t_quantile(double q, double df)
{
	double lo = 0.0, hi = 1.0;

	if (!(q > 0.0 && q < 1.0) || !(df > 0.0))
		return NAN;
	if (q < 0.5)
		return -stats_t_quantile(1.0 - q, df);
	/* Bracket, then bisect: 200 halvings reach the double's resolution. */
	while (stats_t_sf(hi, df) > 1.0 - q && hi < 1e300)
		hi *= 2.0;
	for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
		double mid = 0.5 * (lo + hi);

		if (stats_t_sf(mid, df) > 1.0 - q)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;

	if (x->p != y->p)
		return (x->p > y->p) - (x->p < y->p);
	return (x->i > y->i) - (x->i < y->i);
}

void stats_holm(const double *p, size_t n, double *adj)
{
	struct pidx *s = malloc((n ? n : 1) * sizeof(*s));
	double run = 0.0;

	if (!s)
		abort();
	for (size_t i = 0; i < n; i++)
		s[i] = (struct pidx){ p[i], i };
	qsort(s, n, sizeof(*s), cmp_pidx);
	for (size_t k = 0; k < n; k++) {
		double a = fmin(1.0, (double)(n - k) * s[k].p);

		run = fmax(run, a);    /* adjusted p-values never decrease with rank */
		adj[s[k].i] = run;
	}
	free(s);
}

double stats_f_sf(double f, double d1, double d2)
{
	if (!(f > 0.0))
		return 1.0;
	return beta_reg(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * f));
}

/* Recurrence up to x >= 6, then the asymptotic series (error below 1e-12). */
double stats_digamma(double x)
{
	double r = 0.0, f;

	for (; x < 6.0; x += 1.0)
		r -= 1.0 / x;
	f = 1.0 / (x * x);
	return r + log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

double stats_trigamma(double x)
{
	double r = 0.0, f;

	for (; x < 6.0; x += 1.0)
		r += 1.0 / (x * x);
	f = 1.0 / (x * x);
	return r + 1.0 / x + f / 2.0 +
	       f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * 5.0 / 66))));
}

/* trigamma decreases from +inf to 0: bisect on a log scale (y > 0). */
double stats_trigamma_inverse(double y)
{
	double lo = log(1e-8), hi = log(1e12);

	for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
		double mid = 0.5 * (lo + hi);

		if (stats_trigamma(exp(mid)) > y)
			lo = mid;
		else
			hi = mid;
	}
	return exp(0.5 * (lo + hi));
}

void stats_sidak(const double *p, size_t n, double *adj)
{
	for (size_t i = 0; i < n; i++)
		adj[i] = p[i] >= 1.0 ? 1.0 : fmin(1.0, -expm1((double)n * log1p(-p[i])));
}

void stats_bh(const double *p, size_t n, double *adj)
{
	struct pidx *s = malloc((n ? n : 1) * sizeof(*s));
	double run = 1.0;

	if (!s)
		abort();
	for (size_t i = 0; i < n; i++)
		s[i] = (struct pidx){ p[i], i };
	qsort(s, n, sizeof(*s), cmp_pidx);
	for (size_t k = n; k-- > 0;) {
		run = fmin(run, (double)n / (double)(k + 1) * s[k].p);   /* never increases with rank */
		adj[s[k].i] = fmin(1.0, run);
	}
	free(s);
}
