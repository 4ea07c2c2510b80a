/*
 * ingest: a bench results stream (gupbench-stream-1, bench/PROTOCOL.md) or a
 * bench --json document (gupbench-result-1) into the database. The whole
 * stream is one transaction: each line is parsed, checked (type, seq order,
 * start/case pairing, field types) and written through statements prepared
 * once, and the first bad line rolls everything back, so a rejected stream
 * leaves no trace. Every value is checked against the protocol before it is
 * stored (times, counts, params, the key against the argv): a stream that
 * lies is rejected, never averaged. The SHA-256 of the bytes (after the
 * caller's identity of the boot, when it gives one) is the boot's identity:
 * the same stream ingested twice is stored once. Parsing and storing in one pass
 * keeps memory flat whatever the number of samples. This file holds the
 * transaction and the SQL; reading and checking the records is stream.c's.
 */
#include "results/ingest.h"
#include "results/ingest-steps.h"
#include "lib/util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col_type { C_TEXT, C_INT, C_REAL, C_BOOL };

/*
 * The cases columns filled from a case record, in bind order after boot_id
 * (?1). from_params: the value lives in the record's "params" object.
 */
static const struct case_col {
	const char *column;
	const char *json;
	enum col_type type;
	int from_params;
	int required;
} case_cols[] = {
	{ "case_id",     "id",                C_TEXT, 0, 1 },
	{ "key",         "key",               C_TEXT, 0, 1 },
	{ "cmd",         "cmd",               C_TEXT, 1, 0 },
	{ "size_mb",     "size_mb",           C_REAL, 1, 0 },
	{ "nr_pages",    "nr_pages_per_call", C_INT,  1, 0 },
	{ "thp",         "thp",               C_TEXT, 1, 0 },
	{ "hugetlb_kb",  "hugetlb_kb",        C_INT,  1, 0 },
	{ "write",       "write",             C_BOOL, 1, 0 },
	{ "shared",      "shared",            C_BOOL, 1, 0 },
	{ "numa_node",   "numa_node",         C_INT,  1, 0 },
	{ "threads",     "threads",           C_INT,  1, 0 },
	{ "file",        "file",              C_TEXT, 1, 0 },
	{ "repeats",     "repeats",           C_INT,  1, 0 },
	{ "warmup",      "warmup",            C_INT,  1, 0 },
	{ "status",      "status",            C_TEXT, 0, 1 },
	{ "reason",      "reason",            C_TEXT, 0, 0 },
};
#define NCASE_COLS (sizeof(case_cols) / sizeof(case_cols[0]))

int ingest_fail(struct ingest *in, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (in->line > 0)
		snprintf(in->res->err, sizeof(in->res->err), "line %d: %s", in->line, msg);
	else if (in->doc_case > 0)
		snprintf(in->res->err, sizeof(in->res->err), "document case %d: %s", in->doc_case, msg);
	else
		snprintf(in->res->err, sizeof(in->res->err), "%s", msg);
	return -1;
}

/* A database failure, not the stream's: the caller tells them apart by sql_rc. */
static int fail_sql(struct ingest *in, const char *what)
{
	in->res->sql_rc = sqlite3_errcode(in->db);
	return ingest_fail(in, "cannot store %s: %s", what, sqlite3_errmsg(in->db));
}

/* Check that a present value has the column's JSON type. */
static int type_ok(json_t *v, enum col_type t)
{
	switch (t) {
	case C_TEXT:
		return json_is_string(v);
	case C_INT:
		return json_is_integer(v);
	case C_REAL:
		return json_is_number(v);
	case C_BOOL:
		return json_is_boolean(v) || json_is_integer(v);
	}
	return 0;
}

static void bind_json(sqlite3_stmt *st, int i, json_t *v, enum col_type t)
{
	if (!v || json_is_null(v))
		sqlite3_bind_null(st, i);
	else if (t == C_TEXT)
		sqlite3_bind_text(st, i, json_string_value(v), -1, SQLITE_TRANSIENT);
	else if (t == C_INT)
		sqlite3_bind_int64(st, i, json_integer_value(v));
	else if (t == C_REAL)
		sqlite3_bind_double(st, i, json_number_value(v));
	else
		sqlite3_bind_int(st, i, json_is_integer(v) ? json_integer_value(v) != 0 : json_is_true(v));
}

