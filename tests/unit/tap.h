/*
 * tap: the unit tests' tiny TAP producer. tap_plan(N) prints the version
 * line ("TAP version 13") and the plan line "1..N" first, as TAP and kselftest want; each check prints "ok N - what" or
 * "not ok N - what"; tap_done() fails the program when a check failed or when
 * the number of checks run differs from the plan (a check that vanished, or
 * one added without the plan). tests/run-all.sh verifies the same again from
 * the output of every test program.
 */
#ifndef GUPBENCH_TAP_H
#define GUPBENCH_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_planned = -1;

static inline void tap_plan(int n)
{
	tap_planned = n;
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
}

static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

/* n planned checks that cannot run here: "ok N # SKIP why" each. */
static inline void tap_skip(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # SKIP %s\n", ++tap_n, why);
	fflush(stdout);
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)
#define is_int(got, want, ...) do { long long g_ = (got), w_ = (want); \
	if (!tap_ok(g_ == w_, __VA_ARGS__)) printf("#   got %lld, want %lld\n", g_, w_); } while (0)
#define is_str(got, want, ...) do { const char *g_ = (got), *w_ = (want); \
	if (!tap_ok(g_ && w_ && !strcmp(g_, w_), __VA_ARGS__)) \
		printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } while (0)
#define is_near(got, want, eps, ...) do { double g_ = (got), w_ = (want); \
	if (!tap_ok(fabs(g_ - w_) <= (eps), __VA_ARGS__)) printf("#   got %.9g, want %.9g\n", g_, w_); } while (0)

static inline int tap_done(void)
{
	if (tap_planned < 0) {
		printf("not ok %d - the test declared no plan (call tap_plan first)\n", ++tap_n);
		return 1;
	}
	if (tap_n != tap_planned) {
		printf("# planned %d checks but ran %d\n", tap_planned, tap_n);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif
