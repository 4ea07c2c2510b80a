/*
 * housekeeping: the queries behind `gupharness db list|import|export|merge|check`.
 * Rows go to a callback, so the command decides the format (aligned text,
 * CSV, JSON); merge copies another database in one transaction keyed by
 * runs.uuid and boots.stream_sha; check runs the integrity checks. Also
 * the one-line lists of what a database holds, for "no data" hints.
 */
#ifndef GUPBENCH_HOUSEKEEPING_H
#define GUPBENCH_HOUSEKEEPING_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* One cell of a row: its SQL type and value (text is set for every type
 * but NULL, as SQLite renders it). */
enum db_cell_kind { DB_CELL_NULL, DB_CELL_INT, DB_CELL_REAL, DB_CELL_TEXT };
struct db_cell {
	enum db_cell_kind kind;
	const char *text;        /* NULL for a NULL */
	long long i;             /* DB_CELL_INT */
	double d;                /* DB_CELL_REAL */
};

/* A row handed to a callback: the column names, and (except in the header
 * call) the cells; both valid only during the call. */
struct db_row {
	int ncols;
	const char *const *names;
	const struct db_cell *cells;   /* NULL in the header call */
};

/* Called once with index -1 before the first row (the header: only the
 * column names), then for each row with its index from 0. */
typedef void (*db_row_fn)(const struct db_row *row, long index, void *arg);

enum db_listing { DB_LIST_RUNS, DB_LIST_KERNELS };

/* The rows of a listing. 0, or -1 with the error printed. */
int db_list(sqlite3 *db, enum db_listing which, db_row_fn fn, void *arg);

/* Samples with their run, kernel, boot and case, filtered by kernel name,
 * run id ("#12" or "12") and case key or id (each NULL: any). The row
 * count, or -1 with the error printed (rows already given stand). */
long db_export_samples(sqlite3 *db, const char *kernel, const char *run, const char *kase,
		       db_row_fn fn, void *arg);

/* Copy the database file other into db without duplicates, in one
 * transaction. 0 with "N kernels, N hosts, ..." in summary, or -1 with the
 * error printed and nothing changed. */
int db_merge_file(sqlite3 *db, const char *other, char *summary, size_t len);

/* Run every check, calling report(what, finding) for each finding and
 * report(what, NULL) for a check that found nothing. Returns how many
 * findings are corruption (a run left running is only a warning). */
int db_check_all(sqlite3 *db, void (*report)(const char *what, const char *finding, void *arg), void *arg);

/* What `db import` stores: a results stream or --json document made
 * outside the harness (bare metal). */
struct db_import {
	const char *path;        /* the file, recorded as the run's directory */
	const char *db_path;     /* for messages */
	const char *kernel;      /* the kernel it measured */
	const char *label, *clock, *cmdline;
};
struct ingest_result;

/*
 * Store buf (im->path's bytes) as a new run with one boot in one
 * transaction: a duplicate or a bad stream leaves no run row behind.
 * EXIT_OK with *kernel_id, *run_id and res filled (res->duplicate: already
 * stored, nothing added; the caller frees res), or an exit status after an
 * error line naming the file.
 */
int db_import_stream(sqlite3 *db, const struct db_import *im, const char *buf, size_t len, int64_t *run_id,
		     int64_t *kernel_id, struct ingest_result *res);

enum db_hint { DB_HINT_KERNELS, DB_HINT_CASE_KEYS };

/* A one-line list for a "no data" hint: "'a (runs: 2)', 'b'" of the kernels
 * with runs, or the first 40 case keys. malloc'd; NULL when there are none. */
char *db_hint(sqlite3 *db, enum db_hint which);

#endif
