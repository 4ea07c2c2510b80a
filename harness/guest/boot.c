/*
 * boot: one guest boot, plan -> QEMU -> watch -> ingest (see boot.h). Each
 * boot of each kernel gets <run dir>/<kernel>/boot<i>/ with plan.json,
 * initramfs.cpio, qemu-cmd, console.log and results.jsonl. QEMU runs in
 * its own process group; the results file is polled while it runs, so that
 * progress is live and silence longer than the plan allows counts as a hung
 * guest. Whatever happened, the stream is ingested (a cut stream keeps its
 * complete cases) and each fault is stored as an event.
 */
#include "harness/guest/boot.h"
#include "harness/guest/console.h"
#include "results/db.h"
#include "results/ingest.h"
#include "results/stream.h"
#include "harness/guest/initramfs.h"
#include "harness/guest/qemu.h"
#include "harness/guest/qmp.h"
#include "results/runs.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <errno.h>
#include <math.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *fmt_duration(double s, char *buf, size_t len)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, len, "%lds", t);
	return buf;
}

/* ---- the results stream while it arrives ---- */

struct watch {
	struct runner *R;
	const char *kernel;
	int boot;
	int vcpus;               /* QEMU's -smp N */
	char *line;              /* partial line carried between reads */
	size_t line_len;
	long offset;             /* bytes of the results file consumed */
	int got_env, have_end;
	char *current;           /* case started and not finished */
	double last_record;
};

static void on_record(struct watch *w, json_t *rec)
{
	struct runner *R = w->R;
	const char *type = stream_record_type(rec);
	const char *id = json_string_value(json_object_get(rec, "id"));

	w->last_record = now_monotonic();
	if (!type)
		return;
	if (!strcmp(type, "env")) {
		json_int_t seen = json_integer_value(json_object_get(rec, "cpus"));

		w->got_env = 1;
		if (seen != w->vcpus)
			warning("%s boot%d: the guest sees %lld of its %d vCPUs (a kernel built before the SMP fragment? rebuild it: gupharness kernel build)",
				w->kernel, w->boot, (long long)seen, w->vcpus);
	} else if (!strcmp(type, "start") && id) {
		free(w->current);
		w->current = xstrdup(id);
	} else if (!strcmp(type, "case") && id) {
		const char *st = json_string_value(json_object_get(rec, "status"));
		json_t *sum = json_object_get(rec, "summary");
		struct case_row *r;
		char eta[32];

		R->rows = xrealloc(R->rows, (R->nrows + 1) * sizeof(*R->rows));
		r = &R->rows[R->nrows++];
		r->kernel = xstrdup(w->kernel);
		r->id = xstrdup(id);
		r->status = xstrdup(st ? st : "?");
		r->boot = w->boot;
		r->get_median = json_number_value(json_object_get(json_object_get(sum, "get"), "median"));
		/* a workload without a put time has "put": null (bench/PROTOCOL.md) */
		r->put_median = json_is_object(json_object_get(sum, "put"))
			? json_number_value(json_object_get(json_object_get(sum, "put"), "median")) : NAN;
		r->n = (long)json_integer_value(json_object_get(json_object_get(sum, "get"), "n"));
		free(w->current);
		w->current = NULL;
		R->done++;
		fmt_duration(R->done < R->total
			     ? (now_monotonic() - R->t0) / (double)R->done * (double)(R->total - R->done) : 0,
			     eta, sizeof(eta));
		note("[%zu/%zu] %s boot%d '%s' %s %.0f us  ETA %s", R->done, R->total, w->kernel, w->boot,
		     id, r->status, r->get_median, eta);
	} else if (!strcmp(type, "end")) {
		w->have_end = 1;
	}
}

