/*
 * db-helpers: the statement helpers db.c lends the data layer's files that
 * write rows (rows.c, references.c, selector.c), so that every failure is
 * reported in db.c's one way.
 */
#ifndef GUPBENCH_DB_HELPERS_H
#define GUPBENCH_DB_HELPERS_H

#include <jansson.h>
#include <sqlite3.h>

/* The database's file name, or ":memory:". */
const char *db_name(sqlite3 *db);
/* One "error:" line for SQLite result rc while trying to `what`; returns -1. */
int db_report(sqlite3 *db, int rc, const char *what);
/* A prepared statement, or NULL after db_report. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, const char *what);
/* Step a write statement that returns nothing; report and return -1 on error. */
int db_step_done(sqlite3 *db, sqlite3_stmt *st, const char *what);
/* The string member k of o, or NULL (o may be NULL). */
const char *db_jstr(json_t *o, const char *k);
/* Bind s to parameter i, or NULL when s is NULL. */
void db_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

#endif
