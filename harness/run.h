/*
 * run: `gupharness run`, the loop that turns a matrix and some kernels into
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

#include <stddef.h>

/* Cases of slice k (1-based) of n over total cases: [*lo, *hi). */
void run_shard_range(size_t total, int k, int n, size_t *lo, size_t *hi);

/* Parse "K/N" with 1 <= K <= N; 0 or -1. */
int run_parse_shard(const char *s, int *k, int *n);

#endif