static int remember_case_id(struct ingest *in, const char *id)
{
	struct ingest_result *r = in->res;

	if ((size_t)r->cases + 1 > in->ncap) {
		in->ncap = in->ncap ? 2 * in->ncap : 64;
		r->case_ids = xrealloc(r->case_ids, in->ncap * sizeof(*r->case_ids));
	}
	r->case_ids[r->cases++] = xstrdup(id);
	return 0;
}

/* Validate one case record and store it with its samples. */
int ingest_store_case(struct ingest *in, json_t *rec)
{
	sqlite3_stmt *st = in->ins_case;
	json_t *params = json_object_get(rec, "params"), *samples = json_object_get(rec, "samples");
	json_t *argv = json_object_get(rec, "argv"), *s;
	int64_t case_row;
	size_t i;
	char *text;

	if (params && !json_is_object(params))
		return ingest_fail(in, "case \"params\" is not an object");
	if (samples && !json_is_array(samples))
		return ingest_fail(in, "case \"samples\" is not an array");
	if (argv && !json_is_array(argv))
		return ingest_fail(in, "case \"argv\" is not an array");
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, in->res->boot_id);
	for (i = 0; i < NCASE_COLS; i++) {
		const struct case_col *c = &case_cols[i];
		json_t *v = json_object_get(c->from_params ? params : rec, c->json);

		if (v && !json_is_null(v) && !type_ok(v, c->type))
			return ingest_fail(in, "case field \"%s\" has the wrong type", c->json);
		if (c->required && (!v || json_is_null(v)))
			return ingest_fail(in, "case record lacks \"%s\"", c->json);
		bind_json(st, (int)i + 2, v, c->type);
	}
	/* cmd is NOT NULL: a skipped or crashed case may not say which it was. */
	if (!json_is_string(params ? json_object_get(params, "cmd") : NULL))
		sqlite3_bind_text(st, 4, "unknown", -1, SQLITE_STATIC);
	if (stream_check_case(in, rec, params, samples))
		return -1;
	text = argv ? json_dumps(argv, JSON_COMPACT) : NULL;
	if (text)
		sqlite3_bind_text(st, NCASE_COLS + 2, text, -1, free);
	else
		sqlite3_bind_null(st, NCASE_COLS + 2);
	text = params ? json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (text)
		sqlite3_bind_text(st, NCASE_COLS + 3, text, -1, free);
	else
		sqlite3_bind_null(st, NCASE_COLS + 3);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_errcode(in->db) == SQLITE_CONSTRAINT)
			return ingest_fail(in, "case '%s' appears twice in the stream",
				    json_string_value(json_object_get(rec, "id")));
		return fail_sql(in, "a case");
	}
	case_row = sqlite3_last_insert_rowid(in->db);
	st = in->ins_sample;
	json_array_foreach(samples, i, s) {
		json_t *get = json_object_get(s, "get_us"), *put = json_object_get(s, "put_us");
		json_t *tr = json_object_get(s, "truncated"), *wu = json_object_get(s, "warmup");

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, case_row);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bind_json(st, 3, get, C_INT);
		bind_json(st, 4, put, C_INT);
		sqlite3_bind_int(st, 5, json_is_true(tr));
		sqlite3_bind_int(st, 6, json_is_true(wu));
		if (sqlite3_step(st) != SQLITE_DONE)
			return fail_sql(in, "a sample");
		in->res->samples++;
	}
	return remember_case_id(in, json_string_value(json_object_get(rec, "id")));
}

