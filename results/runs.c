/*
 * runs: run lookups for `gupharness run` (see runs.h).
 */
#include "results/runs.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

int runs_find_resumable(sqlite3 *db, const char *ref, struct run_row *out)
{
	static const char sql[] =
		"SELECT id, uuid, run_dir, matrix, matrix_name FROM runs"
		" WHERE uuid = ?1 OR (?2 > 0 AND id = ?2)";
	const char *arg = ref + (ref[0] == '#');
	sqlite3_stmt *st;
	int found;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(EXIT_DB, "cannot look up run '%s': %s", ref, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, strtoll(arg, NULL, 10));
	found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 2) && sqlite3_column_text(st, 3);
	if (found) {
		out->id = sqlite3_column_int64(st, 0);
		out->uuid = col_dup(st, 1);
		out->run_dir = col_dup(st, 2);
		out->matrix = col_dup(st, 3);
		out->matrix_name = col_dup(st, 4);
	}
	sqlite3_finalize(st);
	return found ? 0 : -1;
}

void run_row_free(struct run_row *r)
{
	free(r->uuid);
	free(r->run_dir);
	free(r->matrix);
	free(r->matrix_name);
	memset(r, 0, sizeof(*r));
}

char **runs_stored_case_ids(sqlite3 *db, int64_t run_id, int64_t kernel_id, int boot, size_t *n)
{
	static const char sql[] =
		"SELECT c.case_id FROM cases c JOIN boots b ON c.boot_id = b.id"
		" WHERE b.run_id = ?1 AND b.kernel_id = ?2 AND b.boot_index = ?3";
	sqlite3_stmt *st;
	char **ids = NULL;

	*n = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(EXIT_DB, "cannot read stored cases: %s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int64(st, 2, kernel_id);
	sqlite3_bind_int(st, 3, boot);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = xrealloc(ids, (*n + 1) * sizeof(*ids));
		ids[(*n)++] = col_dup(st, 0);
	}
	sqlite3_finalize(st);
	return ids;
}
