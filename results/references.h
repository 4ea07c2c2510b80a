/*
 * references: published figures (the reference_results table, kept in sync
 * with results/references.json) looked up by case key and metric, for the
 * before/after chart's reference markers.
 */
#ifndef GUPBENCH_REFERENCES_H
#define GUPBENCH_REFERENCES_H

#include <sqlite3.h>

struct reference_figure {
	double before_us, after_us;
	char *series, *environment;     /* malloc'd; environment "" when unknown */
};

/* The latest figure for key (a selftest case's "selftest: " key matches
 * too) and metric: 1 found, 0 none. Dies on a database error. */
int reference_find(sqlite3 *db, const char *key, const char *metric, struct reference_figure *out);

/* Upsert results/references.json (compiled in) when the table differs from
 * it; a plain open that changes nothing takes no write lock. A bad entry
 * or a failed write is a warning or an error line, never fatal. db_open
 * calls it on every writable open. */
void references_sync(sqlite3 *db);

#endif
