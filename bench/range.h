/*
 * range: the memory a gup_test case pins. Maps it as the selftest does
 * (file, MAP_PRIVATE/SHARED/HUGETLB, madvise), faults it in, and unmaps it;
 * or, once runner_keep_ranges() is on (the plan worker), keeps it for the
 * next case of the same mapping type, where that cannot change what the
 * next case measures (range.c says why).
 */
#ifndef GUPBENCH_RANGE_H
#define GUPBENCH_RANGE_H

#include "bench/options.h"
#include "bench/result.h"

struct range {
	char *p;                 /* MAP_FAILED: not mapped */
	unsigned long long size;
	int filed;               /* the mapped file, -1 for none */
	const char *populate;    /* "madvise", "touch" or "foll_touch" */
	int reused;              /* kept from an earlier case */
};

/* Keep ranges between cases from now on (1), or unmap every kept one (0). */
void runner_keep_ranges(int on);
/*
 * A mapped, faulted-in range for o: a kept one of o's mapping type, or a new
 * one (setup_s and fault_s timed into r->phases). -1 with r set on failure.
 */
int range_get(const struct bench_opts *o, struct range *rg, struct case_result *r);
/* After the case: keep the range for the next case, or unmap it (teardown_s). */
void range_put(const struct bench_opts *o, struct range *rg, struct case_result *r);
/* Whether two cases' ranges are of one mapping type (interchangeable). */
int range_same_type(const struct bench_opts *a, const struct bench_opts *b);
/* Whether long-term pins may migrate pages here (CMA or a movable zone). */
int longterm_may_migrate(void);

/* madvise for -t / -T; a SKIP in r when THP madvise is impossible. */
int runner_hint(const struct bench_opts *o, char *p, unsigned long long size, struct case_result *r);

#endif
