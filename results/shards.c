/*
 * shards: the one query the merge step of a sharded night needs from a
 * shard's database: which case ids its complete runs stored for one source
 * and matrix (see shards.h).
 */
#include "results/shards.h"
#include "lib/util.h"

#include <stdlib.h>

long shards_stored_case_ids(sqlite3 *db, const char *label_prefix, const char *matrix_name, char ***ids)
{
	static const char sql[] =
		"SELECT DISTINCT c.case_id FROM runs r JOIN boots b ON b.run_id = r.id"
		" JOIN cases c ON c.boot_id = b.id"
		" WHERE substr(r.label, 1, length(?1)) = ?1 AND r.matrix_name = ?2 AND r.status = 'complete'"
		" ORDER BY c.case_id";
	sqlite3_stmt *st;
	long n = 0;
	int rc;

	*ids = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return error("cannot read the cases of '%s': %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, label_prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, matrix_name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xrealloc(*ids, (size_t)(n + 1) * sizeof(**ids));
		(*ids)[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	if (rc != SQLITE_DONE) {
		error("cannot read the cases of '%s': %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
		while (n > 0)
			free((*ids)[--n]);
		free(*ids);
		*ids = NULL;
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return n;
}
