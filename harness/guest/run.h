/*
 * run: the library behind `gupharness run` (cmd/run.c), the loop that turns a matrix and some kernels into
 * stored samples. For each kernel and boot it writes a plan and an
 * initramfs, boots QEMU, watches the console and the results stream for
 * progress and faults (timeout, panic, oops, truncated stream), ingests the
 * stream in one transaction and records every fault as an event with a
 * console excerpt. `--resume RUN` runs only the cases a run is missing.
 *
 * Exit status: 0 every case stored; 1 incomplete (a stream that could not
 * be stored); 2 bad input (options, matrix, kernel name, impossible case);
 * 3 QEMU or the bench missing; 6 a guest panicked, hung or cut its stream
 * short; 130 interrupted (the run is marked incomplete, no QEMU is left).
 */
#ifndef GUPBENCH_RUN_H
#define GUPBENCH_RUN_H

#include "harness/guest/boot.h"
#include "lib/opt.h"

#include <stddef.h>

#define RUN_MAX_KERNELS 32     /* --kernel, repeatable */

/* What `gupharness run` was asked (cmd/run.c parses it). */
struct run_opts {
	const char *matrix_path, *db_path, *label, *accel, *clock, *resume, *shard;
	struct opt_list kernels;   /* --kernel; max RUN_MAX_KERNELS */
	struct opt_list cases;     /* --case: only these ids of the matrix */
	int repeat_boots, no_pin;
	double timeout;
	struct guest_settings guest;
	size_t max_cases;    /* 0: MATRIX_MAX_CASES */
};


/*
 * The run: checks, the run row and directory, every boot, the summary on
 * stdout; argv is the command line stored with the run. Returns the exit
 * status above.
 */
int run_matrix(struct run_opts *o, int argc, char **argv);

/* Cases of slice k (1-based) of n over total cases: [*lo, *hi). */
void run_shard_range(size_t total, int k, int n, size_t *lo, size_t *hi);

/* Parse "K/N" with 1 <= K <= N; 0 or -1. */
int run_parse_shard(const char *s, int *k, int *n);

#endif
