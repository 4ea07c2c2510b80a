/* long file: split pending: open and migrate, reference sync, row writers, the cpuinfo reader, selectors (docs/architecture.md) */
/*
 * db: opening the result database and the few row helpers several commands
 * share. A new file gets results/schema.sql (compiled into the binary,
 * as results/references.json is); an older one is migrated
 * forward one step at a time inside a transaction (PRAGMA user_version
 * names the step reached); a newer one, a foreign SQLite file or something
 * that is not SQLite at all is refused without touching a byte. WAL lets a
 * nightly writer and a reader share the file; the busy timeout makes a
 * locked database a wait, then a clear message, instead of an instant
 * failure. The published reference results are kept in sync with
 * results/references.json on every writable open.
 */
#include "results/db.h"
#include "lib/util.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef GUPBENCH_VERSION
#define GUPBENCH_VERSION "unknown"
#endif

/*
 * Forward migrations: entry i takes user_version i to i + 1. Version 1 is
 * the whole schema file; later steps are ALTER statements written here, so
 * an old database never needs to be recreated.
 */
struct migration {
	const char *sql;
	int rebuilds_parent;   /* rebuilds a table others reference: foreign keys off, checked before commit */
};

/* results/schema.sql and results/references.json, compiled in by the
 * Makefile ($(O)/gen/): opening a database never reads the repository. */
extern const char db_schema_sql[], db_references_json[];

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

static const char *db_name(sqlite3 *db)
{
	const char *f = sqlite3_db_filename(db, "main");

	return f && *f ? f : ":memory:";
}

/* One line for any SQLite failure, with the fix that applies to its kind. */
static int db_report(sqlite3 *db, int rc, const char *what)
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

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* One reference entry's fields as the probe's and the upsert's ?1..?11. */
static void bind_reference(sqlite3_stmt *st, json_t *e)
{
	json_t *yr = json_object_get(e, "year");
	const char *metric = jstr(e, "metric");

	sqlite3_reset(st);
	bind_text_or_null(st, 1, jstr(e, "series"));
	bind_text_or_null(st, 2, jstr(e, "command"));
	bind_text_or_null(st, 3, jstr(e, "key"));
	bind_text_or_null(st, 4, metric ? metric : "get");
	sqlite3_bind_double(st, 5, json_number_value(json_object_get(e, "before_us")));
	sqlite3_bind_double(st, 6, json_number_value(json_object_get(e, "after_us")));
	bind_text_or_null(st, 7, jstr(e, "author"));
	if (json_is_integer(yr))
		sqlite3_bind_int64(st, 8, json_integer_value(yr));
	else
		sqlite3_bind_null(st, 8);
	bind_text_or_null(st, 9, jstr(e, "merged_in"));
	bind_text_or_null(st, 10, jstr(e, "environment"));
	bind_text_or_null(st, 11, jstr(e, "link"));
}

/*
 * Upsert results/references.json when the table differs from it; a plain
 * open that changes nothing takes no write lock.
 */
static void sync_references(sqlite3 *db)
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

			if (!jstr(e, "series") || !jstr(e, "command") ||
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
	sync_references(db);
	return db;
}

void db_close(sqlite3 *db)
{
	if (db)
		sqlite3_close_v2(db);
}

/* Step a write statement that returns nothing; report and return -1 on error. */
static int step_done(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_report(db, rc, what);
		return -1;
	}
	return 0;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql, const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK) {
		db_report(db, rc, what);
		return NULL;
	}
	return st;
}

/*
 * The kernel cache's meta.json (kbuild.c) describes the source and the series
 * as objects: the column gets the source's identity ("id": a content hash or
 * a commit), or the series' name with the start of its sha256 over every
 * patch, so two series of the same name read differently. Plain strings (a
 * hand-written entry) are stored as they are.
 */
static void bind_provenance(sqlite3_stmt *st, int i, json_t *v, const char *field)
{
	const char *name = jstr(v, field), *sha = jstr(v, "sha256");

	if (json_is_string(v))
		sqlite3_bind_text(st, i, json_string_value(v), -1, SQLITE_TRANSIENT);
	else if (name && sha && strlen(sha) >= 12)
		sqlite3_bind_text(st, i, xasprintf("%s@%.12s", name, sha), -1, free);
	else
		bind_text_or_null(st, i, name);
}

