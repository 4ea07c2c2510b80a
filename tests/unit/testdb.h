/*
 * testdb: a helper shared by the unit tests that look inside a result
 * database: the single integer a query yields (-1 when it fails).
 */
#ifndef GUPBENCH_TESTDB_H
#define GUPBENCH_TESTDB_H

#include <sqlite3.h>
#include <stddef.h>

static inline long long sql_count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

#endif
