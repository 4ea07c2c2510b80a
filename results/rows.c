/*
 * rows: the kernels, hosts, runs and events rows several commands write
 * (see db.h): a kernel row per build from the kernel cache's meta.json, the
 * current host, a run and its status, an event.
 */
#include "results/db.h"
#include "results/db-helpers.h"
#include "lib/cpuinfo.h"
#include "lib/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef GUPBENCH_VERSION
#define GUPBENCH_VERSION "unknown"
#endif

/*
 * The kernel cache's meta.json (kbuild-entry.c) describes the source and the series
 * as objects: the column gets the source's identity ("id": a content hash or
 * a commit), or the series' name with the start of its sha256 over every
 * patch, so two series of the same name read differently. Plain strings (a
 * hand-written entry) are stored as they are.
 */
static void bind_provenance(sqlite3_stmt *st, int i, json_t *v, const char *field)
{
	const char *name = db_jstr(v, field), *sha = db_jstr(v, "sha256");

	if (json_is_string(v))
		sqlite3_bind_text(st, i, json_string_value(v), -1, SQLITE_TRANSIENT);
	else if (name && sha && strlen(sha) >= 12)
		sqlite3_bind_text(st, i, xasprintf("%s@%.12s", name, sha), -1, free);
	else
		db_bind_text_or_null(st, i, name);
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
	if (!(st = db_prepare(db, sql, "store a kernel")))
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 2, db_jstr(meta, "release"));
	bind_provenance(st, 3, json_object_get(meta, "source"), "id");
	bind_provenance(st, 4, json_object_get(meta, "series"), "name");
	db_bind_text_or_null(st, 5, db_jstr(meta, "cache_key") ? db_jstr(meta, "cache_key") : db_jstr(meta, "key"));
	db_bind_text_or_null(st, 6, db_jstr(meta, "config_sha256") ? db_jstr(meta, "config_sha256") : db_jstr(meta, "config_hash"));
	db_bind_text_or_null(st, 7, db_jstr(meta, "arch"));
	db_bind_text_or_null(st, 8, db_jstr(meta, "compiler"));
	bs = json_object_get(meta, "build_seconds");
	if (json_is_number(bs))
		sqlite3_bind_double(st, 9, json_number_value(bs));
	else
		sqlite3_bind_null(st, 9);
	db_bind_text_or_null(st, 10, meta_json);
	if (db_step_done(db, st, "store a kernel") == 0) {
		sqlite3_finalize(st);
		st = db_prepare(db, "SELECT id FROM kernels WHERE name = ?1 AND cache_key IS ?2 AND build = 'exact'",
			     "store a kernel");
		if (st) {
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			db_bind_text_or_null(st, 2, db_jstr(meta, "cache_key") ? db_jstr(meta, "cache_key") : db_jstr(meta, "key"));
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

int64_t db_host_current(sqlite3 *db, const char *qemu_version)
{
	static const char sql[] =
		"INSERT INTO hosts (hostname, cpu_model, ncpus, qemu_version) VALUES (?1,?2,?3,?4)"
		" ON CONFLICT (hostname, cpu_model, qemu_version) DO UPDATE SET ncpus = ?3"
		" RETURNING id";
	char host[256] = "unknown";
	char *model = host_cpu_model();
	sqlite3_stmt *st;
	int64_t id = -1;

	if (gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "unknown");
	if ((st = db_prepare(db, sql, "store the host"))) {
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
	sqlite3_stmt *st = db_prepare(db, sql, "create a run");
	int64_t id = -1;

	if (!st)
		return -1;
	if (info->uuid)
		snprintf(uuid, sizeof(uuid), "%s", info->uuid);
	else
		uuid_v4(uuid);
	iso8601_now(now);
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 2, info->label);
	if (info->host_id > 0)
		sqlite3_bind_int64(st, 3, info->host_id);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 5, info->matrix_name);
	db_bind_text_or_null(st, 6, info->matrix_json);
	sqlite3_bind_text(st, 7, GUPBENCH_VERSION, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 8, info->cmdline);
	db_bind_text_or_null(st, 9, info->run_dir);
	db_bind_text_or_null(st, 10, info->accel);
	db_bind_text_or_null(st, 11, info->noise_json);
	if (!db_step_done(db, st, "create a run"))
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
	sqlite3_stmt *st = db_prepare(db, sql, "update a run");
	int ret;

	if (!st)
		return -1;
	iso8601_now(now);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	ret = db_step_done(db, st, "update a run");
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
	sqlite3_stmt *st = db_prepare(db, sql, "record an event");
	int ret;

	if (!st)
		return -1;
	iso8601_now(now);
	bind_id_or_null(st, 1, run_id);
	bind_id_or_null(st, 2, boot_id);
	bind_id_or_null(st, 3, kernel_id);
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 5, case_id);
	sqlite3_bind_text(st, 6, message ? message : "", -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 7, excerpt);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	ret = db_step_done(db, st, "record an event");
	sqlite3_finalize(st);
	return ret;
}
