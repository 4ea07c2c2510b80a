/*
 * db: opening the result database, and the statement helpers the data
 * layer's row writers share (db-helpers.h). A new file gets results/schema.sql (compiled into the binary,
 * as results/references.json is); an older one is migrated
 * forward one step at a time inside a transaction (PRAGMA user_version
 * names the step reached); a newer one, a foreign SQLite file or something
 * that is not SQLite at all is refused without touching a byte. WAL lets a
 * nightly writer and a reader share the file; the busy timeout makes a
 * locked database a wait, then a clear message, instead of an instant
 * failure. The published reference results are kept in sync with
 * results/references.json on every writable open (references.c). The row
 * writers are in rows.c, the BASE/NEW selectors in selector.c.
 */
#include "results/db.h"
#include "results/db-helpers.h"
#include "results/references.h"
#include "lib/util.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Forward migrations: entry i takes user_version i to i + 1. Version 1 is
 * the whole schema file; later steps are ALTER statements written here, so
 * an old database never needs to be recreated.
 */
struct migration {
	const char *sql;
	int rebuilds_parent;   /* rebuilds a table others reference: foreign keys off, checked before commit */
};

/* results/schema.sql, compiled in by the Makefile ($(O)/gen/): opening a
 * database never reads the repository. */
extern const char db_schema_sql[];

static const struct migration migrations[DB_SCHEMA_VERSION] = {
	{ db_schema_sql, 0 },
	/* 1 -> 2: the guest clock each boot was timed with; every
	 * older boot ran on the host's wall clock. */
	{ "ALTER TABLE boots ADD COLUMN clock TEXT NOT NULL DEFAULT 'wall'"
	  " CHECK (clock IN ('wall', 'icount'))", 0 },
	/* 2 -> 3, "console event kinds": events.kind also takes what
	 * the wider console classifier finds (harness/guest/console.c); SQLite cannot
	 * alter a CHECK, so the table is rebuilt with its rows and index. The
	 * list is results/events.c's event_kinds[] (test_events checks). */
	{ "CREATE TABLE events_v3 ("
	  " id INTEGER PRIMARY KEY,"
	  " run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,"
	  " boot_id INTEGER REFERENCES boots(id) ON DELETE CASCADE,"
	  " kernel_id INTEGER REFERENCES kernels(id),"
	  " kind TEXT NOT NULL CHECK (kind IN ('panic', 'oops', 'gpf', 'bug', 'sanitizer', 'warning',"
	  "  'rcu_stall', 'soft_lockup', 'hard_lockup', 'hung_task', 'call_trace', 'timeout', 'crash',"
	  "  'truncated', 'bad_stream', 'build_failed', 'interrupted', 'error')),"
	  " case_id TEXT, message TEXT NOT NULL, excerpt TEXT, at TEXT NOT NULL);"
	  "INSERT INTO events_v3 (id, run_id, boot_id, kernel_id, kind, case_id, message, excerpt, at)"
	  " SELECT id, run_id, boot_id, kernel_id, kind, case_id, message, excerpt, at FROM events;"
	  "DROP TABLE events;"
	  "ALTER TABLE events_v3 RENAME TO events;"
	  "CREATE INDEX events_run ON events(run_id);", 0 },
	/* 3 -> 4: the vCPUs QEMU gave each boot (-smp); NULL for older boots
	 * and imports, where nobody recorded it. */
	{ "ALTER TABLE boots ADD COLUMN vcpus INTEGER CHECK (vcpus >= 1)", 0 },
	/* 4 -> 5, "one build, one identity": a kernels row is one
	 * build (name and cache key), a name that moves gets a new row and the
	 * old build's rows stay. Version 4 rewrote a name's one row in place, so
	 * a boot that started before its row's build was made, or whose guest
	 * reported another release, ran some earlier build nobody recorded:
	 * those boots move to a row of build 'unknown', one per run and name,
	 * so they are never pooled with the build the name points at now. */
	{ "CREATE TABLE kernels_v5 ("
	  " id INTEGER PRIMARY KEY, name TEXT NOT NULL, release TEXT, source TEXT, series TEXT,"
	  " cache_key TEXT, config_hash TEXT, arch TEXT, compiler TEXT, build_seconds REAL, meta TEXT,"
	  " build TEXT NOT NULL DEFAULT 'exact' CHECK (build IN ('exact', 'unknown')),"
	  " UNIQUE (name, cache_key));"
	  "INSERT INTO kernels_v5 (id, name, release, source, series, cache_key, config_hash, arch, compiler,"
	  " build_seconds, meta) SELECT id, name, release, source, series, cache_key, config_hash, arch,"
	  " compiler, build_seconds, meta FROM kernels;"
	  "DROP TABLE kernels;"
	  "ALTER TABLE kernels_v5 RENAME TO kernels;"
	  "CREATE TEMP TABLE v5_unknown AS SELECT DISTINCT b.kernel_id AS kid, b.run_id AS rid"
	  " FROM boots b JOIN kernels k ON k.id = b.kernel_id"
	  " WHERE b.started < CASE WHEN json_valid(k.meta) THEN json_extract(k.meta, '$.built_at') END"
	  " OR b.guest_release <> k.release;"
	  "INSERT INTO kernels (name, arch, build, meta) SELECT k.name, k.arch, 'unknown',"
	  " json_object('run_id', u.rid, 'name_row', k.id) FROM temp.v5_unknown u JOIN kernels k ON k.id = u.kid;"
	  "UPDATE boots SET kernel_id = (SELECT n.id FROM kernels n WHERE n.build = 'unknown'"
	  "  AND json_extract(n.meta, '$.name_row') = boots.kernel_id AND json_extract(n.meta, '$.run_id') = boots.run_id)"
	  " WHERE (kernel_id, run_id) IN (SELECT kid, rid FROM temp.v5_unknown);"
	  "DROP TABLE temp.v5_unknown;", 1 },
};