/* Insert the boot row from the env record; status is fixed at the end. */
int ingest_store_boot(struct ingest *in, json_t *env, const char *sha)
{
	static const char sql[] =
		"INSERT INTO boots (run_id, kernel_id, boot_index, stream_sha, accel, started, ended,"
		" status, guest_release, guest_cmdline, guest_env, clock, vcpus)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,'error',?8,?9,?10,?11,?12)";
	sqlite3_stmt *st;
	char *envtext;
	int rc;

	if (sqlite3_prepare_v2(in->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail_sql(in, "the boot");
	envtext = json_dumps(env, JSON_COMPACT | JSON_SORT_KEYS);
	sqlite3_bind_int64(st, 1, in->ctx->run_id);
	sqlite3_bind_int64(st, 2, in->ctx->kernel_id);
	sqlite3_bind_int(st, 3, in->ctx->boot_index);
	sqlite3_bind_text(st, 4, sha, -1, SQLITE_STATIC);
	if (in->ctx->accel)
		sqlite3_bind_text(st, 5, in->ctx->accel, -1, SQLITE_STATIC);
	if (in->ctx->started)
		sqlite3_bind_text(st, 6, in->ctx->started, -1, SQLITE_STATIC);
	if (in->ctx->ended)
		sqlite3_bind_text(st, 7, in->ctx->ended, -1, SQLITE_STATIC);
	if (json_is_string(json_object_get(env, "release")))
		sqlite3_bind_text(st, 8, json_string_value(json_object_get(env, "release")), -1, SQLITE_TRANSIENT);
	if (json_is_string(json_object_get(env, "cmdline")))
		sqlite3_bind_text(st, 9, json_string_value(json_object_get(env, "cmdline")), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 10, envtext, -1, free);
	sqlite3_bind_text(st, 11, in->ctx->clock ? in->ctx->clock : "wall", -1, SQLITE_STATIC);
	if (in->ctx->vcpus > 0)
		sqlite3_bind_int(st, 12, in->ctx->vcpus);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		if (sqlite3_errcode(in->db) == SQLITE_CONSTRAINT)
			return ingest_fail(in, "run #%lld or kernel #%lld is not in the database",
				    (long long)in->ctx->run_id, (long long)in->ctx->kernel_id);
		return fail_sql(in, "the boot");
	}
	in->res->boot_id = sqlite3_last_insert_rowid(in->db);
	return 0;
}

static int finish_boot(struct ingest *in)
{
	const char *status = in->ctx->status ? in->ctx->status :
			     in->res->have_end ? "complete" : "truncated";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(in->db, "UPDATE boots SET status = ?2 WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return fail_sql(in, "the boot status");
	sqlite3_bind_int64(st, 1, in->res->boot_id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ingest_fail(in, "boot status '%s' is not one the schema knows", status);
	return 0;
}

/* Fill the result of a stream already stored: its boot and case ids. */
static int load_duplicate(struct ingest *in, int64_t boot_id)
{
	sqlite3_stmt *st;

	in->res->duplicate = 1;
	in->res->boot_id = boot_id;
	if (sqlite3_prepare_v2(in->db,
			       "SELECT c.case_id, (SELECT count(*) FROM samples s WHERE s.case_id = c.id),"
			       " b.status = 'complete' FROM cases c JOIN boots b ON b.id = c.boot_id"
			       " WHERE c.boot_id = ?1 ORDER BY c.id", -1, &st, NULL) != SQLITE_OK)
		return fail_sql(in, "the stored boot");
	sqlite3_bind_int64(st, 1, boot_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		remember_case_id(in, (const char *)sqlite3_column_text(st, 0));
		in->res->samples += sqlite3_column_int(st, 1);
		in->res->have_end = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(in->db, "SELECT kernel_id FROM boots WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return fail_sql(in, "the stored boot");
	sqlite3_bind_int64(st, 1, boot_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		in->res->dup_kernel_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int64_t find_boot_by_sha(sqlite3 *db, const char *sha)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	if (sqlite3_prepare_v2(db, "SELECT id FROM boots WHERE stream_sha = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/* The boot's stream_sha: of the bytes, keyed by the caller's identity if any. */
static void stream_sha(const struct ingest_ctx *ctx, const char *buf, size_t len, char sha[65])
{
	if (ctx->identity) {
		size_t ilen = strlen(ctx->identity) + 1;
		char *keyed = xmalloc(ilen + len);

		memcpy(keyed, ctx->identity, ilen);   /* NUL-separated from the bytes */
		memcpy(keyed + ilen, buf, len);
		sha256_hex(keyed, ilen + len, sha);
		free(keyed);
	} else {
		sha256_hex(buf, len, sha);
	}
}

/* The case and sample inserts; the case columns come from case_cols. */
static int prepare_inserts(struct ingest *in)
{
	char *case_sql;
	size_t mlen;
	FILE *m = open_memstream(&case_sql, &mlen);
	int ret;

	fputs("INSERT INTO cases (boot_id", m);
	for (size_t i = 0; i < NCASE_COLS; i++)
		fprintf(m, ", %s", case_cols[i].column);
	fputs(", argv, params) VALUES (?1", m);
	for (size_t i = 0; i < NCASE_COLS + 2; i++)
		fprintf(m, ", ?%zu", i + 2);
	fputs(")", m);
	fclose(m);
	ret = sqlite3_prepare_v2(in->db, case_sql, -1, &in->ins_case, NULL) != SQLITE_OK ||
	      sqlite3_prepare_v2(in->db, "INSERT INTO samples (case_id, idx, get_us, put_us, truncated, warmup)"
				 " VALUES (?1,?2,?3,?4,?5,?6)", -1, &in->ins_sample, NULL) != SQLITE_OK
	      ? fail_sql(in, "the stream") : 0;
	free(case_sql);
	return ret;
}

int ingest_stream(sqlite3 *db, const struct ingest_ctx *ctx, const char *buf, size_t len,
		  int allow_truncated, struct ingest_result *res)
{
	struct ingest in = { .db = db, .ctx = ctx, .res = res };
	char sha[65];
	json_t *doc = NULL;
	int own_tx = sqlite3_get_autocommit(db), ret;
	int64_t dup;

	memset(res, 0, sizeof(*res));
	res->last_seq = -1;
	stream_sha(ctx, buf, len, sha);
	/* A document is one JSON value; a stream fails to parse whole at line 2. */
	if (len && memchr(buf, '{', len)) {
		json_error_t jerr;
		const char *fmt;

		doc = json_loadb(buf, len, 0, &jerr);
		fmt = json_string_value(json_object_get(doc, "format"));
		if (!fmt || strcmp(fmt, "gupbench-result-1")) {
			json_decref(doc);
			doc = NULL;
		} else {
			json_decref(doc);
			doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
			if (!doc)
				return ingest_fail(&in, "document line %d column %d: %s", jerr.line, jerr.column, jerr.text);
		}
	}
	/* Inside a caller's transaction a savepoint nests; otherwise take the write lock now. */
	if (sqlite3_exec(db, own_tx ? "BEGIN IMMEDIATE" : "SAVEPOINT ingest", NULL, NULL, NULL) != SQLITE_OK) {
		json_decref(doc);
		res->sql_rc = sqlite3_errcode(db);
		return ingest_fail(&in, "cannot start a transaction in '%s': %s", sqlite3_db_filename(db, "main"),
			    sqlite3_errmsg(db));
	}
	dup = find_boot_by_sha(db, sha);
	if (dup != 0) {
		ret = dup < 0 ? fail_sql(&in, "the stream") : load_duplicate(&in, dup);
		goto done;
	}
	ret = prepare_inserts(&in);
	if (!ret)
		ret = doc ? stream_read_document(&in, doc, sha) : stream_read_lines(&in, buf, len, sha, allow_truncated);
	if (!ret)
		ret = finish_boot(&in);
	sqlite3_finalize(in.ins_case);
	sqlite3_finalize(in.ins_sample);
done:
	json_decref(doc);
	if (ret) {
		sqlite3_exec(db, own_tx ? "ROLLBACK" : "ROLLBACK TO ingest; RELEASE ingest", NULL, NULL, NULL);
		for (int i = 0; i < res->cases; i++)
			free(res->case_ids[i]);
		free(res->case_ids);
		res->case_ids = NULL;
		res->cases = res->samples = 0;
		res->boot_id = 0;
		return -1;
	}
	if (sqlite3_exec(db, own_tx ? "COMMIT" : "RELEASE ingest", NULL, NULL, NULL) != SQLITE_OK) {
		res->sql_rc = sqlite3_errcode(db);
		ingest_fail(&in, "cannot commit the stream to '%s': %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
		sqlite3_exec(db, own_tx ? "ROLLBACK" : "ROLLBACK TO ingest; RELEASE ingest", NULL, NULL, NULL);
		ingest_result_free(res);
		res->boot_id = 0;
		return -1;
	}
	return 0;
}

void ingest_result_free(struct ingest_result *res)
{
	for (int i = 0; i < res->cases; i++)
		free(res->case_ids[i]);
	free(res->case_ids);
	res->case_ids = NULL;
	res->cases = 0;
}
