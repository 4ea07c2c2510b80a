/* long file: split pending: the stream parser (used by boot and qemu too), then the SQL that stores it (docs/architecture.md) */
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
 * keeps memory flat whatever the number of samples.
 */
#include "results/ingest.h"
#include "bench/workload.h"
#include "results/db.h"
#include "bench/options.h"
#include "lib/util.h"

#include <jansson.h>
#include <stdarg.h>
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

static const char *const case_statuses[] = { "ok", "skip", "error" };

struct ingest {
	sqlite3 *db;
	const struct ingest_ctx *ctx;
	struct ingest_result *res;
	sqlite3_stmt *ins_case, *ins_sample;
	int nstatus[3];      /* cases seen per case_statuses[] entry, for the end record */
	int line;            /* 1-based stream line, 0 outside a stream */
	int doc_case;        /* 1-based case index in a document, 0 outside one */
	size_t ncap;
};

static int fail(struct ingest *in, const char *fmt, ...) ATTR_PRINTF(2, 3);
static int fail(struct ingest *in, const char *fmt, ...)
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
	return fail(in, "cannot store %s: %s", what, sqlite3_errmsg(in->db));
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

/*
 * Validation against bench/PROTOCOL.md, before anything is stored. The
 * bound on a time is the longest case a plan allows (timeout_s 86400).
 */
#define MAX_SAMPLE_US 86400000000LL

/* no_put: the workload times nothing as put (its put_us are null). */
static int check_samples(struct ingest *in, json_t *samples, const char *id, int need_measured, int no_put)
{
	static const char *const times[] = { "get_us", "put_us" };
	size_t i, measured = 0;
	json_t *s;

	json_array_foreach(samples, i, s) {
		json_t *tr = json_object_get(s, "truncated"), *wu = json_object_get(s, "warmup");
		json_t *th = json_object_get(s, "thread");

		if (!json_is_object(s) || (tr && !json_is_boolean(tr)) || (wu && !json_is_boolean(wu)) ||
		    (th && (!json_is_integer(th) || json_integer_value(th) < 0)))
			return fail(in, "sample %zu of case '%s' is not {get_us, put_us, truncated, warmup, thread}", i, id);
		for (int k = 0; k < 2; k++) {
			json_t *t = json_object_get(s, times[k]);

			if (k == 1 && no_put && json_is_null(t))
				continue;
			if (!json_is_integer(t))
				return fail(in, "sample %zu of case '%s': \"%s\" is %s, not an integer of microseconds",
					    i, id, times[k], t ? "not an integer" : "missing");
			if (json_integer_value(t) < 0 || json_integer_value(t) > MAX_SAMPLE_US)
				return fail(in, "sample %zu of case '%s': \"%s\" %lld is outside 0..%lld us",
					    i, id, times[k], (long long)json_integer_value(t), MAX_SAMPLE_US);
		}
		measured += !json_is_true(wu);
	}
	if (need_measured && !measured)
		return fail(in, "case '%s' is \"ok\" but has no measured (non-warm-up) sample", id);
	return 0;
}

/*
 * The optional "phases" of a case record (PROTOCOL.md): an object of known
 * members only, times finite seconds within a case's longest allowed run,
 * reused a boolean, populate one of the bench's names. Checked, not stored.
 */
