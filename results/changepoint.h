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
 * first, so a significant but trivial wobble is not reported. Pure functions;
 * the permutations come from a fixed seed, so the same series always gives
 * the same answer.
 */
#ifndef GUPBENCH_CHANGEPOINT_H
#define GUPBENCH_CHANGEPOINT_H

#include <stddef.h>

struct cp_params {
	double alpha;           /* significance level of the permutation test */
	unsigned permutations;  /* R; the smallest reachable p is 1/(R+1) */
	size_t min_segment;     /* fewest nights on either side of a change (>= 2) */
	double min_size_pct;    /* |size| below this is not a change; 0 keeps all */
	unsigned seed;          /* permutation generator seed */
	size_t max_changes;     /* stop after this many; 0 = no limit */
};

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
 * when none). Returns how many. Series shorter than 2 * min_segment, constant
 * series and non-finite values give no change (non-finite values are not
 * allowed; the caller drops nights without data).
 */
size_t cp_detect(const double *x, size_t n, const struct cp_params *p, struct cp_change **out);

/* The statistic itself, for tests: Q of splitting x[0..n) before tau. */
double cp_energy_q(const double *x, size_t n, size_t tau);

#endif
