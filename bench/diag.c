/*
 * diag: fatal errors, warnings and checked allocation for the bench. See
 * diag.h for why these are not the harness's util.c.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bench_die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("gupbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void bench_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void *bench_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		bench_die(EXIT_FAIL, "out of memory allocating %zu bytes", n);
	return p;
}

void *bench_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		bench_die(EXIT_FAIL, "out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *bench_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		bench_die(EXIT_FAIL, "out of memory growing a buffer to %zu bytes", n);
	return q;
}

char *bench_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		bench_die(EXIT_FAIL, "out of memory");
	return p;
}

void fmt_into(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

const char *bench_errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "unknown errno";
}
