/*
 * model: the boot-aware statistical model behind compare's verdicts. Pure
 * functions, no I/O; the caller (results/compare.c) loads the numbers.
 * docs/statistics.md states the model, why, and what it was measured to do.
 *
 * The unit of replication is the boot: repeats inside one boot share the
 * boot's luck, so each boot contributes one value, the log of its median,
 * and a case's change is d = mean log median new - mean log median base.
 * What differs by clock is where the boot-to-boot variance comes from:
 *
 *   - icount: guest time counts instructions, and two boots of one build
 *     agree to a microsecond or two. The boot sd of log median x is
 *     modelled as sqrt((a/x)^2 + r^2), an absolute part a (us) and a
 *     relative part r, fitted by maximum likelihood over every group of
 *     boots of one build the class holds, all cases pooled (many degrees of
 *     freedom from a few boots), or a conservative default until the
 *     database holds MODEL_ICOUNT_MIN_DF of them. A case's own boots of one
 *     build moderate its sd (shrunk towards the model, as limma does); a
 *     case whose boots step by far more than the model explains keeps its
 *     own sd and df. One boot per side decides.
 *   - wall: three sources, each pooled across the comparison's cases:
 *     tonight's base side, tonight's new side (spread of boots within a
 *     side) and the history (boots of the class outside the comparison,
 *     within each build). History is used only when an F-test finds
 *     tonight no noisier than it; the sides get their own variances
 *     (Welch) when an F-test finds them different. Each case's variance is
 *     then shrunk towards a prior fitted over the cases (Smyth's moderated
 *     variance, as limma does), so a case borrows the degrees of freedom of
 *     the whole matrix. With no boot repeated tonight (one per side) the
 *     cross-case spread of the changes guards the estimate: its robust
 *     inflation factor lambda (genomic control) widens every interval when
 *     > 1, and alone stands in when nothing else is known.
 *
 * The family: the verdict and the printed interval use one multiplicity-
 * adjusted level, so they can never disagree: Sidak's single-step level
 * 1 - (1 - alpha)^(1/m) (family-wise error, the default; the intervals are
 * then simultaneous) or Benjamini-Hochberg's (false discovery rate; the
 * intervals are then false-coverage-rate adjusted, level 1 - R alpha / m
 * with R the cases BH rejects). A case is regressed (improved) when its
 * interval excludes 1 and its estimate is beyond the threshold, unchanged
 * when the interval lies inside the threshold, else inconclusive.
 */
#ifndef GUPBENCH_MODEL_H
#define GUPBENCH_MODEL_H

#include <stddef.h>

/* One group of boots of one build (at least two): the icount fit's data. */
struct model_group {
	double ss;                 /* within-group sum of squares of log medians */
	double df;                 /* boots - 1 */
	double x;                  /* geometric mean median, us */
};

/* Every boot of the case in its class, one build at a time. */
struct model_history {
	struct model_group *g;     /* every build seen in >= 2 boots, compared boots included */
	size_t ng;
	double ss_other, df_other; /* within-build, less the compared boots' own spread */
};

/* Add one build's boot medians (us; non-positive ones are skipped);
 * compared[i] says whether boot i is one of the compared ones. */
void model_history_add(struct model_history *h, const double *med, const unsigned char *compared, size_t n);
void model_history_free(struct model_history *h);

/* One compared case. */
struct model_case {
	const double *base, *new;  /* per-boot medians in us, > 0 */
	size_t nbase, nnew;
	const struct model_history *hist;   /* NULL: nothing but the sides */
};

enum model_adjust { MODEL_SIDAK, MODEL_BH };

struct model_opts {
	int icount;                /* both sides on the instruction-counted clock */
	double resolution_us;      /* the timer's step (1 us for gup_test) */
	double alpha;              /* family-wise error (Sidak) or false discovery rate (BH) */
	enum model_adjust adjust;
};

/* The icount noise model's default, used until the class holds enough
 * repeated boots of one build to fit it (docs/statistics.md). */
#define MODEL_ICOUNT_A_US 2.0
#define MODEL_ICOUNT_R 0.0005
#define MODEL_ICOUNT_MIN_DF 20
/* The fewest cases whose spread can stand in for a boot variance. */
#define MODEL_SPREAD_MIN_CASES 5

enum model_source { MODEL_NONE, MODEL_POOLED, MODEL_SPREAD, MODEL_ICOUNT };

/* What the comparison as a whole told the model, for the footer. */
struct model_family {
	size_t m;                  /* cases */
	double level;              /* two-sided miss rate of each printed interval */
	int icount_fitted;         /* icount: a, r fitted (else the default) */
	double a_us, r, fit_df;    /* icount noise model, and the df it was fitted with */
	double fit_groups;         /* icount: groups of boots of one build the fit read */
	double df_base, df_new, df_hist;   /* wall: df of each source (pooled over cases) */
	double sd_base, sd_new, sd_hist;   /* and its pooled sd of log medians */
	int sides_differ;          /* Welch: each side its own variance */
	int hist_used;             /* history consistent with tonight, pooled */
	double hist_p;             /* F-test p of tonight no noisier than history (1 when untested) */
	double d0, s0;             /* Smyth's prior df (INFINITY: all cases alike) and sd */
	double lambda;             /* cross-case inflation applied (1: none) */
};

struct model_fit {
	int ok;                    /* 0: no variance estimate, no interval */
	enum model_source source;
	double d;                  /* mean log median new - base */
	double s;                  /* boot sd of log medians used (per side, rms when they differ) */
	int own;                   /* icount: the case steps beyond the model; its own sd and df */
	double floor;              /* the resolution floor of s */
	double se, df;             /* of d; df may be INFINITY */
	double lo, hi;             /* interval of d at the family's level */
	double p, p_adj;           /* two-sided test of d = 0, and adjusted (1 when !ok) */
	size_t nbase, nnew;        /* boots per side */
};

/*
 * Fit every case of one comparison (fits[i] for cases[i]) and the family's
 * adjustment. Returns 0; a case with a non-positive median gets ok = 0 and
 * source MODEL_NONE.
 */
int model_fit_all(const struct model_case *cases, size_t n, const struct model_opts *o,
		  struct model_fit *fits, struct model_family *fam);

enum model_call { MODEL_SLOWER, MODEL_FASTER, MODEL_SAME, MODEL_UNSURE };

struct model_rule {
	double threshold_pct;      /* smallest change that counts, symmetric on a log scale */
	const struct model_family *fam;
};

/* The verdict of one fitted case from its interval (model.h's rule); why
 * receives the reason, boots per side, variance source, threshold and, when
 * UNSURE, the --repeat-boots that would settle it. */
enum model_call model_decide(const struct model_fit *f, const struct model_rule *r, char *why, size_t len);

/*
 * Boots per side a fresh pair of runs would need, with this fit's s and the
 * family's level, for the case to be settled if the true change were the
 * estimated one. 0 when more than 100 would be needed (or no estimate).
 */
unsigned model_boots_needed(const struct model_fit *f, const struct model_rule *r);

#endif
