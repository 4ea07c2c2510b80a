/*
 * emit: text and JSON sinks for finished cases, and the sequenced results
 * stream. Every record is built as a jansson object and dumped compact on
 * one line: a line is the unit the harness checks (seq, completeness).
 */
#include "bench/emit.h"
#include "lib/diag.h"
#include "bench/hugetlb.h"
#include "lib/stats.h"
#include "bench/workload.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TOOL_FORMAT_STREAM "gupbench-stream-1"

const char *case_status_name(enum case_status st)
{
	static const char *const names[] = { [CASE_OK] = "ok", [CASE_SKIP] = "skip", [CASE_ERROR] = "error" };

	return names[st];
}

void human_sample(const struct bench_opts *o, const struct sample *s, void *file)
{
	FILE *f = file;
	const struct gup_cmd_info *ci = gup_cmd_info(o->cmd);

	if (!workload_is_gup_test(o->workload)) {
		fprintf(f, "%s: Time: get:%llu", o->workload->name, (unsigned long long)s->get_us);
		if (o->workload->put_what)
			fprintf(f, " put:%llu", (unsigned long long)s->put_us);
		fprintf(f, " us%s\n", s->warmup ? " (warm-up)" : "");
		fflush(f);
		return;
	}
	if (!ci->timed) {
		fprintf(f, "%s: done\n", ci->ioctl_name);
		if (s->truncated)
			fprintf(f, "Truncated (size: %llu)\n", (unsigned long long)s->size);
		return;
	}
	fprintf(f, "%s: Time: get:%llu put:%llu us", ci->ioctl_name, (unsigned long long)s->get_us,
		(unsigned long long)s->put_us);
	if (s->truncated)
		fprintf(f, ", truncated (size: %llu)", (unsigned long long)s->size);
	if (s->warmup)
		fputs(" (warm-up)", f);
	fputc('\n', f);
	fflush(f);
}

/* get or put times of the measured (non-warm-up) samples */
static double *measured(const struct case_result *r, int put, size_t *n)
{
	double *x = xcalloc(r->nr_samples, sizeof(double));

	*n = 0;
	for (size_t i = 0; i < r->nr_samples; i++)
		if (!r->samples[i].warmup)
			x[(*n)++] = (double)(put ? r->samples[i].put_us : r->samples[i].get_us);
	return x;
}

static void summarize(const struct case_result *r, int put, struct summary *s)
{
	size_t n;
	double *x = measured(r, put, &n);

	stats_summary(x, n, s);
	free(x);
}

void human_summary(FILE *f, const struct bench_opts *o, const struct case_result *r)
{
	const struct gup_cmd_info *ci = gup_cmd_info(o->cmd);
	int gup = workload_is_gup_test(o->workload), put = gup || o->workload->put_what;
	const char *label = gup ? ci->ioctl_name : o->workload->name;
	struct summary g, p;
	size_t warm = 0, trunc = 0;

	if (gup && o->cmd == CMD_PIN_LONGTERM_TEST && r->status == CASE_OK) {
		fprintf(f, "# %s: ok: %lu MiB pinned, writes after the pin seen through it\n", ci->ioctl_name,
			o->size_mb);
		return;
	}
	if ((gup && !ci->timed) || !r->nr_samples)
		return;
	for (size_t i = 0; i < r->nr_samples; i++)
		warm += r->samples[i].warmup, trunc += r->samples[i].truncated;
	summarize(r, 0, &g);
	summarize(r, 1, &p);
	fprintf(f, "# %s: summary: get median %.1f us (mean %.1f, stddev %.1f, min %.0f, max %.0f), ",
		label, g.median, g.mean, g.stddev, g.min, g.max);
	if (put)
		fprintf(f, "put median %.1f us; ", p.median);
	fprintf(f, "%zu samples, %zu warm-up excluded, %zu truncated\n", g.n, warm, trunc);
}

