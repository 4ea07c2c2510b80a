/*
 * changepoint: finding the nights where a case's performance moved. The
 * method is E-Divisive means (Matteson & James, 2014; the method Apache
 * Otava/Hunter use): the energy statistic Q(tau) with alpha = 1 is maximised
 * over every split of a segment, and the best split is kept when a
 * permutation test says it is significant (p = (1 + #{permuted max Q >=
 * observed}) / (R + 1), the segment's values shuffled R times). Segments are
 * bisected until no split is significant. The unit of observation is one
 * night's median, never a single repeat: repeats inside one boot are not
 * independent of the boot (see DESIGN), so testing repeats would call boot
 * noise a change. Changes whose size (% change of the medians of the
 * segments on either side) is below a threshold are merged away, smallest
 * first, so a significant but trivial wobble is not reported. Pure functions.
 *
 * The permutations: exact (all m! orderings) when the only segment tested
 * has at most CP_EXACT_MAX values; otherwise Monte Carlo from a seed derived
 * from the case key (cp_key_seed), so each case has its own reproducible
 * draws, with more permutations (up to 19,999) while the estimate is within
 * three standard errors of alpha, so a borderline p is not decided by the
 * generator. Minimum history (cp_min_history): a series shorter than the
 * first n whose best possible p, 2 / C(n, min_segment) (the min_segment
 * extreme nights in a block at one end), reaches alpha is not tested at all:
 * 12 nights for the defaults (alpha 0.01, segments of 3). Below it no
 * permutation test can say anything, and before this rule the fixed seed
 * decided such short histories.
 */
#ifndef GUPBENCH_CHANGEPOINT_H
#define GUPBENCH_CHANGEPOINT_H

#include <stddef.h>
#include <stdint.h>

struct cp_params {
	double alpha;           /* significance level of the permutation test */
	unsigned permutations;  /* R; the smallest reachable p is 1/(R+1) */
	size_t min_segment;     /* fewest nights on either side of a change (>= 2) */
	double min_size_pct;    /* |size| below this is not a change; 0 keeps all */
	unsigned seed;          /* permutation generator seed, mixed with the key's hash */
	size_t max_changes;     /* stop after this many; 0 = no limit */
	uint64_t key_seed;      /* set by cp_history from the key; 0: use seed alone */
};

#define CP_EXACT_MAX 8          /* 8! = 40,320 orderings */

/* alpha 0.01, 499 permutations, segments of at least 3, 0% size, seed 1. */
void cp_params_default(struct cp_params *p);

struct cp_change {
	size_t index;           /* first value of the new segment ("first bad night") */
	double before_median;   /* median of the segment ending at index - 1 */
	double after_median;    /* median of the segment starting at index */
	double size_pct;        /* 100 * (after - before) / before; + is slower for times */
	double p_value;         /* permutation p of the split when it was found */
	double q;               /* the energy statistic at the split */
};

/*
 * Change points of x[0..n), sorted by index, in *out (freshly allocated, NULL
 * when none). Returns how many. Series shorter than cp_min_history(),
 * constant series and non-finite values give no change (non-finite values
 * are not allowed; the caller drops nights without data).
 */
size_t cp_detect(const double *x, size_t n, const struct cp_params *p, struct cp_change **out);

/* Fewest points a series needs before it is tested (see above). */
size_t cp_min_history(const struct cp_params *p);
/* The permutation seed of a case: FNV-1a of its key mixed with seed. */
uint64_t cp_key_seed(const char *key, unsigned seed);

/* One point of a case's history (a night, or a run): its boots' medians. */
struct cp_point {
	const double *boot_med;
	size_t nboot;           /* >= 1 */
};

/*
 * The one call behind both the nightly report's change table and the chart
 * `gupharness plot history` draws, so the two can never disagree: each
 * point's value is the median of its boots' medians (the boot is the unit,
 * see results/model.h), written to values[0..n); the changes of that
 * series with the key's seed. Returns how many changes, as cp_detect.
 */
size_t cp_history(const char *key, const struct cp_point *pt, size_t n, const struct cp_params *p,
		  double *values, struct cp_change **out);

/* The statistic itself, for tests: Q of splitting x[0..n) before tau. */
double cp_energy_q(const double *x, size_t n, size_t tau);

#endif
