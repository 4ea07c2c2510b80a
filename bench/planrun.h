/*
 * planrun: runs the cases of a loaded plan in child processes with a
 * deadline (gup_test cases one after another in one worker child, the rest
 * a child each) and writes start/case records to a results stream. A child
 * that crashes or hangs yields an error record for its case; the caller
 * (PID 1 in the guest) never dies with it.
 */
#ifndef GUPBENCH_PLANRUN_H
#define GUPBENCH_PLANRUN_H

#include "bench/emit.h"
#include "bench/plan.h"

/*
 * Run every case of p; selftest is the binary for "selftest" cases. The
 * caller has written the env record and writes the end record. Returns -1
 * if the stream could not be written, else 0.
 */
int plan_run(const struct plan *p, const char *selftest, struct stream *s);

/*
 * One case in a forked child; returns its case record (never NULL). Exposed
 * for tests.
 */
json_t *run_isolated(const struct plan_case *c, const char *selftest);

#endif
