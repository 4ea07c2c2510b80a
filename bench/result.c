/*
 * result: filling and freeing a case's result (see result.h).
 */
#include "bench/result.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void case_set(struct case_result *r, enum case_status st, int exit_status, const char *fmt, ...)
{
	va_list ap;

	r->status = st;
	r->exit_status = exit_status;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

void case_result_free(struct case_result *r)
{
	free(r->samples);
	r->samples = NULL;
	r->nr_samples = 0;
	free(r->thread_cpus);
	r->thread_cpus = NULL;
	r->nr_threads = 0;
}
