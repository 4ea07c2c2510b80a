/*
 * selftest: the cross-check. Runs the kernel's own selftest gup_test binary
 * with the given arguments and turns its "get:N put:N us" lines into the same
 * samples our runner produces, so both tools' figures land side by side.
 */
#ifndef GUPBENCH_SELFTEST_H
#define GUPBENCH_SELFTEST_H

#include "bench/result.h"

#define SELFTEST_DEFAULT "/gup_test"

/*
 * Run path with args[0..nargs) (no shell), at most timeout_s seconds, and
 * fill r. Its output is copied to stderr for the console log.
 */
int run_selftest(const char *path, char *const args[], int nargs, unsigned timeout_s,
		 struct case_result *r);
/* Parse one line of selftest output into s; 1 if it was a timing line. */
int selftest_parse_line(const char *line, struct sample *s);

#endif