/* Feed the new bytes of the results file; only whole lines are parsed. */
static void watch_poll(struct watch *w, const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (!f)
		return;
	if (fseek(f, w->offset, SEEK_SET)) {
		fclose(f);
		return;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		w->offset += (long)n;
		for (size_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				w->line = xrealloc(w->line, w->line_len + 2);
				w->line[w->line_len++] = buf[i];
				continue;
			}
			if (w->line_len) {
				json_t *rec = stream_record_parse(w->line, w->line_len, NULL);

				if (rec)
					on_record(w, rec);
				json_decref(rec);
			}
			w->line_len = 0;
		}
	}
	fclose(f);
}

/* Has the child exited? Peeks without reaping, so spawn_wait can reap it. */
static int child_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

/* ---- one boot ---- */

struct boot_outcome {
	const char *status;      /* NULL: complete */
	int timed_out, interrupted;
	double seconds;
	char *why;               /* for the timeout event */
};

static char *boot_dir_for(struct runner *R, const char *kernel, int boot)
{
	char *d = xasprintf("%s/%s/boot%d", R->run_dir, kernel, boot);

	/* a resumed boot keeps the earlier attempt's files next to it */
	for (int a = 2; file_exists(d); a++) {
		free(d);
		d = xasprintf("%s/%s/boot%d.%d", R->run_dir, kernel, boot, a);
	}
	return d;
}

static void watch_qemu(struct runner *R, struct watch *w, pid_t pid, const char *results,
		       const struct plan_needs *needs, struct boot_outcome *out)
{
	double t0 = now_monotonic(), end_seen = 0;
	double total = R->timeout > 0 ? R->timeout : needs->total_timeout;
	struct spawn_result res;

	w->last_record = t0;
	for (;;) {
		double now, limit;

		usleep(50000);
		watch_poll(w, results);
		if (child_exited(pid)) {
			spawn_wait(pid, 0, &res);
			spawn_result_free(&res);
			break;
		}
		now = now_monotonic();
		if (spawn_interrupted()) {
			out->interrupted = 1;
			spawn_kill(pid);
			break;
		}
		if (w->have_end && !end_seen)
			end_seen = now;
		/* the bench reboots after its end record; give QEMU a moment to notice */
		if (end_seen && now - end_seen > 10) {
			spawn_kill(pid);
			break;
		}
		limit = w->got_env ? needs->case_timeout : needs->boot_timeout;
		if (R->timeout > 0 && limit > R->timeout)
			limit = R->timeout;
		if (!w->have_end && (now - w->last_record > limit || now - t0 > total)) {
			out->timed_out = 1;
			out->why = now - t0 > total
				? xasprintf("boot exceeded its %.0f s limit", total)
				: xasprintf("no results for %.0f s %s", limit,
					    w->got_env ? "after the last record" : "after QEMU started");
			spawn_kill(pid);
			break;
		}
	}
	watch_poll(w, results);
	out->seconds = now_monotonic() - t0;
}

static void add_event(struct runner *R, int64_t boot_id, struct kernel_ctx *K, const char *kind,
		      const char *case_id, const char *msg, const char *excerpt)
{
	warning("%s: %s", K->name, msg);
	db_event_add(R->db, R->run_id, boot_id, K->id, kind, case_id, msg, excerpt);
}

