/*
 * housekeeping: listing, export, merge and checks of a result database
 * (see housekeeping.h). Each merge step and each check is one row of a table.
 */
#include "results/housekeeping.h"
#include "results/db.h"
#include "results/ingest.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const list_sql[] = {
	[DB_LIST_RUNS] =
		"SELECT '#' || r.id AS run, coalesce(r.label, '-') AS label, r.status, r.started,"
		" coalesce(r.accel, '-') AS accel,"
		" (SELECT group_concat(DISTINCT k.name) FROM boots b JOIN kernels k ON k.id = b.kernel_id"
		"  WHERE b.run_id = r.id) AS kernels,"
		" (SELECT count(*) FROM boots b WHERE b.run_id = r.id) AS boots,"
		" (SELECT count(*) FROM cases c JOIN boots b ON b.id = c.boot_id WHERE b.run_id = r.id) AS cases,"
		" r.run_dir AS run_dir"
		" FROM runs r ORDER BY r.id",
	[DB_LIST_KERNELS] =
		"SELECT k.name AS kernel, coalesce(k.release, '-') AS release, coalesce(k.series, '-') AS series,"
		" (SELECT count(DISTINCT b.run_id) FROM boots b WHERE b.kernel_id = k.id) AS runs,"
		" coalesce(substr(k.source, 1, instr(k.source, '-') + 12), '-') AS source,"
		" coalesce(substr(k.config_hash, 1, 12), '-') AS config, coalesce(k.arch, '-') AS arch,"
		" coalesce(k.compiler, '-') AS compiler,"
		" CASE k.build WHEN 'unknown' THEN 'unknown (recorded before schema 5)'"
		"  ELSE coalesce(substr(k.cache_key, 1, 12), '-') END AS build"
		" FROM kernels k ORDER BY k.name, k.id",
};

/* The statement's current row as cells (text valid until the next step). */
static void row_cells(sqlite3_stmt *st, struct db_cell *cells, int ncols)
{
	static const enum db_cell_kind kinds[] = {
		[SQLITE_INTEGER] = DB_CELL_INT, [SQLITE_FLOAT] = DB_CELL_REAL, [SQLITE_TEXT] = DB_CELL_TEXT,
		[SQLITE_BLOB] = DB_CELL_TEXT, [SQLITE_NULL] = DB_CELL_NULL,
	};

	for (int c = 0; c < ncols; c++) {
		struct db_cell *x = &cells[c];

		x->kind = kinds[sqlite3_column_type(st, c)];
		x->i = x->kind == DB_CELL_INT ? sqlite3_column_int64(st, c) : 0;
		x->d = x->kind == DB_CELL_REAL ? sqlite3_column_double(st, c) : 0;
		x->text = (const char *)sqlite3_column_text(st, c);
	}
}

/* Header call, then every row. The row count, or -1 (error printed). */
static long each_row(sqlite3 *db, sqlite3_stmt *st, const char *what, db_row_fn fn, void *arg)
{
	int ncols = sqlite3_column_count(st);
	const char **names = xcalloc((size_t)ncols + 1, sizeof(*names));
	struct db_cell *cells = xcalloc((size_t)ncols + 1, sizeof(*cells));
	struct db_row row = { ncols, names, NULL };
	long n = 0;
	int rc;

	for (int c = 0; c < ncols; c++)
		names[c] = sqlite3_column_name(st, c);
	fn(&row, -1, arg);
	row.cells = cells;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_cells(st, cells, ncols);
		fn(&row, n++, arg);
	}
	if (rc != SQLITE_DONE) {
		error("%s '%s' stopped: %s", what, sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	free(names);
	free(cells);
	return n;
}

int db_list(sqlite3 *db, enum db_listing which, db_row_fn fn, void *arg)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, list_sql[which], -1, &st, NULL) != SQLITE_OK)
		return error("cannot list '%s': %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	return each_row(db, st, "listing", fn, arg) < 0 ? -1 : 0;
}

static const char export_sql[] =
	"SELECT r.id AS run_id, r.uuid AS run_uuid, r.label, k.name AS kernel, b.id AS boot_id,"
	" b.boot_index, c.case_id, c.key, c.cmd, c.status, s.idx, s.get_us, s.put_us, s.truncated, s.warmup"
	" FROM samples s JOIN cases c ON c.id = s.case_id JOIN boots b ON b.id = c.boot_id"
	" JOIN runs r ON r.id = b.run_id JOIN kernels k ON k.id = b.kernel_id"
	" WHERE (?1 IS NULL OR k.name = ?1) AND (?2 IS NULL OR r.id = CAST(ltrim(?2, '#') AS INTEGER))"
	" AND (?3 IS NULL OR c.key = ?3 OR c.case_id = ?3)"
	" ORDER BY r.id, b.id, c.id, s.idx";

