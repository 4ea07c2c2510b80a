/*
 * model: the boot-aware statistical model behind compare's verdicts. Pure
 * functions, no I/O; the caller (results/compare.c) loads the numbers.
 *
 * The unit of replication is the boot: repeats inside one boot share the
 * boot's luck (DESIGN: boot medians of one kernel differ by up to 21% under
 * TCG while repeats agree within 4%), so each boot contributes one value,
 * the log of its median. Model: log median = kernel mean + boot effect, the
 * boot effect normal with a variance s^2 that belongs to the case key, the
 * clock mode and the host class, not to the kernel. s^2 is estimated by
 * pooling the within-kernel sums of squares over every boot of the case,
 * clock mode and host class the database holds, the compared boots
 * included (grouped by kernel, so two runs of one kernel count as one
 * group and their offset counts as boot noise), with degrees of freedom
 * sum(n_kernel - 1) counted honestly: a kernel seen in one boot adds
 * nothing. Without a database, the two sides are the two groups. The
 * difference of the sides' mean log medians gets a pooled
 * t-interval (exp gives the ratio's interval) and a two-sided t-test p of
 * "no difference". When no kernel has two boots:
 *   - icount clock: guest time counts instructions, boots agree to the
 *     microsecond (DESIGN), so s is taken as the measurement resolution
 *     floor (resolution / smallest median) with a normal reference;
 *   - otherwise, with three or more other kernels (not compared) seen in a
 *     single boot each, the spread of their medians bounds s from above (it
 *     holds real differences between kernels too), with n - 1 degrees of
 *     freedom;
 *   - otherwise there is no estimate and the case is inconclusive.
 * Every estimate is floored at the resolution, so identical boots never
 * give a zero variance and an infinitely sharp verdict.
 */
#ifndef GUPBENCH_MODEL_H
#define GUPBENCH_MODEL_H

#include <stddef.h>

/* Every boot of the case in its class, compared ones included, one kernel at a time. */
struct model_history {
	size_t boots, groups;      /* in kernels seen in >= 2 boots */
	size_t compared;           /* how many of those boots are compared ones */
	double ss;                 /* their within-kernel sum of squares of log medians */
	size_t singles;            /* other kernels seen in one boot: count, mean, M2 of log medians */
	double smean, sm2;
};

/* Add one kernel's boot medians (us, > 0; non-positive ones are skipped),
 * compared of them being compared ones (a lone compared boot is kept out of
 * the spread bound: it holds the very change being tested). */
void model_history_add(struct model_history *h, const double *med, size_t n, size_t compared);

struct model_input {
	const double *base, *new;  /* per-boot medians in us, > 0 */
	size_t nbase, nnew;
	const struct model_history *hist;   /* NULL: no database, the sides are the groups */
	int icount;                /* both sides on the instruction-counted clock */
	double resolution_us;      /* the timer's step (1 us for gup_test) */
	double confidence;         /* of the interval, e.g. 0.95 */
};

enum model_source { MODEL_NONE, MODEL_POOLED, MODEL_SPREAD, MODEL_ICOUNT };

struct model_fit {
	int ok;                    /* 0: no variance estimate, no interval */
	enum model_source source;
	double d;                  /* mean log median new - base */
	double s;                  /* boot-to-boot sd of log medians used (after the floor) */
	double floor;              /* the resolution floor of s */
	double se, df;             /* of d; df may be INFINITY */
	double lo, hi;             /* interval of d */
	double p;                  /* two-sided t-test of d = 0; 1 when !ok */
	size_t nbase, nnew;        /* boots per side */
	size_t pooled_boots;       /* boots whose within-kernel spread fed s */
	size_t pooled_compared;    /* how many of them are compared ones */
	size_t pooled_groups;      /* kernels they came from (pooled or spread) */
};

/* 0, or -1 when a side has no positive median (out->ok = 0 then too). */
int model_fit(const struct model_input *in, struct model_fit *out);

enum model_call { MODEL_SLOWER, MODEL_FASTER, MODEL_SAME, MODEL_UNSURE };

struct model_rule {
	double threshold_pct;      /* smallest change that counts, symmetric on a log scale */
	double alpha;              /* family-wise false-alarm rate of the gate */
	size_t family;             /* cases in the comparison (Holm's m) */
};

/*
 * The verdict of one fitted case whose Holm-adjusted p is p_adj: SLOWER or
 * FASTER when p_adj <= alpha and the estimated ratio lies beyond
 * (1 + t)^(+-1); SAME when the interval lies within it; else UNSURE. why
 * receives the reason: boots per side, variance source, threshold and, when
 * UNSURE, the --repeat-boots that would settle it.
 */
enum model_call model_decide(const struct model_fit *f, double p_adj, const struct model_rule *r,
			     char *why, size_t len);

/*
 * Boots per side a fresh pair of runs would need, with this fit's s, for the
 * case to be settled if the true change were the estimated one: significant
 * at Holm's first step beyond the threshold, or an interval inside it.
 * 0 when more than 100 would be needed (or there is no estimate).
 */
unsigned model_boots_needed(const struct model_fit *f, const struct model_rule *r);

#endif
