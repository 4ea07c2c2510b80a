/*
 * db: opening the result database. Applies results/schema.sql (compiled in) to a new file,
 * migrates older versions forward (PRAGMA user_version), refuses a newer
 * one, turns on WAL, foreign keys and a busy timeout, and never overwrites a
 * file that is not a SQLite database. Also small helpers for the
 * kernels/hosts/runs/events rows that several commands write.
 */
#ifndef GUPBENCH_DB_H
#define GUPBENCH_DB_H

#include <sqlite3.h>
#include <stdint.h>

#define DB_SCHEMA_VERSION 5

enum { DB_READONLY = 1, DB_MUST_EXIST = 2 };

/* Open (creating unless DB_MUST_EXIST/DB_READONLY). On failure prints one
 * line naming the file and the fix and exits with EXIT_DB (or EXIT_IO). A
 * file opened for writing must pass PRAGMA quick_check first: nothing is ever
 * written into a damaged database. DB_READONLY falls back to an immutable
 * open when the directory is read-only (no -shm can be made for WAL). */
sqlite3 *db_open(const char *path, int flags);
void db_close(sqlite3 *db);
/* The exit status for the last failure on db: EXIT_IO for a full disk or an
 * I/O error, EXIT_DB for a damaged, locked or otherwise failing database.
 * Read it before anything else runs on db (a rollback resets it). */
int db_exit_status(sqlite3 *db);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; return 0 or -1 (error printed). */
int db_begin(sqlite3 *db);
int db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);

/* The kernels row of this build under this name (name and the cache key of
 * the kernel cache entry's metadata JSON text, see harness/kernel/kcache.h; NULL
 * meta allowed for imports), inserted when new; an existing row is never
 * rewritten, so a name that moved gets a second row. Returns row id. */
int64_t db_kernel_upsert(sqlite3 *db, const char *name, const char *meta_json);
/* The name of kernel row id (malloc'd), or NULL. */
char *db_kernel_name(sqlite3 *db, int64_t id);
/* Find or insert this host (hostname, /proc/cpuinfo model, ncpus, qemu version). */
int64_t db_host_current(sqlite3 *db, const char *qemu_version);

struct db_run_info {
	const char *uuid;        /* NULL: generated */
	const char *label;
	const char *matrix_name;
	const char *matrix_json;
	const char *cmdline;
	const char *run_dir;
	const char *accel;
	const char *noise_json;
	int64_t host_id;
};
int64_t db_run_create(sqlite3 *db, const struct db_run_info *info);
/* status: running, complete, incomplete, failed; sets ended when not running. */
int db_run_set_status(sqlite3 *db, int64_t run_id, const char *status);

/* Record an event (kind from the schema's list). boot_id/kernel_id may be 0. */
int db_event_add(sqlite3 *db, int64_t run_id, int64_t boot_id, int64_t kernel_id,
		 const char *kind, const char *case_id, const char *message, const char *excerpt);

/* Resolve a user's BASE/NEW selector: a run id ("#12" or "12"), a run label,
 * or a kernel name. Fills a SQL fragment selecting boots.id values and a
 * human description; returns -1 after printing the known names. */
struct db_selector {
	char *sql;          /* "SELECT b.id FROM boots b ..." with ?1 bound to 'text' */
	char *text;
	char *describe;     /* e.g. "kernel linux-6.12 (3 runs)" */
	int kind;           /* 0 kernel, 1 label, 2 run id */
};
int db_resolve_selector(sqlite3 *db, const char *arg, struct db_selector *out);
void db_selector_free(struct db_selector *s);

#endif
