/*
 * result: what one case gives, whichever workload measured it: the raw
 * samples, the status and reason, where the time went. The types every part
 * of the bench speaks in (the runner and the workloads fill them, the sinks
 * in emit.c and ktap.c format them), so that no module is the hub others
 * include for them.
 */
#ifndef GUPBENCH_RESULT_H
#define GUPBENCH_RESULT_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

struct bench_opts;   /* options.h */

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

void case_result_free(struct case_result *r);
/* Set status, exit status and a formatted reason in one go. */
void case_set(struct case_result *r, enum case_status st, int exit_status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