static int check_phases(struct ingest *in, json_t *ph, const char *id)
{
	static const char *const secs[] = { "setup_s", "fault_s", "gup_s", "teardown_s", "case_s" };
	static const char *const how[] = { "madvise", "touch", "foll_touch" };
	const char *key, *p;
	json_t *v;
	size_t k;

	if (!ph)
		return 0;
	if (!json_is_object(ph))
		return fail(in, "case '%s': \"phases\" is not an object", id);
	json_object_foreach(ph, key, v) {
		for (k = 0; k < sizeof(secs) / sizeof(secs[0]) && strcmp(key, secs[k]); k++)
			;
		if (k < sizeof(secs) / sizeof(secs[0])) {
			if (!json_is_number(v) || !(json_number_value(v) >= 0) ||
			    json_number_value(v) > MAX_SAMPLE_US / 1e6)
				return fail(in, "case '%s': phases.%s is not a number of seconds in 0..%lld",
					    id, key, MAX_SAMPLE_US / 1000000);
			continue;
		}
		if (!strcmp(key, "reused") && json_is_boolean(v))
			continue;
		p = json_string_value(v);
		for (k = 0; strcmp(key, "populate") == 0 && p && k < sizeof(how) / sizeof(how[0]); k++)
			if (!strcmp(p, how[k]))
				break;
		if (strcmp(key, "populate") || !p || k == sizeof(how) / sizeof(how[0]))
			return fail(in, "case '%s': phases.%s is not one of setup_s, fault_s, gup_s, teardown_s, "
				    "case_s (seconds), reused (true, false) or populate (madvise, touch, foll_touch)",
				    id, key);
	}
	return 0;
}

/* params that restate the argv must say what the argv says. */
static int check_params(struct ingest *in, json_t *params, const struct bench_opts *o, const char *id)
{
	static const struct { const char *name; size_t off; long long min; } nums[] = {
		{ "size_mb", offsetof(struct bench_opts, size_mb), 1 },
		{ "nr_pages_per_call", offsetof(struct bench_opts, nr_pages), 1 },
		{ "repeats", offsetof(struct bench_opts, repeats), 1 },
		{ "warmup", offsetof(struct bench_opts, warmup), 0 },
		{ "threads", offsetof(struct bench_opts, threads), 1 },
	};
	const char *cmd = json_string_value(json_object_get(params, "cmd"));
	/* as the bench's emitter names it: the gup_test command, or the workload */
	const char *want_cmd = !o->workload || workload_is_gup_test(o->workload) ? gup_cmd_info(o->cmd)->name
									       : o->workload->name;
	json_t *v;

	if (cmd && strcmp(cmd, want_cmd))
		return fail(in, "case '%s': params.cmd '%s' but the argv asks for '%s'", id, cmd, want_cmd);
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		long long want = (long long)*(const unsigned long *)((const char *)o + nums[i].off);

		/* no -n: the workload's own default (io_uring_register's is -1) */
		if (nums[i].off == offsetof(struct bench_opts, nr_pages) && !o->nr_pages_set && o->workload)
			want = (long long)workload_default_nr_pages(o->workload);

		if (!(v = json_object_get(params, nums[i].name)) || json_is_null(v))
			continue;
		/* -n -1 (all pages in one call) or a workload's own default: the
		 * bench resolves it from the size, the argv cannot say */
		if (nums[i].off == offsetof(struct bench_opts, nr_pages) && want <= 0)
			continue;
		if (json_number_value(v) < nums[i].min)
			return fail(in, "case '%s': params.%s %g is below %lld", id, nums[i].name, json_number_value(v),
				    nums[i].min);
		if (json_number_value(v) != (double)want)
			return fail(in, "case '%s': params.%s %g but the argv says %lld", id, nums[i].name,
				    json_number_value(v), want);
	}
	if ((v = json_object_get(params, "write")) && json_is_boolean(v) && json_is_true(v) != !!o->write)
		return fail(in, "case '%s': params.write is %s but the argv says %s", id, json_is_true(v) ? "true" : "false",
			    o->write ? "-w" : "-W");
	if ((v = json_object_get(params, "shared")) && json_is_boolean(v) && json_is_true(v) != !!o->shared)
		return fail(in, "case '%s': params.shared disagrees with the argv's -S", id);
	if ((v = json_object_get(params, "hugetlb_kb")) && json_is_integer(v) && json_integer_value(v) < 0)
		return fail(in, "case '%s': params.hugetlb_kb %lld is negative", id, (long long)json_integer_value(v));
	if ((v = json_object_get(params, "numa_node")) && json_is_integer(v) && json_integer_value(v) != o->numa_node)
		return fail(in, "case '%s': params.numa_node %lld but the argv says %ld", id,
			    (long long)json_integer_value(v), o->numa_node);
	return 0;
}

