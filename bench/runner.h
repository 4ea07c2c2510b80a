/*
 * runner: one gup_test case, measured into a struct. Gets the range prepared
 * as the selftest does (range.h: file, MAP_PRIVATE/SHARED/HUGETLB, madvise,
 * faulted in from user space or by FOLL_TOUCH), then issues the ioctl from
 * each thread. Times come only from the kernel's get_delta_usec/put_delta_usec.
 * No output here: a caller-supplied hook sees each sample as it arrives, and
 * sinks (emit.h) format the finished result.
 */
#ifndef GUPBENCH_RUNNER_H
#define GUPBENCH_RUNNER_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/options.h"

struct sample {
	uint64_t get_us, put_us;
	uint64_t size;          /* bytes the kernel covered */
	int truncated;          /* size < the range asked for */
	int warmup;
	int thread;
};

enum case_status { CASE_OK, CASE_SKIP, CASE_ERROR };

/*
 * Where a gup_test case's time went, in seconds of the guest's
 * CLOCK_MONOTONIC (bench/PROTOCOL.md "phases"), filled once the range is
 * mapped (populate set). setup: open the file, mmap, madvise; fault:
 * faulting the range in; gup: the ioctl loop (warm-ups and repeats, all
 * threads); teardown: munmap and close. The plan executor adds the whole
 * case's time to the record itself.
 */
struct case_phases {
	double setup_s, fault_s, gup_s, teardown_s;
	const char *populate;   /* "madvise", "touch" or "foll_touch" (-z); NULL: not reached */
	int reused;             /* the range was kept from an earlier case (range.h): no setup, fault */
};

struct case_result {
	enum case_status status;
	int exit_status;        /* what a one-case command line exits with */
	char reason[512];
	struct sample *samples;
	size_t nr_samples;
	/* gup_test cases: per thread, the CPUs (sched_getcpu) it was seen on
	 * just before and after each ioctl; NULL when not recorded */
	cpu_set_t *thread_cpus;
	unsigned long nr_threads;
	struct case_phases phases;
};

typedef void (*sample_hook)(const struct bench_opts *o, const struct sample *s, void *arg);

/* Where gup_test lives: $GUPBENCH_GUP_TEST (tests) or /sys/kernel/debug/gup_test. */
const char *gup_test_path(void);

/* NUMA nodes the machine has (1 without NUMA support). */
int numa_nodes(void);

/*
 * Run the case o describes. Always fills r (status, exit_status, reason,
 * samples); hook (may be NULL) is called for each sample, serialised across
 * threads. Returns r->exit_status.
 */
int run_case(const struct bench_opts *o, struct case_result *r, sample_hook hook, void *arg);
void case_result_free(struct case_result *r);
/* NUMA node, CPU and SCHED_FIFO placement of the calling task (--numa-node, --cpu, --fifo). */
int runner_place(const struct bench_opts *o, struct case_result *r);
/* madvise for -t / -T; a SKIP in r when THP madvise is impossible. */
int runner_hint(const struct bench_opts *o, char *p, unsigned long long size, struct case_result *r);
/* Set status, exit status and a formatted reason in one go. */
void case_set(struct case_result *r, enum case_status st, int exit_status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
