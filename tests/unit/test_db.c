/*
 * test_db: opening and the row helpers. A new file gets the schema, WAL,
 * foreign keys and the reference results; helpers are idempotent where they
 * promise to be; selectors resolve ids, labels and kernels; a newer schema,
 * a foreign SQLite file and a non-SQLite file are refused (in a child, since
 * db_open exits) and left byte-for-byte as they were.
 */
#include "results/db.h"
#include "tap.h"
#include "testdb.h"
#include "lib/util.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static sqlite3 *db;

/* Exit status of db_open(path) in a child, stderr silenced. */
static int open_status(const char *path, int flags)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();

	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(99);
		db_close(db_open(path, flags));
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void refused_untouched(const char *path, const char *what)
{
	size_t before_len, after_len;
	char *before = read_file(path, &before_len), *after;

	is_int(open_status(path, 0), EXIT_DB, "%s: refused with EXIT_DB", what);
	after = read_file(path, &after_len);
	ok(before && after && before_len == after_len && !memcmp(before, after, before_len), "%s: file untouched", what);
	free(before);
	free(after);
}

int main(void)
{
	char dir[] = "/tmp/test_db.XXXXXX";
	struct db_run_info ri = { .uuid = "11111111-2222-3333-4444-555555555555", .label = "lab" };
	struct db_selector s;
	char *path, *other;
	int64_t k1, k2, h1, h2, run;

	tap_plan(33);
	if (!mkdtemp(dir))
		return 1;
	path = xasprintf("%s/g.db", dir);
	db = db_open(path, 0);
	is_int(sql_count(db, "PRAGMA user_version"), DB_SCHEMA_VERSION, "schema version set");
	is_int(sql_count(db, "PRAGMA foreign_keys"), 1, "foreign keys on");
	ok(sql_count(db, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1, "WAL mode");
	ok(sql_count(db, "SELECT count(*) FROM reference_results") >= 4, "reference results loaded");
	is_int(sql_count(db, "SELECT count(*) FROM reference_results WHERE before_us = 13992.5 AND after_us = 378.5"
		 " AND key = '-L -m 512 -n 1024 -t'"), 1, "the seed's published figures are there");

	k1 = db_kernel_upsert(db, "linux-6.12", "{\"release\":\"6.12.57\",\"arch\":\"x86_64\",\"build_seconds\":260}");
	k2 = db_kernel_upsert(db, "linux-6.12", NULL);
	ok(k1 > 0 && k1 == k2, "kernel upsert keeps one row");
	is_int(sql_count(db, "SELECT count(*) FROM kernels WHERE release = '6.12.57' AND build_seconds = 260"), 1,
	       "metadata kept when re-upserted without it");
	ok(db_kernel_upsert(db, "bad", "[1]") == -1, "non-object metadata rejected");
	h1 = db_host_current(db, "QEMU 7.2.0");
	h2 = db_host_current(db, "QEMU 7.2.0");
	ok(h1 > 0 && h1 == h2, "host found again, not duplicated");
	ri.host_id = h1;
	run = db_run_create(db, &ri);
	ok(run > 0, "run created");
	is_int(sql_count(db, "SELECT count(*) FROM runs WHERE status = 'running' AND ended IS NULL"
		 " AND uuid = '11111111-2222-3333-4444-555555555555'"), 1, "run running with its uuid");
	ok(db_run_set_status(db, run, "complete") == 0, "status set");
	is_int(sql_count(db, "SELECT count(*) FROM runs WHERE status = 'complete' AND ended IS NOT NULL"), 1, "ended stamped");
	ok(db_run_set_status(db, run, "bogus") == -1, "unknown status refused by the schema");
	ok(db_run_set_status(db, 999, "complete") == -1, "unknown run refused");
	ok(db_event_add(db, run, 0, k1, "panic", "c1", "Kernel panic", "excerpt") == 0, "event stored");
	ok(db_event_add(db, run, 0, 0, "sneeze", NULL, "x", NULL) == -1, "unknown event kind refused");
	ri.uuid = NULL;
	ri.label = NULL;
	ok(db_run_create(db, &ri) > run, "second run with a generated uuid");
	is_int(sql_count(db, "SELECT count(DISTINCT uuid) FROM runs WHERE length(uuid) = 36"), 2, "generated uuid is a uuid");

	/* Selectors need boots to describe, but resolve on names alone. */
	ok(db_resolve_selector(db, "#1", &s) == 0 && s.kind == 2, "'#1' is a run id");
	db_selector_free(&s);
	ok(db_resolve_selector(db, "1", &s) == 0 && s.kind == 2, "'1' is a run id");
	db_selector_free(&s);
	ok(db_resolve_selector(db, "lab", &s) == 0 && s.kind == 1, "'lab' is a label");
	db_selector_free(&s);
	ok(db_resolve_selector(db, "linux-6.12", &s) == 0 && s.kind == 0, "'linux-6.12' is a kernel");
	db_selector_free(&s);
	ok(db_resolve_selector(db, "#99", &s) == -1, "unknown run id rejected");
	ok(db_resolve_selector(db, "linux-5.0", &s) == -1, "unknown name rejected");
	db_close(db);

	db = db_open(path, DB_READONLY);
	is_int(sql_count(db, "SELECT count(*) FROM kernels"), 1, "reopened read-only, rows kept");
	db_close(db);

	/* A newer schema. */
	other = xasprintf("%s/newer.db", dir);
	sqlite3_open(other, &db);
	sqlite3_exec(db, "CREATE TABLE t (x); PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	refused_untouched(other, "newer schema");
	free(other);
	/* A SQLite file that is not ours. */
	other = xasprintf("%s/foreign.db", dir);
	sqlite3_open(other, &db);
	sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL);
	sqlite3_close(db);
	refused_untouched(other, "foreign SQLite file");
	free(other);
	/* Not SQLite at all. */
	other = xasprintf("%s/junk.db", dir);
	write_file_atomic(other, "this is not a database, it is a grocery list\n", 46);
	refused_untouched(other, "non-SQLite file");
	is_int(open_status("/nonexistent/x.db", DB_MUST_EXIST), EXIT_DB, "missing file with DB_MUST_EXIST");
	free(other);

	remove_tree(dir);
	free(path);
	return tap_done();
}
