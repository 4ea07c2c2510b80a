/*
 * bisect-report: the sinks that print a bisection's outcome (text, JSON,
 * and a report in the style of compare's kernel-test-robot mail, with the
 * commands to reproduce). They read one plain struct and compute nothing
 * but layout.
 */
#ifndef GUPBENCH_BISECT_REPORT_H
#define GUPBENCH_BISECT_REPORT_H

#include "harness/lab/bisect.h"

#include <stdio.h>

struct bisect_report {
	const struct bisect *b;
	const char *tree, *matrix, *db, *metric;
	enum bisect_outcome outcome;
	size_t lo, hi;             /* last good, first bad step */
	double seconds;            /* wall time of this invocation */
	int builds, boots;         /* done by this invocation (cache hits not counted as builds) */
	int interrupted;
};

struct bisect_format {
	const char *name;
	void (*emit)(FILE *f, const struct bisect_report *r);
};
/* NULL when unknown; bisect_formats_list() gives "text, json, report". */
const struct bisect_format *bisect_format_find(const char *name);
const char *bisect_formats_list(void);

#endif
