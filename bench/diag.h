/*
 * diag: the bench's diagnostics, in the same git style as the harness
 * (lowercase, no full stop, names quoted) and with the exit statuses of
 * harness/util.h. The bench is linked without the harness library (it must
 * stay a small static binary for the initramfs), so it has its own copies of
 * these few helpers.
 */
#ifndef GUPBENCH_DIAG_H
#define GUPBENCH_DIAG_H

#include <stddef.h>

#include "util.h"    /* EXIT_* statuses and ATTR_PRINTF only */

/* "gupbench: <msg>" on stderr, then exit(status). */
_Noreturn void bench_die(int status, const char *fmt, ...) ATTR_PRINTF(2, 3);
void bench_warn(const char *fmt, ...) ATTR_PRINTF(1, 2);

void *bench_xmalloc(size_t n);
void *bench_xcalloc(size_t n, size_t size);
/* realloc that dies on failure (the old block is never lost to a NULL). */
void *bench_xrealloc(void *p, size_t n);
char *bench_xstrdup(const char *s);

/* The errno's name ("ENOSYS") for messages. */
const char *bench_errname(int e);

/* snprintf into a fixed buffer, truncating silently (messages only). */
void fmt_into(char *buf, size_t len, const char *fmt, ...) ATTR_PRINTF(3, 4);

#endif