/* Pin vCPU threads unless asked not to or the host has a single CPU. */
int boot_pin_wanted(const struct runner *R)
{
	return !R->no_pin && sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* Boot kernel K once over cases idx[0..n); store what came back. */

/* Where one boot keeps its files. */
struct boot_files {
	char *dir, *plan, *initrd, *console, *results, *cmd, *out, *qmp;
};

static void boot_files_init(struct boot_files *f, struct runner *R, const char *kernel, int boot)
{
	f->dir = boot_dir_for(R, kernel, boot);
	f->plan = xasprintf("%s/plan.json", f->dir);
	f->initrd = xasprintf("%s/initramfs.cpio", f->dir);
	f->console = xasprintf("%s/console.log", f->dir);
	f->results = xasprintf("%s/results.jsonl", f->dir);
	f->cmd = xasprintf("%s/qemu-cmd", f->dir);
	f->out = xasprintf("%s/qemu.out", f->dir);
	/* /tmp, not the run directory: a socket path must fit in 108 bytes. */
	f->qmp = boot_pin_wanted(R) ? qmp_socket_new() : NULL;
}

static void boot_files_free(struct boot_files *f)
{
	free(f->dir);
	free(f->plan);
	free(f->initrd);
	free(f->console);
	free(f->results);
	free(f->cmd);
	free(f->out);
	qmp_socket_free(f->qmp);
}

/* Plan file and initramfs. 0, or -1 with the error printed. */
static int boot_prepare(struct runner *R, const struct kernel_ctx *K, const struct boot_files *f,
			const char *plan, const struct plan_needs *needs)
{
	char *selftest = needs->selftest ? xasprintf("%s/gup_test", K->e.dir) : NULL;
	char err[512];
	int r = 0;

	if (mkdir_p(f->dir, 0755) || write_file_atomic(f->plan, plan, strlen(plan))) {
		error("cannot write '%s': %s", f->plan, strerror(errno));
		r = -1;
	} else if (initramfs_for_plan(f->initrd, R->bench, plan, selftest, err, sizeof(err))) {
		error("%s", err);
		r = -1;
	}
	free(selftest);
	return r;
}

/* Record the QEMU command in qemu-cmd, start QEMU, pin its vCPUs. pid or -1. */
static pid_t boot_start(struct runner *R, const struct kernel_ctx *K, int boot, const struct boot_files *f,
			char **argv)
{
	char *cmd = argv_to_string(argv), *line = xasprintf("%s\n", cmd);
	pid_t pid;

	write_file_atomic(f->cmd, line, strlen(line));
	free(line);
	free(cmd);
	pid = spawn_start(argv, &(struct spawn_opts){ .stdout_path = f->out, .merge_stderr = 1 });
	if (pid < 0) {
		error("cannot start '%s': %s", R->qemu, strerror(errno));
		return -1;
	}
	if (f->qmp) {
		char why[256];

		if (qmp_pin_vcpus(f->qmp, 3, why, sizeof(why)) < 0)
			warning("%s boot%d: vCPU threads not pinned: %s", K->name, boot, why);
	}
	return pid;
}

/* What a boot left behind, read once it is over. */
struct boot_debris {
	char *console, *stream;
	size_t stream_len;
	struct console_scan scan;   /* what the console showed */
	char started[32], ended[32];
};

/* The boot's status for the database: NULL complete, else why not. */
static const char *boot_status(const struct boot_outcome *out, const struct boot_debris *d,
			       const struct watch *w)
{
	if (out->interrupted)
		return "incomplete";
	if (d->scan.fatal)
		return "panic";
	if (out->timed_out)
		return "timeout";
	if (!w->have_end)
		return "truncated";
	return NULL;
}

/*
 * A boot's identity for ingest: with the stream's bytes it keys the stored
 * boot, so that byte-identical icount streams of two boots are both kept,
 * and a stream recovered from disk on --resume is the boot it stored then.
 */
static char *boot_identity(const struct runner *R, const struct kernel_ctx *K, int boot)
{
	return xasprintf("%s/%s/boot%d", R->uuid, K->name, boot);
}

/* Ingest what the stream holds. The boot row's id, or 0. */
static int64_t boot_store(struct runner *R, struct kernel_ctx *K, int boot, const struct watch *w,
			  const struct boot_outcome *out, const struct boot_debris *d)
{
	char *identity = boot_identity(R, K, boot);
	struct ingest_ctx ctx = {
		.run_id = R->run_id, .kernel_id = K->id, .boot_index = boot, .accel = R->accel, .clock = R->clock,
		.started = d->started, .ended = d->ended, .status = out->status, .identity = identity,
		.vcpus = w->vcpus,
	};
	struct ingest_result ir;
	int64_t boot_id = 0;
	int failed;

	if (!d->stream || !d->stream_len) {
		free(identity);
		return 0;
	}
	failed = ingest_stream(R->db, &ctx, d->stream, d->stream_len, 1, &ir);
	free(identity);
	if (failed) {
		char *ex = console_excerpt(d->stream, NULL);
		char *msg = xasprintf("results stream not stored: %s", ir.err);

		add_event(R, 0, K, "bad_stream", w->current, msg, ex);
		free(msg);
		free(ex);
		R->incomplete = 1;
	} else {
		boot_id = ir.boot_id;
		note("%s boot%d: stored %d cases, %d samples in %.1f s", K->name, boot, ir.cases,
		     ir.samples, out->seconds);
		ingest_result_free(&ir);
	}
	return boot_id;
}

static void fault_event(struct runner *R, int64_t boot_id, struct kernel_ctx *K, const char *kind,
			const char *case_id, char *msg, char *excerpt)
{
	add_event(R, boot_id, K, kind, case_id, msg, excerpt);
	free(msg);
	free(excerpt);
	R->faults = 1;
}

/* A console finding the kernel went on from: an event that flags the boot's
 * samples suspect (compare shows it), never a failed run. */
static void suspect_event(struct runner *R, int64_t boot_id, struct kernel_ctx *K, const struct boot_debris *d,
			  const struct console_finding *c)
{
	char *line = console_line(c->at), *ex = console_excerpt(d->console, c->at);
	char *msg = xasprintf("kernel %s on the console (%zu line%s; the boot's samples are suspect): %s", c->kind,
			      c->lines, c->lines == 1 ? "" : "s", line);

	add_event(R, boot_id, K, c->kind, NULL, msg, ex);
	free(msg);
	free(ex);
	free(line);
}

/* One event for each kind of trouble the boot showed: console, hang, cut stream. */
static void boot_events(struct runner *R, struct kernel_ctx *K, int64_t boot_id, const struct watch *w,
			const struct boot_outcome *out, const struct boot_debris *d)
{
	const char *cur = w->current;

	for (size_t i = 0; i < d->scan.n; i++) {
		const struct console_finding *c = &d->scan.f[i];

		if (c->severity == CONSOLE_SUSPECT)
			suspect_event(R, boot_id, K, d, c);
		else
			fault_event(R, boot_id, K, c->kind, cur,
				    cur ? xasprintf("kernel %s in case '%s'", c->kind, cur)
					: xasprintf("kernel %s %s", c->kind, w->got_env ? "between cases" : "during boot"),
				    console_excerpt(d->console, c->at));
	}
	if (out->interrupted)
		add_event(R, boot_id, K, "interrupted", cur, "interrupted; QEMU stopped", NULL);
	else if (out->timed_out && !d->scan.fatal)
		fault_event(R, boot_id, K, "timeout", cur,
			    cur ? xasprintf("guest hung in case '%s': %s", cur, out->why)
				: xasprintf("guest hung: %s", out->why),
			    console_excerpt(d->console, NULL));
	else if (out->status && !strcmp(out->status, "truncated"))
		fault_event(R, boot_id, K, "truncated", cur,
			    cur ? xasprintf("results stream ended inside case '%s' without its end record", cur)
				: xasprintf("results stream ended without its end record (%ld bytes)",
					    (long)d->stream_len),
			    console_excerpt(d->console, NULL));
}

/*
 * The plan's limits are for a guest at TCG speed; under icount every timer
 * read and device access ends a translation block, which made the same
 * boot 2 to 4 times slower here, so its limits stretch by this factor.
 */
#define ICOUNT_SLOWDOWN 4.0

static void scale_limits(const struct runner *R, struct plan_needs *needs)
{
	if (strcmp(R->clock, "icount"))
		return;
	needs->boot_timeout *= ICOUNT_SLOWDOWN;
	needs->case_timeout *= ICOUNT_SLOWDOWN;
	needs->total_timeout *= ICOUNT_SLOWDOWN;
}

/* The user's --cpus, --memory, --append and --qemu-arg over the plan's
 * guest; returns the append words, which the spec points into. */
static struct strvec *apply_guest_settings(struct qemu_spec *s, const struct guest_settings *g)
{
	struct strvec *w = xcalloc(1, sizeof(*w));
	char *copy = g->append ? xstrdup(g->append) : NULL, *save = NULL;

	if (g->cpus)
		s->cpus = g->cpus;
	if (g->mem_mb)
		s->mem_mb = g->mem_mb;
	for (char *t = copy ? strtok_r(copy, " \t", &save) : NULL; t; t = strtok_r(NULL, " \t", &save))
		strvec_push(w, t);
	free(copy);
	s->append = w->nr ? (const char *const *)w->v : NULL;
	s->qemu_args = g->nqemu_args ? g->qemu_args : NULL;
	return w;
}

void boot_once(struct runner *R, struct kernel_ctx *K, int boot, const size_t *idx, size_t n)
{
	struct plan_needs needs;
	char *plan = matrix_plan(&R->m, idx, n, R->arch, &needs), **argv;
	struct boot_files f;
	struct qemu_spec spec = {
		.arch = R->arch, .binary = R->qemu, .accel = R->accel, .clock = R->clock, .kernel = K->e.image,
	};
	struct watch w = { .R = R, .kernel = K->name, .boot = boot };
	struct boot_outcome out = { 0 };
	struct boot_debris d = { 0 };
	struct strvec *append;
	pid_t pid = -1;

	boot_files_init(&f, R, K->name, boot);
	scale_limits(R, &needs);
	qemu_spec_from_needs(&spec, &needs);
	append = apply_guest_settings(&spec, &R->guest);
	w.vcpus = spec.cpus;
	spec.initrd = f.initrd;
	spec.console_path = f.console;
	spec.results_path = f.results;
	spec.qmp_path = f.qmp;
	argv = qemu_argv(&spec);
	if (!boot_prepare(R, K, &f, plan, &needs)) {
		note("%s boot%d: %zu cases, %ld MiB, %d vCPU%s, %s, %s clock, limit %.0f s", K->name, boot, n,
		     spec.mem_mb, spec.cpus, spec.cpus == 1 ? "" : "s", R->accel, R->clock,
		     R->timeout > 0 ? R->timeout : needs.total_timeout);
		iso8601_now(d.started);
		pid = boot_start(R, K, boot, &f, argv);
	}
	if (pid < 0) {
		R->incomplete = 1;
		goto out;
	}
	watch_qemu(R, &w, pid, f.results, &needs, &out);
	iso8601_now(d.ended);
	d.console = read_file(f.console, NULL);
	if (!d.console)
		d.console = xstrdup("");
	d.stream = read_file(f.results, &d.stream_len);
	console_scan(d.console, &d.scan);
	out.status = boot_status(&out, &d, &w);
	boot_events(R, K, boot_store(R, K, boot, &w, &out, &d), &w, &out, &d);
	if (out.status)
		R->incomplete = 1;
out:
	free(out.why);
	free(d.console);
	free(d.stream);
	free(w.line);
	free(w.current);
	qemu_argv_free(argv);
	free(plan);
	boot_files_free(&f);
	strvec_clear(append);
	free(append);
}

int boot_pick_accel(struct runner *R, const struct kernel_ctx *K, const char *want, const char *clock)
{
	struct plan_needs pn;
	size_t none = 0;
	char err[512];
	char *pdir = xasprintf("%s/accel-probe", R->run_dir);
	char *pplan = matrix_plan(&R->m, &none, 0, R->arch, &pn);
	char *pinit = xasprintf("%s/initramfs.cpio", pdir), *pcon = xasprintf("%s/console.log", pdir);
	char *pres = xasprintf("%s/results.jsonl", pdir);
	struct qemu_spec probe = {
		.arch = R->arch, .binary = R->qemu, .kernel = K->e.image, .initrd = pinit,
		.console_path = pcon, .results_path = pres,
	};

	/* the probe boots the first kernel with an empty plan */
	qemu_spec_from_needs(&probe, &pn);
	R->accel = "tcg";
	if (strcmp(want, "tcg") && strcmp(clock, "icount")) {
		if (mkdir_p(pdir, 0755) || initramfs_for_plan(pinit, R->bench, pplan, NULL, err, sizeof(err)))
			die(EXIT_IO, "cannot write the probe image in '%s'", pdir);
		R->accel = qemu_pick_accel(want, &probe, 10);
	}
	free(pdir);
	free(pplan);
	free(pinit);
	free(pcon);
	free(pres);
	if (R->accel)
		R->clock = qemu_pick_clock(clock, R->accel);
	return R->accel && R->clock ? 0 : -1;
}

/* ---- streams left on disk by an earlier attempt (--resume) ---- */

/* The vCPUs of the boot whose results file is at path, from its qemu-cmd. */
static int recorded_vcpus(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *cmdpath = xasprintf("%.*s/qemu-cmd", slash ? (int)(slash - path) : 1, slash ? path : ".");
	char *cmd = read_file(cmdpath, NULL);
	int n = qemu_cmd_cpus(cmd);

	free(cmd);
	free(cmdpath);
	return n;
}

static void recover_one(struct runner *R, struct kernel_ctx *K, int boot, const char *path)
{
	char *identity = boot_identity(R, K, boot);
	struct ingest_ctx ctx = { .run_id = R->run_id, .kernel_id = K->id, .boot_index = boot, .accel = R->accel,
				  .clock = R->clock, .identity = identity, .vcpus = recorded_vcpus(path) };
	struct ingest_result ir;
	size_t len;
	char *buf = read_file(path, &len);
	int failed;

	if (!buf || !len) {
		free(buf);
		free(identity);
		return;
	}
	failed = ingest_stream(R->db, &ctx, buf, len, 1, &ir);
	free(identity);
	if (failed)
		warning("%s: not recovered: %s", path, ir.err);
	else {
		if (!ir.duplicate)
			note("%s boot%d: recovered %d cases, %d samples from '%s' before booting", K->name, boot,
			     ir.cases, ir.samples, path);
		ingest_result_free(&ir);
	}
	free(buf);
}

void boot_recover_streams(struct runner *R, struct kernel_ctx *K, int nk, int repeat_boots)
{
	for (int i = 0; i < nk; i++)
		for (int b = 0; b < repeat_boots; b++)
			for (int a = 1;; a++) {
				char *p = a == 1 ? xasprintf("%s/%s/boot%d/results.jsonl", R->run_dir, K[i].name, b)
						 : xasprintf("%s/%s/boot%d.%d/results.jsonl", R->run_dir, K[i].name, b, a);
				int there = file_exists(p);

				if (there)
					recover_one(R, &K[i], b, p);
				free(p);
				if (!there && a > 1)
					break;
			}
}

/* ---- which cases a boot still needs ---- */

/* The shard's cases minus those already stored. Returns the count. */
size_t boot_cases_to_run(struct runner *R, int64_t kernel_id, int boot, size_t lo, size_t hi, size_t *idx)
{
	size_t nstored, n = 0;
	char **stored = runs_stored_case_ids(R->db, R->run_id, kernel_id, boot, &nstored);

	for (size_t i = lo; i < hi; i++) {
		int have = 0;

		for (size_t j = 0; j < nstored && !have; j++)
			have = !strcmp(stored[j], R->m.cases[i].id);
		if (!have)
			idx[n++] = i;
	}
	for (size_t j = 0; j < nstored; j++)
		free(stored[j]);
	free(stored);
	return n;
}

