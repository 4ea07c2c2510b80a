/*
 * references: the reference_results table: its sync with
 * results/references.json and the lookup (see references.h).
 */
#include "results/references.h"
#include "results/db.h"
#include "results/db-helpers.h"
#include "lib/util.h"

#include <jansson.h>
#include <string.h>

/* results/references.json, compiled in by the Makefile ($(O)/gen/). */
extern const char db_references_json[];

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

/* One reference entry's fields as the probe's and the upsert's ?1..?11. */
static void bind_reference(sqlite3_stmt *st, json_t *e)
{
	json_t *yr = json_object_get(e, "year");
	const char *metric = db_jstr(e, "metric");

	sqlite3_reset(st);
	db_bind_text_or_null(st, 1, db_jstr(e, "series"));
	db_bind_text_or_null(st, 2, db_jstr(e, "command"));
	db_bind_text_or_null(st, 3, db_jstr(e, "key"));
	db_bind_text_or_null(st, 4, metric ? metric : "get");
	sqlite3_bind_double(st, 5, json_number_value(json_object_get(e, "before_us")));
	sqlite3_bind_double(st, 6, json_number_value(json_object_get(e, "after_us")));
	db_bind_text_or_null(st, 7, db_jstr(e, "author"));
	if (json_is_integer(yr))
		sqlite3_bind_int64(st, 8, json_integer_value(yr));
	else
		sqlite3_bind_null(st, 8);
	db_bind_text_or_null(st, 9, db_jstr(e, "merged_in"));
	db_bind_text_or_null(st, 10, db_jstr(e, "environment"));
	db_bind_text_or_null(st, 11, db_jstr(e, "link"));
}

/*
 * Upsert results/references.json when the table differs from it; a plain
 * open that changes nothing takes no write lock.
 */
void references_sync(sqlite3 *db)
{
	static const char probe_sql[] =
		"SELECT count(*) FROM reference_results WHERE series = ?1 AND command = ?2"
		" AND key IS ?3 AND metric = ?4 AND before_us = ?5 AND after_us = ?6"
		" AND author IS ?7 AND year IS ?8 AND merged_in IS ?9 AND environment IS ?10 AND link IS ?11";
	static const char upsert_sql[] =
		"INSERT INTO reference_results (series, command, key, metric, before_us, after_us,"
		" author, year, merged_in, environment, link) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
		" ON CONFLICT (series, command) DO UPDATE SET key = ?3, metric = ?4, before_us = ?5,"
		" after_us = ?6, author = ?7, year = ?8, merged_in = ?9, environment = ?10, link = ?11";
	const char *file = "results/references.json";   /* compiled in: db_references_json */
	json_error_t jerr;
	json_t *root = json_loads(db_references_json, 0, &jerr), *arr, *e;
	sqlite3_stmt *probe = NULL, *up = NULL;
	size_t i;
	int stale = 0, pass, rc;

	if (!root) {
		warning("reference results not loaded: '%s': %s", file, jerr.text);
		return;
	}
	arr = json_is_array(root) ? root : json_object_get(root, "references");
	if (!json_is_array(arr)) {
		warning("reference results not loaded: '%s' has no \"references\" array", file);
		goto out;
	}
	if (sqlite3_prepare_v2(db, probe_sql, -1, &probe, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, upsert_sql, -1, &up, NULL) != SQLITE_OK) {
		db_report(db, sqlite3_errcode(db), "load reference results");
		goto out;
	}
	/* Pass 0 only looks; pass 1 writes, in one transaction, if anything differs. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if (!stale || db_begin(db))
				break;
		}
		json_array_foreach(arr, i, e) {
			sqlite3_stmt *st = pass ? up : probe;

			if (!db_jstr(e, "series") || !db_jstr(e, "command") ||
			    !json_is_number(json_object_get(e, "before_us")) ||
			    !json_is_number(json_object_get(e, "after_us"))) {
				warning("'%s': entry %zu lacks series, command, before_us or after_us; skipped", file, i);
				continue;
			}
			bind_reference(st, e);
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW) {
				if (sqlite3_column_int(st, 0) == 0)
					stale = 1;
			} else if (rc != SQLITE_DONE) {
				db_report(db, rc, "store reference results");
				db_rollback(db);
				goto out;
			}
		}
		if (pass == 1 && db_commit(db))
			db_rollback(db);
	}
out:
	sqlite3_finalize(probe);
	sqlite3_finalize(up);
	json_decref(root);
}
