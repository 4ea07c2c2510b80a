/*
 * ktap: the text output's frame, as kselftest programs print it
 * (tools/testing/selftests/kselftest.h): "TAP version 13", the plan
 * "1..N", "# " before diagnostics, one "ok N description" / "not ok N
 * description" / "ok N # SKIP reason" per case and the "# Totals:" line,
 * so that run_vmtests.sh or a kselftest runner can call gupbench in place
 * of gup_test. The per-repeat "Time: get:.. put:.. us" lines in between
 * are printed unchanged by the human sink (emit.h).
 */
#ifndef GUPBENCH_KTAP_H
#define GUPBENCH_KTAP_H

#include <stdio.h>

#include "bench/result.h"

struct ktap {
	FILE *f;
	unsigned n, pass, fail, skip;
};

/* Header and plan. */
void ktap_begin(struct ktap *k, FILE *f, unsigned plan);
/* The result line of the next case; an error's reason goes first as a diagnostic. */
void ktap_result(struct ktap *k, const char *desc, const struct case_result *r);
/* The totals line. */
void ktap_end(struct ktap *k);

#endif