char *db_kernel_name(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *st;
	char *name = NULL;

	if (sqlite3_prepare_v2(db, "SELECT name FROM kernels WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		name = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return name;
}

int64_t db_kernel_upsert(sqlite3 *db, const char *name, const char *meta_json)
{
	/* one row per (name, build): an existing row is never rewritten, so the
	 * boots already pointing at it keep the build they ran */
	static const char sql[] =
		"INSERT INTO kernels (name, release, source, series, cache_key, config_hash, arch,"
		" compiler, build_seconds, meta) SELECT ?1,?2,?3,?4,?5,?6,?7,?8,?9,?10"
		" WHERE NOT EXISTS (SELECT 1 FROM kernels WHERE name = ?1 AND cache_key IS ?5 AND build = 'exact')";
	json_t *meta = NULL, *bs;
	sqlite3_stmt *st;
	int64_t id = -1;

	if (meta_json) {
		json_error_t jerr;

		meta = json_loads(meta_json, 0, &jerr);
		if (!json_is_object(meta)) {
			error("kernel '%s': metadata is not a JSON object (%s); rebuild the kernel entry", name,
			      jerr.text);
			json_decref(meta);
			return -1;
		}
	}
	if (!(st = prepare(db, sql, "store a kernel")))
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	bind_text_or_null(st, 2, jstr(meta, "release"));
	bind_provenance(st, 3, json_object_get(meta, "source"), "id");
	bind_provenance(st, 4, json_object_get(meta, "series"), "name");
	bind_text_or_null(st, 5, jstr(meta, "cache_key") ? jstr(meta, "cache_key") : jstr(meta, "key"));
	bind_text_or_null(st, 6, jstr(meta, "config_sha256") ? jstr(meta, "config_sha256") : jstr(meta, "config_hash"));
	bind_text_or_null(st, 7, jstr(meta, "arch"));
	bind_text_or_null(st, 8, jstr(meta, "compiler"));
	bs = json_object_get(meta, "build_seconds");
	if (json_is_number(bs))
		sqlite3_bind_double(st, 9, json_number_value(bs));
	else
		sqlite3_bind_null(st, 9);
	bind_text_or_null(st, 10, meta_json);
	if (step_done(db, st, "store a kernel") == 0) {
		sqlite3_finalize(st);
		st = prepare(db, "SELECT id FROM kernels WHERE name = ?1 AND cache_key IS ?2 AND build = 'exact'",
			     "store a kernel");
		if (st) {
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			bind_text_or_null(st, 2, jstr(meta, "cache_key") ? jstr(meta, "cache_key") : jstr(meta, "key"));
			if (sqlite3_step(st) == SQLITE_ROW)
				id = sqlite3_column_int64(st, 0);
			else
				db_report(db, sqlite3_errcode(db), "store a kernel");
		}
	}
	sqlite3_finalize(st);
out:
	json_decref(meta);
	return id;
}

/* The CPU model as /proc/cpuinfo names it on x86 ("model name") or arm64. */
static char *cpu_model(void)
{
	static const char *const keys[] = { "model name", "Hardware", "CPU part", "cpu model" };
	char *text = read_file("/proc/cpuinfo", NULL), *found = NULL;

	if (!text)
		return xstrdup("unknown");
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && !found; k++) {
		for (char *line = text; line && *line && !found;) {
			char *nl = strchr(line, '\n'), *colon;

			if (nl)
				*nl = '\0';
			colon = strchr(line, ':');
			if (!strncmp(line, keys[k], strlen(keys[k])) && colon) {
				colon++;
				while (*colon == ' ' || *colon == '\t')
					colon++;
				found = xstrdup(colon);
			}
			if (nl)
				*nl = '\n';
			line = nl ? nl + 1 : NULL;
		}
	}
	free(text);
	return found ? found : xstrdup("unknown");
}

int64_t db_host_current(sqlite3 *db, const char *qemu_version)
{
	static const char sql[] =
		"INSERT INTO hosts (hostname, cpu_model, ncpus, qemu_version) VALUES (?1,?2,?3,?4)"
		" ON CONFLICT (hostname, cpu_model, qemu_version) DO UPDATE SET ncpus = ?3"
		" RETURNING id";
	char host[256] = "unknown";
	char *model = cpu_model();
	sqlite3_stmt *st;
	int64_t id = -1;

	if (gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "unknown");
	if ((st = prepare(db, sql, "store the host"))) {
		sqlite3_bind_text(st, 1, host, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, model, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, sysconf(_SC_NPROCESSORS_ONLN));
		sqlite3_bind_text(st, 4, qemu_version ? qemu_version : "", -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		else
			db_report(db, sqlite3_errcode(db), "store the host");
		sqlite3_finalize(st);
	}
	free(model);
	return id;
}

int64_t db_run_create(sqlite3 *db, const struct db_run_info *info)
{
	static const char sql[] =
		"INSERT INTO runs (uuid, label, host_id, started, status, matrix_name, matrix,"
		" tool_version, cmdline, run_dir, accel, noise)"
		" VALUES (?1,?2,?3,?4,'running',?5,?6,?7,?8,?9,?10,?11)";
	char uuid[37], now[32];
	sqlite3_stmt *st = prepare(db, sql, "create a run");
	int64_t id = -1;

	if (!st)
		return -1;
	if (info->uuid)
		snprintf(uuid, sizeof(uuid), "%s", info->uuid);
	else
		uuid_v4(uuid);
	iso8601_now(now);
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	bind_text_or_null(st, 2, info->label);
	if (info->host_id > 0)
		sqlite3_bind_int64(st, 3, info->host_id);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	bind_text_or_null(st, 5, info->matrix_name);
	bind_text_or_null(st, 6, info->matrix_json);
	sqlite3_bind_text(st, 7, GUPBENCH_VERSION, -1, SQLITE_STATIC);
	bind_text_or_null(st, 8, info->cmdline);
	bind_text_or_null(st, 9, info->run_dir);
	bind_text_or_null(st, 10, info->accel);
	bind_text_or_null(st, 11, info->noise_json);
	if (!step_done(db, st, "create a run"))
		id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	return id;
}

int db_run_set_status(sqlite3 *db, int64_t run_id, const char *status)
{
	static const char sql[] =
		"UPDATE runs SET status = ?2, ended = CASE WHEN ?2 = 'running' THEN NULL ELSE ?3 END"
		" WHERE id = ?1";
	char now[32];
	sqlite3_stmt *st = prepare(db, sql, "update a run");
	int ret;

	if (!st)
		return -1;
	iso8601_now(now);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	ret = step_done(db, st, "update a run");
	if (!ret && sqlite3_changes(db) != 1)
		ret = error("run #%lld is not in '%s'; cannot set its status", (long long)run_id, db_name(db));
	sqlite3_finalize(st);
	return ret;
}

static void bind_id_or_null(sqlite3_stmt *st, int i, int64_t id)
{
	if (id > 0)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

int db_event_add(sqlite3 *db, int64_t run_id, int64_t boot_id, int64_t kernel_id,
		 const char *kind, const char *case_id, const char *message, const char *excerpt)
{
	static const char sql[] =
		"INSERT INTO events (run_id, boot_id, kernel_id, kind, case_id, message, excerpt, at)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8)";
	char now[32];
	sqlite3_stmt *st = prepare(db, sql, "record an event");
	int ret;

	if (!st)
		return -1;
	iso8601_now(now);
	bind_id_or_null(st, 1, run_id);
	bind_id_or_null(st, 2, boot_id);
	bind_id_or_null(st, 3, kernel_id);
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	bind_text_or_null(st, 5, case_id);
	sqlite3_bind_text(st, 6, message ? message : "", -1, SQLITE_STATIC);
	bind_text_or_null(st, 7, excerpt);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	ret = step_done(db, st, "record an event");
	sqlite3_finalize(st);
	return ret;
}

/* Count rows for a selector's description; -1 on error. */
static long long count_of(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = prepare(db, sql, "resolve a name");
	long long n = -1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

#define NAME_BUILD_SQL "SELECT max(k.id) FROM kernels k WHERE k.name = ?1" \
		       " AND EXISTS (SELECT 1 FROM boots x WHERE x.kernel_id = k.id)"

#define NAME_BUILDS_SQL "SELECT count(DISTINCT b.kernel_id) FROM boots b JOIN kernels k ON k.id = b.kernel_id" \
			" WHERE k.name = ?1"

/* The ways a BASE/NEW word can name boots, tried in this order. */
static const struct selector_kind {
	int kind;
	const char *what;
	const char *exists_sql;   /* > 0 when the word names one of these */
	const char *runs_sql;     /* how many runs it covers, for the description */
	const char *boots_sql;
} selector_kinds[] = {
	{ 2, "run",
	  "SELECT count(*) FROM runs WHERE ?1 GLOB '[0-9]*' AND ?1 NOT GLOB '*[^0-9]*' AND id = CAST(?1 AS INTEGER)",
	  "SELECT 1",
	  "SELECT b.id FROM boots b WHERE b.run_id = CAST(?1 AS INTEGER)" },
	{ 1, "label",
	  "SELECT count(*) FROM runs WHERE label = ?1",
	  "SELECT count(*) FROM runs WHERE label = ?1",
	  "SELECT b.id FROM boots b JOIN runs r ON r.id = b.run_id WHERE r.label = ?1" },
	/* a kernel name is the build it points at last: the newest row of that
	 * name that has boots (a name that moved never pools two builds) */
	{ 0, "kernel",
	  "SELECT count(*) FROM kernels WHERE name = ?1",
	  "SELECT count(DISTINCT b.run_id) FROM boots b WHERE b.kernel_id = (" NAME_BUILD_SQL ")",
	  "SELECT b.id FROM boots b WHERE b.kernel_id = (" NAME_BUILD_SQL ")" },
};

static void list_known(sqlite3 *db, const char *sql, const char *title)
{
	sqlite3_stmt *st = prepare(db, sql, "list known names");
	char *line = NULL;
	size_t len = 0;
	FILE *m;

	if (!st)
		return;
	m = open_memstream(&line, &len);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(m, "%s'%s'", ftell(m) ? ", " : "", (const char *)sqlite3_column_text(st, 0));
	fclose(m);
	sqlite3_finalize(st);
	fprintf(stderr, "hint: known %s: %s\n", title, len ? line : "(none)");
	free(line);
}

int db_resolve_selector(sqlite3 *db, const char *arg, struct db_selector *out)
{
	const char *text = arg[0] == '#' ? arg + 1 : arg;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(selector_kinds) / sizeof(selector_kinds[0]); i++) {
		const struct selector_kind *k = &selector_kinds[i];
		long long found, runs;

		/* "#12" can only be a run id. */
		if (arg[0] == '#' && k->kind != 2)
			continue;
		found = count_of(db, k->exists_sql, text);
		if (found < 0)
			return -1;
		if (found == 0)
			continue;
		runs = count_of(db, k->runs_sql, text);
		out->kind = k->kind;
		out->text = xstrdup(text);
		out->sql = xstrdup(k->boots_sql);
		if (k->kind == 2)
			out->describe = xasprintf("run #%s", text);
		else
			out->describe = xasprintf("%s '%s' (%lld run%s%s)", k->what, text, runs, runs == 1 ? "" : "s",
						  k->kind == 0 && count_of(db, NAME_BUILDS_SQL, text) > 1
						  ? " of its latest build; earlier builds under that name are left out" : "");
		return 0;
	}
	error("'%s' names no run id, run label or kernel in '%s'", arg, db_name(db));
	list_known(db, "SELECT name FROM kernels ORDER BY name", "kernels");
	list_known(db, "SELECT DISTINCT label FROM runs WHERE label IS NOT NULL ORDER BY label", "labels");
	list_known(db, "SELECT '#' || id FROM runs ORDER BY id DESC LIMIT 20", "runs (latest 20)");
	return -1;
}

void db_selector_free(struct db_selector *s)
{
	free(s->sql);
	free(s->text);
	free(s->describe);
	memset(s, 0, sizeof(*s));
}