static int busy_timeout_ms(void)
{
	const char *env = getenv("GUPBENCH_BUSY_TIMEOUT_MS");

	return env && *env ? atoi(env) : 30000;
}

const char *db_name(sqlite3 *db)
{
	const char *f = sqlite3_db_filename(db, "main");

	return f && *f ? f : ":memory:";
}

/* One line for any SQLite failure, with the fix that applies to its kind. */
int db_report(sqlite3 *db, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return error("database '%s' is locked by another process (waited %d s while trying to %s); retry when it finishes",
			     db_name(db), busy_timeout_ms() / 1000, what);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return error("database '%s' is corrupt (%s while trying to %s); run 'gupharness db check' and restore a backup",
			     db_name(db), sqlite3_errmsg(db), what);
	case SQLITE_FULL:
		return error("disk full while trying to %s in '%s'; free space and retry", what, db_name(db));
	default:
		return error("cannot %s in '%s': %s", what, db_name(db), sqlite3_errmsg(db));
	}
}

static _Noreturn void db_die(sqlite3 *db, const char *path, int rc, const char *what)
{
	int code = rc & 0xff;

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		die(EXIT_DB, "database '%s' is locked by another process (waited %d s to %s); retry when it finishes",
		    path, busy_timeout_ms() / 1000, what);
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		die(EXIT_DB, "database '%s' is corrupt (%s); it was left untouched: restore a backup or use --db with another file",
		    path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	if (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CANTOPEN || code == SQLITE_READONLY)
		die(EXIT_IO, "cannot %s database '%s': %s", what, path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	die(EXIT_DB, "cannot %s database '%s': %s", what, path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

int db_exit_status(sqlite3 *db)
{
	switch (sqlite3_errcode(db) & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return EXIT_IO;
	default:
		return EXIT_DB;
	}
}

/* Refuse to write into a file SQLite finds damaged (quick_check: O(pages), no index cross-checks). */
static void require_intact(sqlite3 *db, const char *path)
{
	sqlite3_stmt *st;
	char first[200] = "";
	int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(first, sizeof(first), "%s", (const char *)sqlite3_column_text(st, 0));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	for (char *c = first; *c; c++)
		if (*c == '\n')
			*c = ' ';     /* "*** in database main ***\nPage 8: ...": one line */
	if (rc != SQLITE_OK)
		db_die(db, path, rc, "check");
	if (strcmp(first, "ok"))
		die(EXIT_DB, "database '%s' is corrupt (quick_check: %s); nothing was written to it: run 'gupharness db check',"
		    " restore a backup or use --db with another file", path, first);
}

/* A WAL database in a directory we cannot write: read it as immutable. */
static sqlite3 *open_immutable(const char *path)
{
	char *uri = xmalloc(3 * strlen(path) + 32), *o = uri;
	sqlite3 *db = NULL;

	o += sprintf(o, "file:");
	for (const char *p = path; *p; p++)
		o += strchr("%?#", *p) ? sprintf(o, "%%%02X", (unsigned char)*p) : sprintf(o, "%c", *p);
	sprintf(o, "?immutable=1");
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		db = NULL;
	}
	free(uri);
	return db;
}

static int exec(sqlite3 *db, const char *sql, const char *what)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_report(db, rc, what);
}

int db_begin(sqlite3 *db)
{
	return exec(db, "BEGIN IMMEDIATE", "start a transaction");
}

int db_commit(sqlite3 *db)
{
	return exec(db, "COMMIT", "commit");
}

void db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/* A file that exists but is not SQLite is refused before SQLite sees it, so
 * that not even a -wal or -shm file appears next to someone else's data. */
static void check_header(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char buf[16];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		die(EXIT_IO, "cannot read database '%s': %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n == 0)
		return;         /* an empty file is a new database */
	if (n < sizeof(buf) || memcmp(buf, magic, sizeof(buf)))
		die(EXIT_DB, "'%s' is not a SQLite database (corrupt or another file); it was left untouched: move it aside or use --db",
		    path);
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* PRAGMA foreign_key_check finds nothing: SQLITE_OK, else SQLITE_CONSTRAINT. */
static int foreign_keys_intact(sqlite3 *db)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc == SQLITE_ROW ? SQLITE_CONSTRAINT : rc;
}

/*
 * One step from version `from`, under the write lock. Another writer may
 * have taken the file past `from` since it was read (two runs creating one
 * new database at once): the version read under the lock decides, and is
 * returned when this call had nothing to do. tell: say so (a file that
 * existed before; a new one is not news).
 */
static int apply_step(sqlite3 *db, const char *path, const struct migration *m, int from, int tell)
{
	char *pragma;
	int rc, now;

	if ((rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = pragma_int(db, "PRAGMA user_version", &now)) != SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		db_die(db, path, rc, "migrate");
	}
	if (now != from) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return now;
	}
	if (tell)
		note("migrating '%s' from schema version %d to %d", path, from, from + 1);
	rc = sqlite3_exec(db, m->sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK && m->rebuilds_parent)
		rc = foreign_keys_intact(db);
	if (rc == SQLITE_OK) {
		pragma = xasprintf("PRAGMA user_version = %d", from + 1);
		rc = sqlite3_exec(db, pragma, NULL, NULL, NULL);
		free(pragma);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		db_die(db, path, rc, "migrate");
	}
	return from + 1;
}

/* A step that rebuilds a referenced table runs with foreign keys off (a
 * no-op inside a transaction, so set around it) and checks them itself. */
static int apply_migration(sqlite3 *db, const char *path, int from, int tell)
{
	const struct migration *m = &migrations[from];
	int v;

	if (m->rebuilds_parent)
		sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	v = apply_step(db, path, m, from, tell);
	if (m->rebuilds_parent)
		sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return v;
}

sqlite3 *db_open(const char *path, int flags)
{
	sqlite3 *db = NULL;
	struct stat sb;
	int exists = stat(path, &sb) == 0, rc, version = 0, objects = 0, foreign = 0;
	int oflags = (flags & DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;

	if (!exists && (flags & (DB_READONLY | DB_MUST_EXIST)))
		die(EXIT_DB, "no database at '%s'; store results first with 'gupharness run' or 'gupharness db import', or pass --db",
		    path);
	if (exists) {
		if (!S_ISREG(sb.st_mode))
			die(EXIT_DB, "'%s' is not a regular file; use --db with a database file", path);
		check_header(path);
	} else {
		oflags |= SQLITE_OPEN_CREATE;
	}
	rc = sqlite3_open_v2(path, &db, oflags, NULL);
	if (rc != SQLITE_OK)
		db_die(db, path, rc, "open");
	sqlite3_busy_timeout(db, busy_timeout_ms());
	sqlite3_extended_result_codes(db, 0);
	rc = pragma_int(db, "PRAGMA user_version", &version);
	if ((rc & 0xff) == SQLITE_CANTOPEN && (flags & DB_READONLY)) {
		sqlite3 *ro = open_immutable(path);

		if (ro) {
			struct stat wal;
			char *w = xasprintf("%s-wal", path);

			if (stat(w, &wal) == 0 && wal.st_size > 0)
				warning("'%s' is read-only here: read without its write-ahead log '%s' (recent changes may be missing)",
					path, w);
			free(w);
			sqlite3_close(db);
			db = ro;
			rc = pragma_int(db, "PRAGMA user_version", &version);
		}
	}
	if (rc != SQLITE_OK)
		db_die(db, path, rc, "read the schema version of");
	if (version > DB_SCHEMA_VERSION)
		die(EXIT_DB, "database '%s' has schema version %d, newer than this gupharness understands (%d); use a newer gupharness",
		    path, version, DB_SCHEMA_VERSION);
	/* one statement, one snapshot: a writer creating the schema meanwhile
	 * (another run on a new file) sets the version in the same commit */
	if ((rc = pragma_int(db, "SELECT count(*) FROM sqlite_schema", &objects)) != SQLITE_OK ||
	    (rc = pragma_int(db, "SELECT count(*) > 0 AND (SELECT user_version FROM pragma_user_version) = 0"
				 " FROM sqlite_schema", &foreign)) != SQLITE_OK)
		db_die(db, path, rc, "read");
	if (foreign)
		die(EXIT_DB, "'%s' is a SQLite database but not a gupbench one (no schema version); it was left untouched: use --db",
		    path);
	if (flags & DB_READONLY) {
		if (version < DB_SCHEMA_VERSION)
			die(EXIT_DB, "database '%s' has schema version %d; open it once read-write to migrate it to %d",
			    path, version, DB_SCHEMA_VERSION);
		if ((rc = sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL)) != SQLITE_OK)
			db_die(db, path, rc, "configure");
		return db;
	}
	if (objects > 0)
		require_intact(db, path);
	if ((rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
			       " PRAGMA foreign_keys = ON", NULL, NULL, NULL)) != SQLITE_OK)
		db_die(db, path, rc, "configure");
	for (int v = version; v < DB_SCHEMA_VERSION;)
		v = apply_migration(db, path, v, version > 0);
	references_sync(db);
	return db;
}

void db_close(sqlite3 *db)
{
	if (db)
		sqlite3_close_v2(db);
}

const char *db_jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

void db_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK) {
		db_report(db, rc, what);
		return NULL;
	}
	return st;
}

/* Step a write statement that returns nothing; report and return -1 on error. */
int db_step_done(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_report(db, rc, what);
		return -1;
	}
	return 0;
}
