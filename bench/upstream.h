/*
 * upstream: the command line of upstream's tools/mm/gup_bench (the mm
 * tree's 2026 split of the gup_test selftest): getopt
 * "m:r:n:F:f:aj:tTLuwWSH", and with no arguments the whole former
 * run_vmtests.sh gup matrix. gupbench takes that grammar when it is called
 * as gup_bench (a link named gup_bench) or given --gup-bench; otherwise a
 * bare gupbench keeps its old meaning (one GUP_FAST case of 128 MiB), so
 * no existing user changes behaviour.
 */
#ifndef GUPBENCH_UPSTREAM_H
#define GUPBENCH_UPSTREAM_H

#include <stddef.h>

#include "bench/options.h"

/* One case from the command line: its options and the words they came from. */
struct cli_case {
	struct bench_opts o;
	int argc;
	char **argv;
	int owns_argv;   /* the matrix's word lists are ours to free */
};

/* argv[0]'s base name is gup_bench, or --gup-bench was given. */
int gup_bench_mode(const char *argv0, const struct bench_opts *o);
/*
 * The cases gup_bench's command line asks for (args without argv[0]): the
 * one case o describes, or with no argument but --gup-bench, --json and
 * --out, the matrix.
 * 0, or -1 with err (exit status 2) for an option outside gup_bench's grammar.
 */
int gup_bench_cases(const struct bench_opts *o, int argc, char **argv, struct cli_case **cases, size_t *n,
		    char *err, size_t len);
/* As upstream's hugetlb_setup_default(): default-size pages for the matrix's hugetlb cases, restored at exit. */
void gup_bench_reserve_hugetlb(void);
void gup_bench_free(struct cli_case *cases, size_t n);

#endif
