/*
 * compare: the regression comparison between two sets of boots (BASE and
 * NEW, from db_resolve_selector). compare_run() fills a plain struct with
 * per-case statistics and verdicts; the sinks in compare_formats[] turn it
 * into text, markdown, JSON, CSV or a kernel-test-robot style report and
 * never compute anything themselves.
 *
 * Method (results/model.h, docs/statistics.md): per case key present on
 * both sides, the non-warm-up, untruncated samples of the chosen metric,
 * reduced to one median per boot: the boot is the unit of replication,
 * repeats inside a boot are not independent of it. All cases are fitted
 * as one family: on the icount clock the boot variance comes from a noise
 * model fitted over the class's repeated boots of one build (or its
 * default), on the wall clock from tonight's sides and the class's history
 * pooled over the cases (moderated variances, F-tests for which sources to
 * trust, a cross-case guard when no boot is repeated). Each case's interval
 * is at the family's adjusted level (Sidak by default, so the intervals are
 * simultaneous at 1 - alpha; Benjamini-Hochberg with fdr), and the verdict
 * reads off that interval: regressed or improved when it excludes 1 and
 * the estimate lies beyond (1 + threshold)^(+-1) (threshold 5% on the wall
 * clock, 1% on icount, unless given); unchanged when the whole interval
 * lies within it; otherwise inconclusive, saying how many boots per side
 * would settle it. Lower time is better. Sides of different clock modes,
 * host classes or architectures are refused unless allowed. A case
 * whose samples include a suspect boot (its console showed trouble, see
 * events.h) counts like any other and is flagged in every format; the
 * report and Markdown headers name the kernel builds (provenance.h).
 */
#ifndef GUPBENCH_COMPARE_H
#define GUPBENCH_COMPARE_H

#include "results/db.h"
#include "results/events.h"
#include "results/model.h"
#include "results/provenance.h"
#include "lib/stats.h"

#include <stdio.h>

enum cmp_verdict { CMP_IMPROVED, CMP_REGRESSED, CMP_UNCHANGED, CMP_INCONCLUSIVE, CMP_NVERDICTS };
extern const char *const cmp_verdict_names[CMP_NVERDICTS];

struct cmp_side {
	size_t n;             /* samples used (non-warm-up, untruncated) */
	size_t warmups;       /* warm-up samples, excluded */
	size_t truncated;     /* truncated samples, excluded */
	size_t boots;
	struct summary s;
	double pct_stddev;    /* 100 * stddev / mean */
	int64_t *suspect;     /* ids of its boots whose console showed trouble (events.h) */
	size_t nsuspect;
};

struct cmp_case {
	char *key;
	struct cmp_side base, new;
	double ratio;         /* exp(mean log boot median new - base): the model's estimate; 0 when not positive */
	double pct_change;
	int have_ci;
	double ci_lo, ci_hi;  /* interval of the ratio at the family's adjusted level (fam.level) */
	int have_p;
	double p, p_adj;      /* model t-test of "no change"; adjusted over the comparison (Sidak or BH) */
	enum model_source source;
	double boot_sd_pct;   /* boot-to-boot sd of the medians the model used, in % */
	double df;            /* of that estimate; INFINITY under the icount assumption */
	double threshold_pct; /* the threshold this verdict used */
	unsigned boots_needed;/* --repeat-boots that would settle an inconclusive case; 0 none */
	enum cmp_verdict verdict;
	char why[400];        /* why this verdict: boots, variance source, threshold, what would settle it */
};

enum { CMP_MIX_CLOCK = 1, CMP_MIX_HOST = 2, CMP_MIX_ARCH = 4, CMP_MIX_GUEST = 8 };

/* The default threshold by clock: on the icount clock boots agree to the
 * microsecond, so a 1% change is measured, not noise; on the wall clock 5%. */
#define CMP_THRESHOLD_WALL_PCT 5.0
#define CMP_THRESHOLD_ICOUNT_PCT 1.0

struct compare_opts {
	const char *metric;        /* "get" or "put" */
	double threshold_pct;      /* 0: the clock's default, CMP_THRESHOLD_{WALL,ICOUNT}_PCT */
	double alpha;              /* family-wise false-alarm rate (or false discovery rate with fdr), default 0.05 */
	int fdr;                   /* Benjamini-Hochberg instead of Sidak's family-wise control */
	unsigned allow_mixed;      /* CMP_MIX_* bits: classes the user allowed to differ */
	const char *base_arg, *new_arg;   /* as the user typed them, for "to reproduce" */
};

/* The defaults (metric get, threshold by clock, alpha 0.05): the one
 * definition that compare, plot and nightly start from. */
extern const struct compare_opts compare_defaults;

/* A published figure (reference_results) for a compared case's command. */
struct cmp_reference {
	size_t case_index;    /* into cases[] */
	char *series, *command, *environment;
	double before_us, after_us;
};

/* A suspect boot whose samples are in the comparison: its samples count in
 * the verdicts like any other, and every format names it. */
struct cmp_suspect {
	int is_new;           /* 0 base side, 1 new side */
	struct suspect_boot b;
	size_t cases;         /* compared cases whose samples include it */
};

struct compare_result {
	struct compare_opts opts;
	char *base_desc, *new_desc;
	char *base_kernels, *new_kernels;    /* "name (release)" list */
	struct kernel_builds base_builds, new_builds;   /* their provenance */
	char *host;                          /* host, accelerator, QEMU of both sides */
	char *reproduce;                     /* the run command lines, one per line */
	size_t base_boots, new_boots;
	struct cmp_case *cases;
	size_t ncases;
	size_t only_base, only_new;          /* keys present on one side only */
	size_t counts[CMP_NVERDICTS];
	double geomean;                      /* of ratios; 0 when none */
	char *clock, *host_class, *arch;     /* of both sides ("base: x; new: y" when allowed to differ) */
	char *guest;                         /* guest settings: vCPUs and the user's --memory etc., likewise */
	int icount;                          /* both sides on the instruction-counted clock */
	size_t no_estimate;                  /* cases without a boot-variance estimate */
	struct model_family fam;             /* what the model learnt from the whole comparison */
	int emulated;                        /* some side ran under TCG */
	struct cmp_reference *refs;          /* published figures matching compared cases */
	size_t nrefs;
	struct cmp_suspect *suspects;        /* by side, then boot id */
	size_t nsuspects;
	size_t suspect_cases;                /* cases with a suspect boot on either side */
};

/* 0; -1 database error; COMPARE_REFUSED when the sides mix clock modes,
 * host classes or architectures the options do not allow (error printed). */
#define COMPARE_REFUSED (-2)
int compare_run(sqlite3 *db, const struct db_selector *base, const struct db_selector *new,
		const struct compare_opts *opts, struct compare_result *out);
void compare_result_free(struct compare_result *r);

struct compare_format {
	const char *name;
	void (*emit)(FILE *f, const struct compare_result *r);
};
/* The method text every format's footer gives, one line per item, each
 * line starting with prefix. */
void compare_method_lines(FILE *f, const struct compare_result *r, const char *prefix);
/* NULL when unknown; compare_formats_list() gives "text, markdown, ..." */
const struct compare_format *compare_format_find(const char *name);
const char *compare_formats_list(void);

#endif
