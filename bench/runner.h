/*
 * runner: one gup_test case, measured into a struct. Gets the range prepared
 * as the selftest does (range.h: file, MAP_PRIVATE/SHARED/HUGETLB, madvise,
 * faulted in from user space or by FOLL_TOUCH), then issues the ioctl from
 * each thread. Times come only from the kernel's get_delta_usec/put_delta_usec.
 * No output here: a caller-supplied hook sees each sample as it arrives, and
 * sinks (emit.h) format the finished result (result.h). It is the gup_test
 * row's run function in the workload table (workload.c).
 */
#ifndef GUPBENCH_RUNNER_H
#define GUPBENCH_RUNNER_H

#include "bench/options.h"
#include "bench/result.h"

/* Where gup_test lives: $GUPBENCH_GUP_TEST (tests) or /sys/kernel/debug/gup_test. */
const char *gup_test_path(void);

/*
 * Run the case o describes. Always fills r (status, exit_status, reason,
 * samples); hook (may be NULL) is called for each sample, serialised across
 * threads. Returns r->exit_status.
 */
int run_case(const struct bench_opts *o, struct case_result *r, sample_hook hook, void *arg);
/* NUMA node, CPU and SCHED_FIFO placement of the calling task (--numa-node, --cpu, --fifo). */
int runner_place(const struct bench_opts *o, struct case_result *r);

#endif
