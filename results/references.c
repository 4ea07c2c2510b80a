/*
 * references: the reference_results lookup (see references.h).
 */
#include "results/references.h"
#include "lib/util.h"

#include <string.h>

int reference_find(sqlite3 *db, const char *key, const char *metric, struct reference_figure *out)
{
	static const char sql[] =
		"SELECT before_us, after_us, series, COALESCE(environment, '') FROM reference_results"
		" WHERE metric = ?2 AND (key = ?1 OR 'selftest: ' || key = ?1) ORDER BY year DESC LIMIT 1";
	sqlite3_stmt *st;
	int found;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(EXIT_DB, "cannot read reference_results from '%s': %s", sqlite3_db_filename(db, "main"),
		    sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		out->before_us = sqlite3_column_double(st, 0);
		out->after_us = sqlite3_column_double(st, 1);
		out->series = xstrdup((const char *)sqlite3_column_text(st, 2));
		out->environment = xstrdup((const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	return found;
}
