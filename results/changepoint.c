/*
 * changepoint: E-Divisive means with a permutation significance test over a
 * series of nightly medians (see changepoint.h for the method, the exact and
 * adaptive permutations, the minimum history and why nights, not repeats,
 * are the observations). The energy statistic of every split of
 * a segment is computed in O(m^2) for the whole scan by moving one value at a
 * time from the right half to the left, so a year of nights with hundreds of
 * permutations stays well under a second.
 */
#include "results/changepoint.h"
#include "lib/stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void cp_params_default(struct cp_params *p)
{
	p->alpha = 0.01;
	p->permutations = 499;
	p->min_segment = 3;
	p->min_size_pct = 0.0;
	p->seed = 1;
	p->max_changes = 0;
	p->key_seed = 0;
}

static void shuffle(double *y, size_t m, uint64_t *s)
{
	for (size_t i = m; i > 1; i--) {
		size_t j = (size_t)(stats_splitmix(s) % i);
		double t = y[i - 1];

		y[i - 1] = y[j];
		y[j] = t;
	}
}

static double q_of(double wl, double b, double wr, size_t l, size_t r)
{
	double e = 2.0 * b / ((double)l * (double)r);

	if (l > 1)
		e -= wl / ((double)l * (double)(l - 1) / 2.0);
	if (r > 1)
		e -= wr / ((double)r * (double)(r - 1) / 2.0);
	return (double)l * (double)r / (double)(l + r) * e;
}

/*
 * Best split of y[0..m) with at least min values on each side. Returns the
 * maximum Q (-INFINITY when no split is allowed) and its tau in *tau_out.
 */
static double best_split(const double *y, size_t m, size_t min, size_t *tau_out)
{
	double wl = 0.0, b = 0.0, wr = 0.0, best = -INFINITY;

	if (m < 2 * min)
		return best;
	for (size_t i = 0; i < m; i++)
		for (size_t j = i + 1; j < m; j++)
			wr += fabs(y[i] - y[j]);
	for (size_t t = 0; t + min < m; t++) {
		double row_l = 0.0, row_r = 0.0, q;
		size_t l = t + 1;

		for (size_t i = 0; i < t; i++)
			row_l += fabs(y[i] - y[t]);
		for (size_t j = t + 1; j < m; j++)
			row_r += fabs(y[t] - y[j]);
		wl += row_l;
		b += row_r - row_l;
		wr -= row_r;
		if (l < min)
			continue;
		q = q_of(wl, b, wr, l, m - l);
		if (q > best) {
			best = q;
			*tau_out = l;
		}
	}
	return best;
}

double cp_energy_q(const double *x, size_t n, size_t tau)
{
	double wl = 0.0, b = 0.0, wr = 0.0;

	if (tau == 0 || tau >= n)
		return 0.0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			double d = fabs(x[i] - x[j]);

			if (j < tau)
				wl += d;
			else if (i >= tau)
				wr += d;
			else
				b += d;
		}
	return q_of(wl, b, wr, tau, n - tau);
}

static double segment_median(const double *x, size_t a, size_t c)
{
	return stats_median(x + a, c - a);
}

static void fill_sizes(const double *x, size_t n, struct cp_change *ch, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		size_t a = i ? ch[i - 1].index : 0;
		size_t c = i + 1 < k ? ch[i + 1].index : n;

		ch[i].before_median = segment_median(x, a, ch[i].index);
		ch[i].after_median = segment_median(x, ch[i].index, c);
		/* A zero median is a case below the timer's resolution: no size. */
		ch[i].size_pct = ch[i].before_median != 0.0
			? 100.0 * (ch[i].after_median - ch[i].before_median) / fabs(ch[i].before_median)
			: 0.0;
	}
}

