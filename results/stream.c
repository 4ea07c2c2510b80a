/*
 * stream: reading a bench results stream (gupbench-stream-1,
 * bench/PROTOCOL.md) or a bench --json document (gupbench-result-1): the
 * one record parser (also run's live watch and the KVM probe use it), the
 * order of records (seq, env first, start/case pairs, the end record's
 * counts), and every case's values checked against the protocol (times,
 * counts, phases, params, the key against the argv) before ingest.c
 * stores them. No SQL here.
 */
#include "results/stream.h"
#include "results/ingest-steps.h"
#include "bench/options.h"
#include "bench/workload.h"
#include "lib/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const case_statuses[] = { "ok", "skip", "error" };

/*
 * Validation against bench/PROTOCOL.md, before anything is stored. The
 * bound on a time is the longest case a plan allows (timeout_s 86400).
 */
#define MAX_SAMPLE_US 86400000000LL

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
			return ingest_fail(in, "sample %zu of case '%s' is not {get_us, put_us, truncated, warmup, thread}", i, id);
		for (int k = 0; k < 2; k++) {
			json_t *t = json_object_get(s, times[k]);

			if (k == 1 && no_put && json_is_null(t))
				continue;
			if (!json_is_integer(t))
				return ingest_fail(in, "sample %zu of case '%s': \"%s\" is %s, not an integer of microseconds",
					    i, id, times[k], t ? "not an integer" : "missing");
			if (json_integer_value(t) < 0 || json_integer_value(t) > MAX_SAMPLE_US)
				return ingest_fail(in, "sample %zu of case '%s': \"%s\" %lld is outside 0..%lld us",
					    i, id, times[k], (long long)json_integer_value(t), MAX_SAMPLE_US);
		}
		measured += !json_is_true(wu);
	}
	if (need_measured && !measured)
		return ingest_fail(in, "case '%s' is \"ok\" but has no measured (non-warm-up) sample", id);
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
		return ingest_fail(in, "case '%s': \"phases\" is not an object", id);
	json_object_foreach(ph, key, v) {
		for (k = 0; k < sizeof(secs) / sizeof(secs[0]) && strcmp(key, secs[k]); k++)
			;
		if (k < sizeof(secs) / sizeof(secs[0])) {
			if (!json_is_number(v) || !(json_number_value(v) >= 0) ||
			    json_number_value(v) > MAX_SAMPLE_US / 1e6)
				return ingest_fail(in, "case '%s': phases.%s is not a number of seconds in 0..%lld",
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
			return ingest_fail(in, "case '%s': phases.%s is not one of setup_s, fault_s, gup_s, teardown_s, "
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
		return ingest_fail(in, "case '%s': params.cmd '%s' but the argv asks for '%s'", id, cmd, want_cmd);
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
			return ingest_fail(in, "case '%s': params.%s %g is below %lld", id, nums[i].name, json_number_value(v),
				    nums[i].min);
		if (json_number_value(v) != (double)want)
			return ingest_fail(in, "case '%s': params.%s %g but the argv says %lld", id, nums[i].name,
				    json_number_value(v), want);
	}
	if ((v = json_object_get(params, "write")) && json_is_boolean(v) && json_is_true(v) != !!o->write)
		return ingest_fail(in, "case '%s': params.write is %s but the argv says %s", id, json_is_true(v) ? "true" : "false",
			    o->write ? "-w" : "-W");
	if ((v = json_object_get(params, "shared")) && json_is_boolean(v) && json_is_true(v) != !!o->shared)
		return ingest_fail(in, "case '%s': params.shared disagrees with the argv's -S", id);
	if ((v = json_object_get(params, "hugetlb_kb")) && json_is_integer(v) && json_integer_value(v) < 0)
		return ingest_fail(in, "case '%s': params.hugetlb_kb %lld is negative", id, (long long)json_integer_value(v));
	if ((v = json_object_get(params, "numa_node")) && json_is_integer(v) && json_integer_value(v) != o->numa_node)
		return ingest_fail(in, "case '%s': params.numa_node %lld but the argv says %ld", id,
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
		return ingest_fail(in, "case '%s' lacks its \"argv\" array", id);
	n = json_array_size(argv);
	words = xcalloc(n + 1, sizeof(*words));
	json_array_foreach(argv, i, v)
		if (!(words[i] = (char *)json_string_value(v))) {
			free(words);
			return ingest_fail(in, "case '%s': argv word %zu is not a string", id, i);
		}
	opts_defaults(&o);
	rc = opts_parse(&o, (int)n, words, OPTS_CMDLINE, why, sizeof(why));
	free(words);
	if (rc)
		return ingest_fail(in, "case '%s': the argv is not a gupbench command line: %s", id, why);
	snprintf(want, sizeof(want), "%s", selftest ? "selftest: " : "");
	opts_key(&o, want + strlen(want), sizeof(want) - strlen(want));
	if (strcmp(key, want))
		return ingest_fail(in, "case '%s': \"key\" '%s' does not match its argv, whose key is '%s'", id, key, want);
	*timed = gup_cmd_info(o.cmd)->timed;
	*no_put = o.workload && !workload_is_gup_test(o.workload) && !o.workload->put_what;
	return params ? check_params(in, params, &o, id) : 0;
}

int stream_check_case(struct ingest *in, json_t *rec, json_t *params, json_t *samples)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	const char *status = json_string_value(json_object_get(rec, "status"));
	int timed = 1, no_put = 0;
	size_t k;

	for (k = 0; k < sizeof(case_statuses) / sizeof(case_statuses[0]); k++)
		if (!strcmp(status, case_statuses[k]))
			break;
	if (k == sizeof(case_statuses) / sizeof(case_statuses[0]))
		return ingest_fail(in, "case status '%s' is not ok, skip or error", status);
	if (check_argv_key(in, rec, params, id, &timed, &no_put))
		return -1;
	if (check_samples(in, samples, id, k == 0 && timed, no_put) ||
	    check_phases(in, json_object_get(rec, "phases"), id))
		return -1;
	in->nstatus[k]++;
	return 0;
}

/* Stream records: what each type needs before the generic handling. */
static int handle_record(struct ingest *in, json_t *rec, const char *sha, const char **open_start)
{
	const char *type = stream_record_type(rec);
	json_t *seq = json_object_get(rec, "seq");
	int expect = in->res->last_seq + 1;

	if (!type || !json_is_integer(seq))
		return ingest_fail(in, "record lacks \"type\" or an integer \"seq\"");
	if (json_integer_value(seq) != expect)
		return ingest_fail(in, "seq %lld where %d was expected: a record was lost, repeated or interleaved",
			    (long long)json_integer_value(seq), expect);
	if (in->res->have_end)
		return ingest_fail(in, "'%s' record after the end record", type);
	if (expect == 0) {
		const char *fmt = json_string_value(json_object_get(rec, "format"));

		if (strcmp(type, "env"))
			return ingest_fail(in, "the stream starts with '%s', not the env record", type);
		if (!fmt || strcmp(fmt, "gupbench-stream-1"))
			return ingest_fail(in, "stream format '%s' is not gupbench-stream-1", fmt ? fmt : "(none)");
		in->res->last_seq = 0;
		return ingest_store_boot(in, rec, sha);
	}
	if (!strcmp(type, "start")) {
		const char *id = json_string_value(json_object_get(rec, "id"));

		if (!id)
			return ingest_fail(in, "start record lacks \"id\"");
		if (*open_start)
			return ingest_fail(in, "case '%s' starts before case '%s' reported", id, *open_start);
		*open_start = id;
	} else if (!strcmp(type, "case")) {
		const char *id = json_string_value(json_object_get(rec, "id"));

		if (!*open_start || !id || strcmp(id, *open_start))
			return ingest_fail(in, "case record '%s' without its start record", id ? id : "(no id)");
		*open_start = NULL;
		if (ingest_store_case(in, rec))
			return -1;
	} else if (!strcmp(type, "end")) {
		json_t *n = json_object_get(rec, "cases");

		if (*open_start)
			return ingest_fail(in, "end record while case '%s' has not reported", *open_start);
		if (!json_is_integer(n) || json_integer_value(n) != in->res->cases)
			return ingest_fail(in, "end record counts %lld cases but the stream has %d",
				    json_is_integer(n) ? (long long)json_integer_value(n) : -1LL, in->res->cases);
		for (size_t k = 0; k < sizeof(case_statuses) / sizeof(case_statuses[0]); k++) {
			n = json_object_get(rec, case_statuses[k]);
			if (!json_is_integer(n))
				return ingest_fail(in, "end record lacks the integer \"%s\" count", case_statuses[k]);
			if (json_integer_value(n) != in->nstatus[k])
				return ingest_fail(in, "end record counts %lld \"%s\" cases but the stream has %d",
					    (long long)json_integer_value(n), case_statuses[k], in->nstatus[k]);
		}
		n = json_object_get(rec, "stream_s");
		if (n && (!json_is_number(n) || !(json_number_value(n) >= 0)))
			return ingest_fail(in, "end record: \"stream_s\" is not a number of seconds >= 0");
		in->res->have_end = 1;
	} else {
		return ingest_fail(in, "unknown record type '%s'", type);
	}
	in->res->last_seq = expect;
	return 0;
}

int stream_read_lines(struct ingest *in, const char *buf, size_t len, const char *sha,
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
			ret = ingest_fail(in, "%s%s", nl ? "not a JSON object: " : "truncated record: ", jerr.text);
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
		return ingest_fail(in, "the stream is empty: no env record");
	if (!in->res->have_end && !allow_truncated)
		return ingest_fail(in, "the stream stops after seq %d without its end record (truncated)", in->res->last_seq);
	return 0;
}

/* A bench --json document: env plus cases, no seq numbers, always complete. */
int stream_read_document(struct ingest *in, json_t *doc, const char *sha)
{
	json_t *env = json_object_get(doc, "env"), *cases = json_object_get(doc, "cases"), *c;
	size_t i;

	in->line = 0;
	if (!json_is_object(env) || !json_is_array(cases))
		return ingest_fail(in, "gupbench-result-1 document lacks its \"env\" object or \"cases\" array");
	if (ingest_store_boot(in, env, sha))
		return -1;
	json_array_foreach(cases, i, c) {
		in->doc_case = (int)i + 1;
		if (!json_is_object(c))
			return ingest_fail(in, "not a JSON object");
		if (ingest_store_case(in, c))
			return -1;
	}
	in->doc_case = 0;
	in->res->have_end = 1;
	return 0;
}
