/*
 * diag: the diagnostics both programs link, bench/gupbench and
 * harness/gupharness: the exit statuses, die/error/warning/note in git's
 * style (lowercase, no full stop, names quoted) and checked allocation.
 * die() prefixes the program's name, set once at start-up by diag_init()
 * ("gupbench: ...", "gupharness: ..."). It lives in lib/, the layer both
 * programs share, and includes nothing above it.
 */
#ifndef GUPBENCH_DIAG_H
#define GUPBENCH_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* Exit statuses shared by both programs and every subcommand; README lists them. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,      /* ran, but something failed, regressed or is incomplete */
	EXIT_USAGE = 2,     /* bad input: option, a named file that is not there (matrix, source, series), plan, name */
	EXIT_ENV = 3,       /* a missing tool, package, installed file or permission */
	EXIT_SKIP = 4,      /* nothing to do here (kselftest's SKIP) */
	EXIT_BUILD = 5,     /* kernel build: source, patch, config, compiler */
	EXIT_GUEST = 6,     /* guest panicked, hung, or sent a bad stream */
	EXIT_DB = 7,        /* database newer, corrupt, or locked */
	EXIT_IO = 8,        /* disk full or unwritable output */
	EXIT_REFUSED = 9,   /* refused to touch the input as it is: a git tree with local changes, a kernel name taken by another build */
	EXIT_REVERSED = 10, /* bisect: the "good" end is slower than the "bad" end */
	EXIT_INTERRUPTED = 130,
};

#define ATTR_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* The name die() puts first ("gupbench"); until set, the executable's. */
void diag_init(const char *program);

/* die() prints "<program>: <msg>" to stderr (stdout flushed first) and exits with status. */
_Noreturn void die(int status, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* error() prints "error: <msg>" and returns -1. */
int error(const char *fmt, ...) ATTR_PRINTF(1, 2);
void warning(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* note(): progress chatter on stderr, silenced by GUPBENCH_QUIET=1. */
void note(const char *fmt, ...) ATTR_PRINTF(1, 2);
_Noreturn void bug(const char *file, int line, const char *msg);
#define BUG(msg) bug(__FILE__, __LINE__, msg)

/* Allocation that dies on failure (realloc never loses the old block to a NULL). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);         /* NULL duplicates as "" */
char *xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap);

/* The errno's name ("ENOSYS") for messages. */
const char *bench_errname(int e);

/* snprintf into a fixed buffer, truncating silently (messages only). */
void fmt_into(char *buf, size_t len, const char *fmt, ...) ATTR_PRINTF(3, 4);

#endif