static json_t *summary_obj(const struct summary *s)
{
	return json_pack("{s:I,s:f,s:f,s:f,s:f,s:f}", "n", (json_int_t)s->n, "mean", s->mean,
			 "median", s->median, "stddev", s->stddev, "min", s->min, "max", s->max);
}

json_t *summary_json(const struct case_result *r)
{
	struct summary g, p;

	summarize(r, 0, &g);
	summarize(r, 1, &p);
	return json_pack("{s:o,s:o}", "get", summary_obj(&g), "put", summary_obj(&p));
}

json_t *params_json(const struct bench_opts *o)
{
	static const char *const thp[] = { "system", "off", "on" };
	const struct workload *w = o->workload;
	unsigned long hkb = o->hugetlb ? (o->hugetlb_kb ? o->hugetlb_kb : hugetlb_default_kb()) : 0;
	unsigned long flags = o->gup_flags | (o->write ? GUP_FOLL_WRITE : 0) | (o->touch ? GUP_FOLL_TOUCH : 0);
	int gup = workload_is_gup_test(w);
	json_t *p;

	p = json_pack("{s:s,s:s,s:{s:s,s:s?},s:s,s:I,s:I,s:I,s:I,s:I,s:s,s:b,s:I,s:b,s:I,s:I,s:I,s:I}",
		      "cmd", gup ? gup_cmd_info(o->cmd)->name : w->name,
		      "workload", w->name,
		      "timed", "get", w->get_what, "put", w->put_what,
		      "clock", w->clock,
		      "size_bytes", (json_int_t)opts_size_bytes(o),
		      "size_mb", (json_int_t)o->size_mb,
		      "nr_pages_per_call", (json_int_t)opts_nr_pages(o, (unsigned long)sysconf(_SC_PAGESIZE)),
		      "repeats", (json_int_t)o->repeats,
		      "warmup", (json_int_t)o->warmup,
		      "thp", thp[o->thp + 1],
		      "hugetlb", o->hugetlb,
		      "hugetlb_kb", (json_int_t)hkb,
		      "shared", o->shared,
		      "numa_node", (json_int_t)o->numa_node,
		      "cpu", (json_int_t)o->cpu,
		      "threads", (json_int_t)(gup ? o->threads : 1),
		      "fifo", (json_int_t)o->fifo);
	if (gup)
		json_object_update_new(p, json_pack("{s:b,s:s,s:I,s:b}", "write", o->write, "file", o->file,
						    "gup_flags", (json_int_t)flags, "touch", o->touch));
	else if (w->accepts & OC_SOURCE)
		json_object_set_new(p, "source", o->source ? json_string(o->source) : json_null());
	return p;
}

/* Per thread, the sorted CPUs it ran on: [[0],[1]] for -j 2 on two CPUs. */
static json_t *thread_cpus_json(const struct case_result *r)
{
	json_t *all = json_array();

	for (unsigned long i = 0; i < r->nr_threads; i++) {
		json_t *one = json_array();

		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &r->thread_cpus[i]))
				json_array_append_new(one, json_integer(c));
		json_array_append_new(all, one);
	}
	return all;
}

/* A workload without a put time says so with nulls, never a fake 0. */
static void drop_put(json_t *rec)
{
	size_t i;
	json_t *s;

	json_object_set_new(json_object_get(rec, "summary"), "put", json_null());
	json_array_foreach(json_object_get(rec, "samples"), i, s)
		json_object_set_new(s, "put_us", json_null());
}

/*
 * The case's "phases" (PROTOCOL.md), once its range was mapped: where the
 * guest's time went besides the kernel's get/put, how the range was
 * faulted in and whether it was kept from an earlier case. The plan
 * executor adds case_s.
 */
static void add_phases(json_t *rec, const struct case_result *r)
{
	const struct case_phases *ph = &r->phases;

	if (!ph->populate)
		return;
	json_object_set_new(rec, "phases", json_pack("{s:s,s:b,s:f,s:f,s:f,s:f}", "populate", ph->populate,
		"reused", ph->reused, "setup_s", ph->setup_s, "fault_s", ph->fault_s, "gup_s", ph->gup_s,
		"teardown_s", ph->teardown_s));
}

