/*
 * util: the harness's shared small helpers. Diagnostics in git's style
 * (die/error/warning: lowercase, no full stop, quoted '%s'), the exit
 * statuses every subcommand uses, checked allocation, paths relative to the
 * repository, and whole-file/atomic-file I/O (write-then-rename, so a
 * half-written output never looks complete).
 */
#ifndef GUPBENCH_UTIL_H
#define GUPBENCH_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses shared by every subcommand; README lists them. */
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
	EXIT_REFUSED = 9,   /* refused to touch the input as it is: a git tree with local changes */
	EXIT_REVERSED = 10, /* bisect: the "good" end is slower than the "bad" end */
	EXIT_INTERRUPTED = 130,
};

#define ATTR_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* die() prints "gupharness: <msg>" to stderr and exits with status. */
_Noreturn void die(int status, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* error() prints "error: <msg>" and returns -1. */
int error(const char *fmt, ...) ATTR_PRINTF(1, 2);
void warning(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* note(): progress chatter on stderr, silenced by GUPBENCH_QUIET=1. */
void note(const char *fmt, ...) ATTR_PRINTF(1, 2);
_Noreturn void bug(const char *file, int line, const char *msg);
#define BUG(msg) bug(__FILE__, __LINE__, msg)

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap);

/* Absolute path of the repository root (parent of the binary's directory). */
const char *repo_root(void);
/* repo_root()/rel, freshly allocated. */
char *repo_path(const char *rel);
/* Kernel/build cache: $GUPBENCH_CACHE or $XDG_CACHE_HOME/gupbench or ~/.cache/gupbench. */
const char *cache_root(void);
/* Default database: $GUPBENCH_DB or <repo>/results/gupbench.db. */
const char *default_db_path(void);

/* mkdir -p; returns 0 or -1 with errno set. */
int mkdir_p(const char *path, unsigned mode);
/* rm -rf; returns 0 or -1. */
int remove_tree(const char *path);
/* Read a whole file (NUL-terminated); NULL with errno on failure. */
char *read_file(const char *path, size_t *len);
/* Write atomically: path.tmp then rename. -1 with errno on failure (ENOSPC kept). */
int write_file_atomic(const char *path, const void *buf, size_t len);
int file_exists(const char *path);

/* Hex SHA-256 of a buffer / a file (65 bytes incl. NUL written to out). */
void sha256_hex(const void *buf, size_t len, char out[65]);
int sha256_file_hex(const char *path, char out[65]);

/* Wall clock in seconds (monotonic) and ISO-8601 UTC timestamp "YYYY-MM-DDTHH:MM:SSZ". */
double now_monotonic(void);
void iso8601_now(char out[32]);

/* Is stderr a terminal (for live progress lines)? */
int stderr_is_tty(void);

/*
 * A file-name-safe form of s: letters, digits, '.' and '+' are kept, a '-'
 * between two kept characters is kept (as in "linux-6.12"), every other run
 * of characters becomes one '_', and none leads or trails. "-L -m 512 -t"
 * gives "L_m_512_t". An empty result becomes "x". Truncated to len - 1.
 */
void sanitize_name(const char *s, char *buf, size_t len);

/* A random RFC 4122 version-4 UUID (the kernel's, else from /dev/urandom). */
void uuid_v4(char out[37]);

/* The running binary (/proc/self/exe); dies when /proc is missing. */
const char *self_exe(void);

/* s as one CSV field (RFC 4180: quoted when it holds a comma, quote or newline). */
void csv_quote(FILE *f, const char *s);

/* qsort comparator for an array of char *. */
int cmp_strp(const void *a, const void *b);

#endif