long db_export_samples(sqlite3 *db, const char *kernel, const char *run, const char *kase,
		       db_row_fn fn, void *arg)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, export_sql, -1, &st, NULL) != SQLITE_OK) {
		error("cannot export from '%s': %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, kernel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, run, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kase, -1, SQLITE_STATIC);
	return each_row(db, st, "export from", fn, arg);
}

/* other's kernels row k is main's mk: one name, one build (a row of unknown
 * build is one run's, told by its metadata) */
#define SAME_BUILD "mk.name = k.name AND mk.cache_key IS k.cache_key AND mk.build = k.build" \
		   " AND (k.build = 'exact' OR mk.meta IS k.meta)"

/*
 * Merge steps, in dependency order. Identity across machines: kernels by
 * name and build, hosts by (hostname, cpu, qemu), runs by uuid, boots by stream_sha,
 * cases by (boot, case_id). merge_boots/merge_runs hold what is new.
 */
static const struct merge_step {
	const char *what;        /* counted in the summary when non-NULL */
	const char *sql;
} merge_steps[] = {
	{ NULL, "CREATE TEMP TABLE merge_runs AS SELECT uuid FROM other.runs"
		" WHERE uuid NOT IN (SELECT uuid FROM main.runs)" },
	{ NULL, "CREATE TEMP TABLE merge_boots AS SELECT id AS old_id, stream_sha FROM other.boots"
		" WHERE stream_sha NOT IN (SELECT stream_sha FROM main.boots)" },
	{ "kernels", "INSERT INTO main.kernels (name, release, source, series, cache_key, config_hash, arch,"
		" compiler, build_seconds, meta, build) SELECT name, release, source, series, cache_key, config_hash,"
		" arch, compiler, build_seconds, meta, build FROM other.kernels k WHERE NOT EXISTS"
		" (SELECT 1 FROM main.kernels mk WHERE " SAME_BUILD ")" },
	{ "hosts", "INSERT INTO main.hosts (hostname, cpu_model, ncpus, qemu_version)"
		" SELECT hostname, cpu_model, ncpus, qemu_version FROM other.hosts WHERE true"
		" ON CONFLICT (hostname, cpu_model, qemu_version) DO NOTHING" },
	{ "runs", "INSERT INTO main.runs (uuid, label, host_id, started, ended, status, matrix_name, matrix,"
		" tool_version, cmdline, run_dir, accel, noise)"
		" SELECT r.uuid, r.label, (SELECT mh.id FROM main.hosts mh WHERE mh.hostname = h.hostname"
		"  AND mh.cpu_model = h.cpu_model AND mh.qemu_version = h.qemu_version),"
		" r.started, r.ended, r.status, r.matrix_name, r.matrix, r.tool_version, r.cmdline, r.run_dir,"
		" r.accel, r.noise FROM other.runs r LEFT JOIN other.hosts h ON h.id = r.host_id"
		" WHERE r.uuid IN (SELECT uuid FROM temp.merge_runs) ORDER BY r.id" },
	{ "boots", "INSERT INTO main.boots (run_id, kernel_id, boot_index, stream_sha, accel, started, ended,"
		" status, guest_release, guest_cmdline, guest_env, clock, vcpus)"
		" SELECT (SELECT mr.id FROM main.runs mr JOIN other.runs r ON r.uuid = mr.uuid WHERE r.id = b.run_id),"
		" (SELECT mk.id FROM main.kernels mk JOIN other.kernels k ON " SAME_BUILD " WHERE k.id = b.kernel_id),"
		" b.boot_index, b.stream_sha, b.accel, b.started, b.ended, b.status, b.guest_release,"
		" b.guest_cmdline, b.guest_env, b.clock, b.vcpus FROM other.boots b JOIN temp.merge_boots mb ON mb.old_id = b.id"
		" ORDER BY b.id" },
	{ "cases", "INSERT INTO main.cases (boot_id, case_id, key, cmd, size_mb, nr_pages, thp, hugetlb_kb,"
		" write, shared, numa_node, threads, file, repeats, warmup, status, reason, argv, params)"
		" SELECT nb.id, c.case_id, c.key, c.cmd, c.size_mb, c.nr_pages, c.thp, c.hugetlb_kb, c.write,"
		" c.shared, c.numa_node, c.threads, c.file, c.repeats, c.warmup, c.status, c.reason, c.argv,"
		" c.params FROM other.cases c JOIN temp.merge_boots mb ON mb.old_id = c.boot_id"
		" JOIN main.boots nb ON nb.stream_sha = mb.stream_sha ORDER BY c.id" },
	{ "samples", "INSERT INTO main.samples (case_id, idx, get_us, put_us, truncated, warmup)"
		" SELECT nc.id, s.idx, s.get_us, s.put_us, s.truncated, s.warmup FROM other.samples s"
		" JOIN other.cases c ON c.id = s.case_id JOIN temp.merge_boots mb ON mb.old_id = c.boot_id"
		" JOIN main.boots nb ON nb.stream_sha = mb.stream_sha"
		" JOIN main.cases nc ON nc.boot_id = nb.id AND nc.case_id = c.case_id" },
	{ "events", "INSERT INTO main.events (run_id, boot_id, kernel_id, kind, case_id, message, excerpt, at)"
		" SELECT (SELECT mr.id FROM main.runs mr JOIN other.runs r ON r.uuid = mr.uuid WHERE r.id = e.run_id),"
		" (SELECT nb.id FROM main.boots nb JOIN other.boots b ON b.stream_sha = nb.stream_sha WHERE b.id = e.boot_id),"
		" (SELECT mk.id FROM main.kernels mk JOIN other.kernels k ON " SAME_BUILD " WHERE k.id = e.kernel_id),"
		" e.kind, e.case_id, e.message, e.excerpt, e.at FROM other.events e"
		" LEFT JOIN other.runs r ON r.id = e.run_id"
		" WHERE (e.run_id IS NOT NULL AND r.uuid IN (SELECT uuid FROM temp.merge_runs))"
		" OR (e.run_id IS NULL AND NOT EXISTS (SELECT 1 FROM main.events me WHERE me.run_id IS NULL"
		"  AND me.kind = e.kind AND me.message = e.message AND me.at = e.at))" },
	{ NULL, "DROP TABLE temp.merge_runs" },
	{ NULL, "DROP TABLE temp.merge_boots" },
};

static int attach(sqlite3 *db, const char *other)
{
	sqlite3_stmt *st;
	int ok;

	if (sqlite3_prepare_v2(db, "ATTACH ?1 AS other", -1, &st, NULL) != SQLITE_OK)
		return error("cannot attach '%s': %s", other, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, other, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	if (!ok)
		error("cannot attach '%s': %s", other, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

int db_merge_file(sqlite3 *db, const char *other, char *summary, size_t len)
{
	sqlite3_stmt *st = NULL;
	size_t off = 0;

	summary[0] = '\0';
	if (attach(db, other) || db_begin(db))
		return -1;
	for (size_t i = 0; i < sizeof(merge_steps) / sizeof(merge_steps[0]); i++) {
		const struct merge_step *m = &merge_steps[i];

		if (sqlite3_prepare_v2(db, m->sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
			error("merge of '%s' failed at %s, nothing changed: %s", other, m->what ? m->what : "setup",
			      sqlite3_errmsg(db));
			sqlite3_finalize(st);
			db_rollback(db);
			return -1;
		}
		sqlite3_finalize(st);
		if (m->what && off < len)
			off += (size_t)snprintf(summary + off, len - off, "%s%d %s", off ? ", " : "",
						sqlite3_changes(db), m->what);
	}
	if (db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* Each check prints what it finds; a row from a fatal one is a failure, the
 * others are warnings (a boot without cases, a run a crashed harness left
 * 'running'). */
static const struct db_check {
	const char *what, *sql, *ok_row;
	int fatal;
} db_checks[] = {
	{ "integrity", "PRAGMA integrity_check", "ok", 1 },
	{ "foreign keys", "SELECT \"table\" || ' row ' || rowid || ' -> ' || parent FROM pragma_foreign_key_check", NULL, 1 },
	{ "boot without cases", "SELECT 'boot #' || b.id || ' (' || b.status || ')' FROM boots b"
	  " WHERE b.status = 'complete' AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.boot_id = b.id)", NULL, 0 },
	/* a boot ran the build its kernels row records: same release, and
	 * never before that build existed (schema 4 rewrote a name's row) */
	{ "boot vs its kernel row", "SELECT 'run #' || b.run_id || ' boot #' || b.id || ' on ' || k.name || ' (kernel row #'"
	  " || k.id || '): ' || CASE WHEN b.guest_release <> k.release THEN 'guest ran ' || b.guest_release"
	  " || ', the row records ' || k.release ELSE 'started ' || b.started || ', before its build ('"
	  " || json_extract(k.meta, '$.built_at') || ')' END FROM boots b JOIN kernels k ON k.id = b.kernel_id"
	  " WHERE k.build = 'exact' AND (b.guest_release <> k.release OR b.started <"
	  " CASE WHEN json_valid(k.meta) THEN json_extract(k.meta, '$.built_at') END)", NULL, 1 },
	{ "run still running", "SELECT 'run #' || id || ' started ' || started FROM runs WHERE status = 'running'", NULL, 0 },
};

/* One check: its findings through report. How many, or -1 when it could not run. */
static int run_check(sqlite3 *db, const struct db_check *c,
		     void (*report)(const char *what, const char *finding, void *arg), void *arg)
{
	sqlite3_stmt *st;
	int found = 0, rc;
	char *why;

	if (sqlite3_prepare_v2(db, c->sql, -1, &st, NULL) != SQLITE_OK) {
		why = xasprintf("cannot check: %s", sqlite3_errmsg(db));
		report(c->what, why, arg);
		free(why);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		if (c->ok_row && t && !strcmp(t, c->ok_row))
			continue;
		report(c->what, t ? t : "?", arg);
		found++;
	}
	if (rc != SQLITE_DONE) {
		report(c->what, sqlite3_errmsg(db), arg);
		found++;
	}
	sqlite3_finalize(st);
	if (!found)
		report(c->what, NULL, arg);
	return found;
}

int db_check_all(sqlite3 *db, void (*report)(const char *what, const char *finding, void *arg), void *arg)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(db_checks) / sizeof(db_checks[0]); i++) {
		int found = run_check(db, &db_checks[i], report, arg);

		if (found < 0)
			bad++;
		else if (db_checks[i].fatal)
			bad += found;
	}
	return bad;
}

static const char *const hint_sql[] = {
	[DB_HINT_KERNELS] =
		"SELECT k.name || ' (runs: ' || count(DISTINCT b.run_id) || ')' FROM kernels k"
		" JOIN boots b ON b.kernel_id = k.id GROUP BY k.id ORDER BY k.name",
	[DB_HINT_CASE_KEYS] =
		"SELECT key || CASE WHEN sum(status = 'ok') > 0 THEN '' ELSE ' (skipped or failed)' END"
		" FROM cases GROUP BY key ORDER BY key LIMIT 40",
};

char *db_hint(sqlite3 *db, enum db_hint which)
{
	sqlite3_stmt *st;
	size_t len = 0;
	char *line = NULL;
	FILE *m;
	int n = 0;

	if (sqlite3_prepare_v2(db, hint_sql[which], -1, &st, NULL) != SQLITE_OK)
		return NULL;
	m = open_memstream(&line, &len);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(m, "%s'%s'", n++ ? ", " : "", (const char *)sqlite3_column_text(st, 0));
	fclose(m);
	sqlite3_finalize(st);
	if (!n) {
		free(line);
		line = NULL;
	}
	return line;
}

int db_import_stream(sqlite3 *db, const struct db_import *im, const char *buf, size_t len, int64_t *run_id,
		     int64_t *kernel_id, struct ingest_result *res)
{
	struct db_run_info ri;
	struct ingest_ctx ctx;
	int64_t hid, rid;
	int ret;

	/* One transaction: a duplicate or a bad stream leaves no run row behind. */
	if (db_begin(db))
		return db_exit_status(db);
	*kernel_id = db_kernel_upsert(db, im->kernel, NULL);
	hid = db_host_current(db, "");
	ri = (struct db_run_info){ .label = im->label, .cmdline = im->cmdline, .run_dir = im->path,
				   .accel = "imported", .host_id = hid };
	rid = *kernel_id > 0 && hid > 0 ? db_run_create(db, &ri) : -1;
	if (rid <= 0) {
		ret = db_exit_status(db);
		db_rollback(db);
		return ret;
	}
	ctx = (struct ingest_ctx){ .run_id = rid, .kernel_id = *kernel_id, .accel = "imported", .clock = im->clock };
	if (ingest_stream(db, &ctx, buf, len, 0, res)) {
		/* The stream's fault is bad input (2); the database's is 7, the disk's 8. */
		ret = res->sql_rc ? db_exit_status(db) : EXIT_USAGE;
		db_rollback(db);
		if (res->sql_rc)
			error("cannot store '%s' in '%s', nothing stored: %s", im->path, im->db_path, res->err);
		else
			error("'%s' rejected, nothing stored: %s", im->path, res->err);
		return ret;
	}
	if (res->duplicate) {
		db_rollback(db);
		return EXIT_OK;
	}
	if (db_run_set_status(db, rid, res->have_end ? "complete" : "incomplete") || db_commit(db)) {
		ret = db_exit_status(db);
		db_rollback(db);
		ingest_result_free(res);
		return ret;
	}
	*run_id = rid;
	return EXIT_OK;
}