json_t *case_json(const char *id, const char *tool, char *const argv[], int argc,
		  const struct bench_opts *o, const struct case_result *r)
{
	json_t *rec, *args = json_array(), *samples = json_array();
	char key[512];
	int selftest = !strcmp(tool, "selftest");

	for (int i = 0; i < argc; i++)
		json_array_append_new(args, json_string(argv[i]));
	for (size_t i = 0; i < r->nr_samples; i++) {
		const struct sample *s = &r->samples[i];

		json_array_append_new(samples, json_pack("{s:I,s:I,s:b,s:b,s:i}",
			"get_us", (json_int_t)s->get_us, "put_us", (json_int_t)s->put_us,
			"truncated", s->truncated, "warmup", s->warmup, "thread", s->thread));
	}
	opts_key(o, key, sizeof(key));
	rec = json_pack("{s:s,s:s?,s:s,s:o,s:s+,s:o,s:s,s:s,s:o,s:o}",
			"type", "case",
			"id", id,
			"tool", tool,
			"argv", args,
			"key", selftest ? "selftest: " : "", key,
			"params", params_json(o),
			"status", case_status_name(r->status),
			"reason", r->reason,
			"samples", samples,
			"summary", summary_json(r));
	if (!rec)
		die(EXIT_FAIL, "cannot build the case record (bug)");
	if (r->thread_cpus)
		json_object_set_new(rec, "thread_cpus", thread_cpus_json(r));
	if (!workload_is_gup_test(o->workload) && !o->workload->put_what)
		drop_put(rec);
	add_phases(rec, r);
	return rec;
}

void stream_init(struct stream *s, FILE *f)
{
	memset(s, 0, sizeof(*s));
	s->f = f;
}

int stream_emit(struct stream *s, const char *type, json_t *rec)
{
	json_t *out = json_pack("{s:s,s:I}", "type", type, "seq", (json_int_t)s->seq++);
	struct timespec t0, t1;
	char *line;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* type and seq first: a reader of the raw stream sees them at once */
	json_object_del(rec, "type");
	json_object_del(rec, "seq");
	json_object_update(out, rec);
	json_decref(rec);
	rec = out;
	line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(rec);
	if (!line)
		return -1;
	if (fprintf(s->f, "%s\n", line) < 0 || fflush(s->f))
		rc = -1;
	free(line);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s->write_s += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}

void stream_count(struct stream *s, const char *status)
{
	s->cases++;
	if (!strcmp(status, "ok"))
		s->ok++;
	else if (!strcmp(status, "skip"))
		s->skip++;
	else
		s->error++;
}

int stream_end(struct stream *s, json_t *extra)
{
	json_t *rec = json_pack("{s:I,s:I,s:I,s:I,s:f}", "cases", (json_int_t)s->cases, "ok", (json_int_t)s->ok,
				"skip", (json_int_t)s->skip, "error", (json_int_t)s->error, "stream_s", s->write_s);

	if (extra) {
		json_object_update(rec, extra);
		json_decref(extra);
	}
	return stream_emit(s, "end", rec);
}

json_t *result_document(json_t *env, json_t *cases)
{
	return json_pack("{s:s,s:o,s:o}", "format", "gupbench-result-1", "env", env, "cases", cases);
}

FILE *out_open(const char *path)
{
	char tmp[4096];
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdout;
	fmt_into(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		die(EXIT_IO, "cannot write '%s': %s (check the directory exists and is writable)", tmp,
			  strerror(errno));
	return f;
}

int out_close(FILE *f, const char *path)
{
	char tmp[4096];

	if (f == stdout)
		return fflush(stdout) ? -1 : 0;
	fmt_into(tmp, sizeof(tmp), "%s.tmp", path);
	if (fflush(f) || fsync(fileno(f)) || fclose(f) || rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}