/* The key is the bench's canonical form of the argv (bench/options.c): recompute it. */
static int check_argv_key(struct ingest *in, json_t *rec, json_t *params, const char *id, int *timed, int *no_put)
{
	json_t *argv = json_object_get(rec, "argv"), *v;
	const char *key = json_string_value(json_object_get(rec, "key"));
	const char *tool = json_string_value(json_object_get(rec, "tool"));
	int selftest = tool && !strcmp(tool, "selftest"), rc;
	char **words, why[256], want[600];
	struct bench_opts o;
	size_t i, n;

	if (!json_is_array(argv))
		return fail(in, "case '%s' lacks its \"argv\" array", id);
	n = json_array_size(argv);
	words = xcalloc(n + 1, sizeof(*words));
	json_array_foreach(argv, i, v)
		if (!(words[i] = (char *)json_string_value(v))) {
			free(words);
			return fail(in, "case '%s': argv word %zu is not a string", id, i);
		}
	opts_defaults(&o);
	rc = opts_parse(&o, (int)n, words, OPTS_CMDLINE, why, sizeof(why));
	free(words);
	if (rc)
		return fail(in, "case '%s': the argv is not a gupbench command line: %s", id, why);
	snprintf(want, sizeof(want), "%s", selftest ? "selftest: " : "");
	opts_key(&o, want + strlen(want), sizeof(want) - strlen(want));
	if (strcmp(key, want))
		return fail(in, "case '%s': \"key\" '%s' does not match its argv, whose key is '%s'", id, key, want);
	*timed = gup_cmd_info(o.cmd)->timed;
	*no_put = o.workload && !workload_is_gup_test(o.workload) && !o.workload->put_what;
	return params ? check_params(in, params, &o, id) : 0;
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

static int validate_case(struct ingest *in, json_t *rec, json_t *params, json_t *samples, size_t status)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	int timed = 1, no_put = 0;

	if (check_argv_key(in, rec, params, id, &timed, &no_put))
		return -1;
	if (check_samples(in, samples, id, status == 0 && timed, no_put) ||
	    check_phases(in, json_object_get(rec, "phases"), id))
		return -1;
	in->nstatus[status]++;
	return 0;
}

