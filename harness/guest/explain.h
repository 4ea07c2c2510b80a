/*
 * explain: which kernel functions a case's instructions went to, on two
 * kernels. Each side is one logged icount boot of the cached build through
 * `gupharness run` (the kernels measured are the kernels built), profiled
 * beneath gup_test_ioctl by tbprof. The result is a plain struct; the sinks
 * (text, markdown, json) print it. `gupharness explain` and the regression
 * reports (compare, nightly, bisect) share it.
 */
#ifndef GUPBENCH_EXPLAIN_H
#define GUPBENCH_EXPLAIN_H

#include "harness/guest/tbprof.h"

#include <stdio.h>

struct explain_row {
	const char *name;
	long long self[2], incl[2], calls[2];
	long long d;                  /* self new - self base */
};

struct explain_side {
	const char *kernel;
	struct tbprof prof;
	double get_us, put_us;        /* the logged boot's own measurement */
	int measured;                 /* 1 when get_us and put_us were read */
};

struct explain {
	const char *key;
	struct explain_side s[2];     /* base, new */
	struct explain_row *row;      /* every function either side touched, by |d| */
	int n;
};

/* Profile key on base and new. 0, or an exit status after one error line. */
int explain_run(const char *base, const char *new, const char *key, struct explain *out);
/* Print the top lines as text, markdown or json; 0, or -1 for an unknown format. */
int explain_print(FILE *f, const struct explain *x, const char *format, int top);
/* "text, markdown, json" */
int explain_format_known(const char *format);
void explain_free(struct explain *x);

#endif