static int cmp_change(const void *a, const void *b)
{
	const struct cp_change *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/*
 * Max Q over every segment of the permuted series: the null distribution of
 * the statistic that picked the candidate, which was itself a max over all
 * segments.
 */
static double permuted_max(const double *x, const size_t *bounds, size_t nb,
			   size_t min, double *work, uint64_t *rng)
{
	double best = -INFINITY;

	for (size_t s = 0; s + 1 < nb; s++) {
		size_t a = bounds[s], m = bounds[s + 1] - a, tau;
		double q;

		if (m < 2 * min)
			continue;
		memcpy(work, x + a, m * sizeof(*work));
		shuffle(work, m, rng);
		q = best_split(work, m, min, &tau);
		if (q > best)
			best = q;
	}
	return best;
}

/* Exact p of one segment: every one of its m! orderings (Heap's algorithm). */
static double exact_p(const double *x, size_t m, size_t min, double best, double *work)
{
	size_t c[CP_EXACT_MAX] = { 0 }, i = 1, tau;
	double ge = 0.0, total = 1.0;

	memcpy(work, x, m * sizeof(*work));
	ge += best_split(work, m, min, &tau) >= best * (1.0 - 1e-12);
	while (i < m) {
		if (c[i] < i) {
			size_t j = i % 2 ? c[i] : 0;
			double t = work[j];

			work[j] = work[i];
			work[i] = t;
			ge += best_split(work, m, min, &tau) >= best * (1.0 - 1e-12);
			total += 1.0;
			c[i]++;
			i = 1;
		} else {
			c[i++] = 0;
		}
	}
	return ge / total;
}

/*
 * Permutation p of the best split. One segment of at most CP_EXACT_MAX
 * values: exact. Otherwise Monte Carlo from the case's own seed, R at
 * first, then four times more (up to 19,999) while the estimate lies within
 * three standard errors of alpha, so that the generator does not decide a
 * borderline case.
 */
static double perm_p(const double *x, const size_t *bounds, size_t nb, size_t min, double best,
		     const struct cp_params *p, double *work, uint64_t *rng)
{
	unsigned ge = 0, r = 0, want = p->permutations;
	double pv;

	if (nb == 2 && bounds[1] <= CP_EXACT_MAX)
		return exact_p(x, bounds[1], min, best, work);
	for (;;) {
		for (; r < want; r++)
			if (permuted_max(x, bounds, nb, min, work, rng) >= best * (1.0 - 1e-12))
				ge++;
		pv = (1.0 + ge) / (1.0 + r);
		if (r >= 19999 || fabs(pv - p->alpha) > 3.0 * sqrt(p->alpha * (1.0 - p->alpha) / (1.0 + r)))
			return pv;
		want = r * 4 + 3 > 19999 ? 19999 : r * 4 + 3;
	}
}

size_t cp_min_history(const struct cp_params *p)
{
	size_t min = p->min_segment < 2 ? 2 : p->min_segment;

	/* The smallest p any split can reach is that of the min_segment
	 * extreme values in a block at one end: 2 / C(n, min). */
	for (size_t n = 2 * min;; n++) {
		double c = 1.0;

		for (size_t k = 1; k <= min; k++)
			c = c * (double)(n - min + k) / (double)k;
		if (2.0 / c <= p->alpha || n > 100000)
			return n;
	}
}

uint64_t cp_key_seed(const char *key, unsigned seed)
{
	uint64_t h = 0xcbf29ce484222325ULL;   /* FNV-1a */

	for (const unsigned char *c = (const unsigned char *)key; *c; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	return h ^ ((uint64_t)seed * 0x9e3779b97f4a7c15ULL);
}

static void insert_bound(size_t *bounds, size_t *nb, size_t v)
{
	size_t i = *nb;

	while (i > 0 && bounds[i - 1] > v) {
		bounds[i] = bounds[i - 1];
		i--;
	}
	bounds[i] = v;
	(*nb)++;
}

size_t cp_detect(const double *x, size_t n, const struct cp_params *p, struct cp_change **out)
{
	size_t min = p->min_segment < 2 ? 2 : p->min_segment;
	size_t *bounds, nb = 2, k = 0;
	struct cp_change *ch;
	uint64_t rng = p->key_seed ? p->key_seed : p->seed;
	double *work, scale = 0.0;

	*out = NULL;
	if (n < 2 * min || n < cp_min_history(p))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	bounds = malloc((n + 1) * sizeof(*bounds));
	ch = malloc(n * sizeof(*ch));
	work = malloc(n * sizeof(*work));
	if (!bounds || !ch || !work)
		abort();
	bounds[0] = 0;
	bounds[1] = n;

	for (size_t i = 0; i < n; i++)
		scale = fmax(scale, fabs(x[i]));
	while (!p->max_changes || k < p->max_changes) {
		double best = -INFINITY, pv;
		size_t best_tau = 0;

		for (size_t s = 0; s + 1 < nb; s++) {
			size_t a = bounds[s], tau = 0;
			double q = best_split(x + a, bounds[s + 1] - a, min, &tau);

			if (q > best) {
				best = q;
				best_tau = a + tau;
			}
		}
		/* Q of a constant segment is zero up to rounding: nothing to split. */
		if (!(best > 1e-12 * (scale > 0 ? scale : 1.0)))
			break;
		pv = perm_p(x, bounds, nb, min, best, p, work, &rng);
		if (pv > p->alpha)
			break;
		ch[k].index = best_tau;
		ch[k].p_value = pv;
		ch[k].q = best;
		k++;
		insert_bound(bounds, &nb, best_tau);
	}
	qsort(ch, k, sizeof(*ch), cmp_change);
	fill_sizes(x, n, ch, k);

	/* Merge away the smallest change below the size threshold, then re-measure
	 * its neighbours, whose segments just grew. */
	for (;;) {
		size_t worst = k;

		for (size_t i = 0; i < k; i++)
			if (fabs(ch[i].size_pct) < p->min_size_pct &&
			    (worst == k || fabs(ch[i].size_pct) < fabs(ch[worst].size_pct)))
				worst = i;
		if (worst == k)
			break;
		memmove(ch + worst, ch + worst + 1, (k - worst - 1) * sizeof(*ch));
		k--;
		fill_sizes(x, n, ch, k);
	}
	free(bounds);
	free(work);
	if (!k) {
		free(ch);
		return 0;
	}
	*out = ch;
	return k;
}

size_t cp_history(const char *key, const struct cp_point *pt, size_t n, const struct cp_params *p,
		  double *values, struct cp_change **out)
{
	struct cp_params q = *p;

	for (size_t i = 0; i < n; i++)
		values[i] = stats_median(pt[i].boot_med, pt[i].nboot);
	q.key_seed = cp_key_seed(key, p->seed);
	return cp_detect(values, n, &q, out);
}