/* Validate one case record and store it with its samples. */
static int store_case(struct ingest *in, json_t *rec)
{
	sqlite3_stmt *st = in->ins_case;
	json_t *params = json_object_get(rec, "params"), *samples = json_object_get(rec, "samples");
	json_t *argv = json_object_get(rec, "argv"), *s;
	const char *status;
	int64_t case_row;
	size_t i, k;
	char *text;

	if (params && !json_is_object(params))
		return fail(in, "case \"params\" is not an object");
	if (samples && !json_is_array(samples))
		return fail(in, "case \"samples\" is not an array");
	if (argv && !json_is_array(argv))
		return fail(in, "case \"argv\" is not an array");
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, in->res->boot_id);
	for (i = 0; i < NCASE_COLS; i++) {
		const struct case_col *c = &case_cols[i];
		json_t *v = json_object_get(c->from_params ? params : rec, c->json);

		if (v && !json_is_null(v) && !type_ok(v, c->type))
			return fail(in, "case field \"%s\" has the wrong type", c->json);
		if (c->required && (!v || json_is_null(v)))
			return fail(in, "case record lacks \"%s\"", c->json);
		bind_json(st, (int)i + 2, v, c->type);
	}
	/* cmd is NOT NULL: a skipped or crashed case may not say which it was. */
	if (!json_is_string(params ? json_object_get(params, "cmd") : NULL))
		sqlite3_bind_text(st, 4, "unknown", -1, SQLITE_STATIC);
	status = json_string_value(json_object_get(rec, "status"));
	for (k = 0; k < sizeof(case_statuses) / sizeof(case_statuses[0]); k++)
		if (!strcmp(status, case_statuses[k]))
			break;
	if (k == sizeof(case_statuses) / sizeof(case_statuses[0]))
		return fail(in, "case status '%s' is not ok, skip or error", status);
	if (validate_case(in, rec, params, samples, k))
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
			return fail(in, "case '%s' appears twice in the stream",
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
static int store_boot(struct ingest *in, json_t *env, const char *sha)
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
			return fail(in, "run #%lld or kernel #%lld is not in the database",
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
		return fail(in, "boot status '%s' is not one the schema knows", status);
	return 0;
}

/* Stream records: what each type needs before the generic handling. */
static int handle_record(struct ingest *in, json_t *rec, const char *sha, const char **open_start)
{
	const char *type = stream_record_type(rec);
	json_t *seq = json_object_get(rec, "seq");
	int expect = in->res->last_seq + 1;

	if (!type || !json_is_integer(seq))
		return fail(in, "record lacks \"type\" or an integer \"seq\"");
	if (json_integer_value(seq) != expect)
		return fail(in, "seq %lld where %d was expected: a record was lost, repeated or interleaved",
			    (long long)json_integer_value(seq), expect);
	if (in->res->have_end)
		return fail(in, "'%s' record after the end record", type);
	if (expect == 0) {
		const char *fmt = json_string_value(json_object_get(rec, "format"));

		if (strcmp(type, "env"))
			return fail(in, "the stream starts with '%s', not the env record", type);
		if (!fmt || strcmp(fmt, "gupbench-stream-1"))
			return fail(in, "stream format '%s' is not gupbench-stream-1", fmt ? fmt : "(none)");
		in->res->last_seq = 0;
		return store_boot(in, rec, sha);
	}
	if (!strcmp(type, "start")) {
		const char *id = json_string_value(json_object_get(rec, "id"));

		if (!id)
			return fail(in, "start record lacks \"id\"");
		if (*open_start)
			return fail(in, "case '%s' starts before case '%s' reported", id, *open_start);
		*open_start = id;
	} else if (!strcmp(type, "case")) {
		const char *id = json_string_value(json_object_get(rec, "id"));

		if (!*open_start || !id || strcmp(id, *open_start))
			return fail(in, "case record '%s' without its start record", id ? id : "(no id)");
		*open_start = NULL;
		if (store_case(in, rec))
			return -1;
	} else if (!strcmp(type, "end")) {
		json_t *n = json_object_get(rec, "cases");

		if (*open_start)
			return fail(in, "end record while case '%s' has not reported", *open_start);
		if (!json_is_integer(n) || json_integer_value(n) != in->res->cases)
			return fail(in, "end record counts %lld cases but the stream has %d",
				    json_is_integer(n) ? (long long)json_integer_value(n) : -1LL, in->res->cases);
		for (size_t k = 0; k < sizeof(case_statuses) / sizeof(case_statuses[0]); k++) {
			n = json_object_get(rec, case_statuses[k]);
			if (!json_is_integer(n))
				return fail(in, "end record lacks the integer \"%s\" count", case_statuses[k]);
			if (json_integer_value(n) != in->nstatus[k])
				return fail(in, "end record counts %lld \"%s\" cases but the stream has %d",
					    (long long)json_integer_value(n), case_statuses[k], in->nstatus[k]);
		}
		n = json_object_get(rec, "stream_s");
		if (n && (!json_is_number(n) || !(json_number_value(n) >= 0)))
			return fail(in, "end record: \"stream_s\" is not a number of seconds >= 0");
		in->res->have_end = 1;
	} else {
		return fail(in, "unknown record type '%s'", type);
	}
	in->res->last_seq = expect;
	return 0;
}

json_t *stream_record_parse(const char *line, size_t len, json_error_t *err)
{
	json_error_t local;
	json_t *rec = json_loadb(line, len, JSON_REJECT_DUPLICATES, err ? err : &local);

	if (rec && !json_is_object(rec)) {
		json_decref(rec);
		rec = NULL;
		if (err)
			snprintf(err->text, sizeof(err->text), "a JSON value of another type");
	}
	return rec;
}

const char *stream_record_type(const json_t *rec)
{
	return json_string_value(json_object_get(rec, "type"));
}

static int ingest_lines(struct ingest *in, const char *buf, size_t len, const char *sha,
			int allow_truncated)
{
	const char *p = buf, *end = buf + len, *open_start = NULL;
	json_t *held = NULL;     /* keeps open_start's string alive */
	int ret = 0;

	for (in->line = 1; p < end; in->line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_error_t jerr;
		json_t *rec;

		if (n == 0) {
			p = nl ? nl + 1 : end;
			continue;
		}
		rec = stream_record_parse(p, n, &jerr);
		if (!rec) {
			if (!nl && allow_truncated)
				break;      /* the guest died mid-line: the tail is lost, the rest stands */
			ret = fail(in, "%s%s", nl ? "not a JSON object: " : "truncated record: ", jerr.text);
			break;
		}
		if (handle_record(in, rec, sha, &open_start)) {
			json_decref(rec);
			ret = -1;
			break;
		}
		if (open_start && !held) {
			held = rec;
		} else {
			if (!open_start && held) {
				json_decref(held);
				held = NULL;
			}
			json_decref(rec);
		}
		p = nl ? nl + 1 : end;
	}
	json_decref(held);
	if (ret)
		return ret;
	in->line = 0;
	if (in->res->last_seq < 0)
		return fail(in, "the stream is empty: no env record");
	if (!in->res->have_end && !allow_truncated)
		return fail(in, "the stream stops after seq %d without its end record (truncated)", in->res->last_seq);
	return 0;
}

/* A bench --json document: env plus cases, no seq numbers, always complete. */
static int ingest_document(struct ingest *in, json_t *doc, const char *sha)
{
	json_t *env = json_object_get(doc, "env"), *cases = json_object_get(doc, "cases"), *c;
	size_t i;

	in->line = 0;
	if (!json_is_object(env) || !json_is_array(cases))
		return fail(in, "gupbench-result-1 document lacks its \"env\" object or \"cases\" array");
	if (store_boot(in, env, sha))
		return -1;
	json_array_foreach(cases, i, c) {
		in->doc_case = (int)i + 1;
		if (!json_is_object(c))
			return fail(in, "not a JSON object");
		if (store_case(in, c))
			return -1;
	}
	in->doc_case = 0;
	in->res->have_end = 1;
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
				return fail(&in, "document line %d column %d: %s", jerr.line, jerr.column, jerr.text);
		}
	}
	/* Inside a caller's transaction a savepoint nests; otherwise take the write lock now. */
	if (sqlite3_exec(db, own_tx ? "BEGIN IMMEDIATE" : "SAVEPOINT ingest", NULL, NULL, NULL) != SQLITE_OK) {
		json_decref(doc);
		res->sql_rc = sqlite3_errcode(db);
		return fail(&in, "cannot start a transaction in '%s': %s", sqlite3_db_filename(db, "main"),
			    sqlite3_errmsg(db));
	}
	dup = find_boot_by_sha(db, sha);
	if (dup != 0) {
		ret = dup < 0 ? fail_sql(&in, "the stream") : load_duplicate(&in, dup);
		goto done;
	}
	ret = prepare_inserts(&in);
	if (!ret)
		ret = doc ? ingest_document(&in, doc, sha) : ingest_lines(&in, buf, len, sha, allow_truncated);
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
		fail(&in, "cannot commit the stream to '%s': %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
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
