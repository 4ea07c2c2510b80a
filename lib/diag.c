/*
 * diag: fatal errors, warnings, progress notes and checked allocation for
 * both programs (see diag.h).
 */
#include "lib/diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *program;

void diag_init(const char *name)
{
	program = name;
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "%s%s\n", prefix, buf);
}

void die(int status, const char *fmt, ...)
{
	char prefix[64];
	va_list ap;

	fflush(stdout);
	snprintf(prefix, sizeof(prefix), "%s: ", program ? program : program_invocation_short_name);
	va_start(ap, fmt);
	vreport(prefix, fmt, ap);
	va_end(ap);
	exit(status);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	const char *q = getenv("GUPBENCH_QUIET");
	va_list ap;

	if (q && *q && strcmp(q, "0"))
		return;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

void bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "BUG: %s:%d: %s\n", file, line, msg);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die(EXIT_FAIL, "out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die(EXIT_FAIL, "out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die(EXIT_FAIL, "out of memory growing a buffer to %zu bytes", n);
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		die(EXIT_FAIL, "out of memory");
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		die(EXIT_FAIL, "out of memory");
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
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
