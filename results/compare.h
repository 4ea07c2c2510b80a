/*
 * compare: the regression comparison between two sets of boots (BASE and
 * NEW, from db_resolve_selector). compare_run() fills a plain struct with
 * per-case statistics and verdicts; the sinks in compare_formats[] turn it
 * into text, markdown, JSON, CSV or a kernel-test-robot style report and
 * never compute anything themselves.
 *
 * Method: per case key present on both sides, the non-warm-up, untruncated
 * samples of the chosen metric. When either side has two or more boots, the
 * units of the test and the CI are the per-boot medians (repeats inside one
 * boot are not independent of the boot); otherwise they are the samples,
 * the p-value is within-boot only, and the threshold is raised to the
 * boot-noise allowance. Verdict from the 95% bootstrap CI of
 * median(new)/median(base) against 1 +- threshold; lower time is better.
 */
#ifndef GUPBENCH_COMPARE_H
#define GUPBENCH_COMPARE_H

#include "db.h"
#include "stats.h"

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
};

struct cmp_case {
	char *key;
	struct cmp_side base, new;
	double ratio;         /* median(new) / median(base); 0 when base median is 0 */
	double pct_change;
	int have_ci;
	double ci_lo, ci_hi;  /* of the ratio */
	double p, u;          /* two-sided Mann-Whitney */
	int per_boot;         /* test and CI over boot medians */
	double threshold_pct; /* the threshold this verdict used */
	enum cmp_verdict verdict;
	const char *why;      /* one phrase: why this verdict */
};

struct compare_opts {
	const char *metric;        /* "get" or "put" */
	double threshold_pct;      /* default 5 */
	double boot_noise_pct;     /* single-boot allowance, default 25 */
	unsigned iterations;       /* bootstrap resamples, default 2000 */
	unsigned seed;
	const char *base_arg, *new_arg;   /* as the user typed them, for "to reproduce" */
};

/* The defaults (metric get, threshold 5%, boot noise 25%, 2000 resamples,
 * seed 1): the one definition that compare, plot and nightly start from. */
extern const struct compare_opts compare_defaults;

/* A published figure (reference_results) for a compared case's command. */
struct cmp_reference {
	size_t case_index;    /* into cases[] */
	char *series, *command, *environment;
	double before_us, after_us;
};

struct compare_result {
	struct compare_opts opts;
	char *base_desc, *new_desc;
	char *base_kernels, *new_kernels;    /* "name (release)" list */
	char *host;                          /* host, accelerator, QEMU of both sides */
	char *reproduce;                     /* the run command lines, one per line */
	size_t base_boots, new_boots;
	struct cmp_case *cases;
	size_t ncases;
	size_t only_base, only_new;          /* keys present on one side only */
	size_t counts[CMP_NVERDICTS];
	double geomean;                      /* of ratios; 0 when none */
	int single_boot;                     /* some case was compared within-boot */
	int emulated;                        /* some side ran under TCG */
	struct cmp_reference *refs;          /* published figures matching compared cases */
	size_t nrefs;
};

/* 0 or -1 (error printed). */
int compare_run(sqlite3 *db, const struct db_selector *base, const struct db_selector *new,
		const struct compare_opts *opts, struct compare_result *out);
void compare_result_free(struct compare_result *r);

struct compare_format {
	const char *name;
	void (*emit)(FILE *f, const struct compare_result *r);
};
/* NULL when unknown; compare_formats_list() gives "text, markdown, ..." */
const struct compare_format *compare_format_find(const char *name);
const char *compare_formats_list(void);

#endif
