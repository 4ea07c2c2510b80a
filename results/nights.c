/*
 * nights: nightly stream queries (see nights.h).
 */
#include "results/nights.h"
#include "lib/util.h"

#include <stdlib.h>

#define IN_STREAM(col) "substr(" col ", 1, length(?1)) = ?1"

const char nights_boots_sql[] =
	"SELECT b.id FROM boots b JOIN runs r ON r.id = b.run_id WHERE " IN_STREAM("r.label");

static sqlite3_stmt *prep(sqlite3 *db, const char *sql, const char *bind)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(EXIT_DB, "cannot read the nightly history from '%s': %s", sqlite3_db_filename(db, "main"),
		    sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, bind, -1, SQLITE_TRANSIENT);
	return st;
}

static const char *text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

void nights_each_run(sqlite3 *db, const char *prefix, void (*fn)(const struct night_run *r, void *arg), void *arg)
{
	sqlite3_stmt *st = prep(db, "SELECT label, started, status, coalesce(cmdline, '') FROM runs"
				    " WHERE " IN_STREAM("label") " ORDER BY started, id", prefix);

	while (sqlite3_step(st) == SQLITE_ROW) {
		struct night_run r = { text(st, 0), text(st, 1), text(st, 2), text(st, 3) };

		fn(&r, arg);
	}
	sqlite3_finalize(st);
}

void nights_each_event(sqlite3 *db, const char *prefix,
		       void (*fn)(const struct night_event *e, void *arg), void *arg)
{
	sqlite3_stmt *st = prep(db, "SELECT r.label, e.kind, e.case_id, e.message FROM events e"
				    " JOIN runs r ON r.id = e.run_id WHERE " IN_STREAM("r.label")
				    " ORDER BY e.at, e.id", prefix);

	while (sqlite3_step(st) == SQLITE_ROW) {
		struct night_event e = { text(st, 0), text(st, 1), text(st, 2), text(st, 3) };

		fn(&e, arg);
	}
	sqlite3_finalize(st);
}

int nights_stream_alone(sqlite3 *db, const char *prefix)
{
	sqlite3_stmt *st = prep(db, "SELECT count(*) FROM runs WHERE label IS NULL OR NOT (" IN_STREAM("label") ")",
				prefix);
	int alone = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 0;

	sqlite3_finalize(st);
	return alone;
}

int nights_label_has_run(sqlite3 *db, const char *label)
{
	sqlite3_stmt *st = prep(db, "SELECT 1 FROM runs WHERE label = ?1", label);
	int found = sqlite3_step(st) == SQLITE_ROW;

	sqlite3_finalize(st);
	return found;
}

/* One distinct value of expr over the boots under label, malloc'd; NULL when
 * none or when the boots disagree (two builds or clocks under one label). */
static char *label_one(sqlite3 *db, const char *expr, const char *label)
{
	char *sql = xasprintf("SELECT CASE WHEN count(DISTINCT %s) = 1 THEN max(%s) END FROM boots b"
			      " JOIN runs r ON r.id = b.run_id JOIN kernels k ON k.id = b.kernel_id WHERE r.label = ?1",
			      expr, expr);
	sqlite3_stmt *st = prep(db, sql, label);
	char *v = NULL;

	free(sql);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

char *nights_label_build_meta(sqlite3 *db, const char *label)
{
	return label_one(db, "coalesce(k.meta, '{}')", label);
}

char *nights_label_clock(sqlite3 *db, const char *label)
{
	return label_one(db, "b.clock", label);
}

void nights_each_boot(sqlite3 *db, const char *label, void (*fn)(const struct night_boot *b, void *arg), void *arg)
{
	sqlite3_stmt *st = prep(db, "SELECT b.id, b.boot_index, b.status, k.name, coalesce(r.run_dir, '')"
				    " FROM boots b JOIN runs r ON r.id = b.run_id JOIN kernels k ON k.id = b.kernel_id"
				    " WHERE r.label = ?1 ORDER BY b.id", label);

	while (sqlite3_step(st) == SQLITE_ROW) {
		struct night_boot b = { sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), text(st, 2),
					text(st, 3), text(st, 4) };

		fn(&b, arg);
	}
	sqlite3_finalize(st);
}
