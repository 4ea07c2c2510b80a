/*
 * util: the harness's shared small helpers: paths relative to the
 * repository, whole-file/atomic-file I/O (write-then-rename, so a
 * half-written output never looks complete), hashing, clocks and names.
 * The exit statuses, diagnostics (die/error/warning/note) and checked
 * allocation come from lib/diag.h, which both programs link.
 */
#ifndef GUPBENCH_UTIL_H
#define GUPBENCH_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/diag.h"    /* exit statuses, die/error/warning/note, x*alloc: shared with the bench */

/*
 * Paths. A binary run from a source tree (or with $GUPBENCH_ROOT) uses the
 * tree as it always did; an installed one uses its data directory and the
 * user's. repo_root() is the tree, NULL when installed.
 */
const char *repo_root(void);
/* The install directories compiled in (make DATADIR=, LIBEXECDIR=). */
extern const char gupbench_datadir[], gupbench_libexecdir[];
/* A shipped file by its source-tree path ("harness/matrices/seed.json",
 * "plots", "bench/gupbench"): in the tree, or where `make install` put it. */
char *data_path(const char *rel);
/* What the user named: arg itself when it holds a '/' or exists, else the
 * shipped <tree_dir>/<arg>[ext] when there is one ("seed" for a matrix). */
char *data_named(const char *tree_dir, const char *arg, const char *ext);
/* Something the user's work writes: <tree>/tree_rel in a source tree, else
 * $XDG_DATA_HOME/gupbench/home_rel (~/.local/share/gupbench), created. */
char *user_path(const char *tree_rel, const char *home_rel);
/* Kernel/build cache: $GUPBENCH_CACHE or $XDG_CACHE_HOME/gupbench or ~/.cache/gupbench. */
const char *cache_root(void);
/* Default database: $GUPBENCH_DB, else user_path("results/gupbench.db", "gupbench.db"). */
const char *default_db_path(void);
/* The --db default as the help says it. */
#define DB_DEFAULT_HELP "$GUPBENCH_DB, else results/gupbench.db in a source tree or ~/.local/share/gupbench/gupbench.db"

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

/* The one growable array of doubles: append x to the n doubles at *a (NULL
 * when n is 0), growing it as needed (the capacity follows from n). */
void dpush(double **a, size_t *n, double x);
/* The same as a struct; zero-initialised is empty, free v when done. */
struct dvec {
	double *v;
	size_t n;
};
void dvec_push(struct dvec *d, double x);

/* qsort comparator for an array of char *. */
int cmp_strp(const void *a, const void *b);

#endif
