/*
 * bisect-run: the bisection driver behind `gupharness bisect` (see
 * bisect-run.c): build, boot and compare each step bisect.c chooses, with
 * the state saved after every step so the same command resumes.
 */
#ifndef GUPBENCH_BISECT_RUN_H
#define GUPBENCH_BISECT_RUN_H

/* What `gupharness bisect` was asked (cmd/bisect.c parses it and fills in the defaults). */
struct bisect_args {
	const char *source, *good, *bad, *case_key, *matrix, *metric, *clock, *arch, *db, *format, *accel;
	int max_boots, jobs;
};

/* The bisection, its report on stdout; returns the exit status cmd/bisect.c lists. */
int bisect_run(const struct bisect_args *a);

#endif
