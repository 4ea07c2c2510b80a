/*
 * run: `gupharness run`. A run is one row in the database and one directory
 * (<db dir>/runs/<uuid>/, with run.json for --resume); each boot of each
 * kernel gets <kernel>/boot<i>/ with plan.json, initramfs.cpio, qemu-cmd,
 * console.log and results.jsonl. QEMU runs in its own process group; the
 * harness polls the results file while it runs, so that progress is live
 * and silence longer than the plan allows counts as a hung guest. Whatever
 * happened, the stream is ingested (a cut stream keeps its complete cases)
 * and the fault is stored as an event, and the run goes on with the next
 * kernel. The exit statuses are listed in run.h.
 */
#include "run.h"
#include "commands.h"
#include "db.h"
#include "ingest.h"
#include "initramfs.h"
#include "kcache.h"
#include "matrix.h"
#include "qemu.h"
#include "qmp.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_KERNELS 32

struct run_opts {
	const char *matrix_path, *db_path, *label, *accel, *resume, *shard;
	const char *kernels[MAX_KERNELS];
	int nk, repeat_boots, no_pin;
	double timeout;
};

/* One case's outcome as the stream reported it, for the summary table. */
struct case_row {
	char *kernel, *id, *status;
	int boot;
	double get_median, put_median;
	long n;
};

struct runner {
	struct run_opts o;
	struct matrix m;
	const struct arch_info *arch;
	sqlite3 *db;
	int64_t run_id;
	char *uuid, *run_dir, *bench, *qemu;
	const char *accel;
	size_t done, total;       /* cases, over the whole run */
	double t0;
	struct case_row *rows;
	size_t nrows;
	int faults, incomplete;
};

struct kernel_ctx {
	struct kernel_entry e;
	int64_t id;
	const char *name;
};

/* ---- small pure helpers (run.h) ---- */

void run_shard_range(size_t total, int k, int n, size_t *lo, size_t *hi)
{
	*lo = total * (size_t)(k - 1) / (size_t)n;
	*hi = total * (size_t)k / (size_t)n;
}

int run_parse_shard(const char *s, int *k, int *n)
{
	char *end;
	long a, b;

	errno = 0;
	a = strtol(s, &end, 10);
	if (*end != '/' || end == s)
		return -1;
	b = strtol(end + 1, &end, 10);
	if (*end || errno || a < 1 || b < 1 || a > b || b > 10000)
		return -1;
	*k = (int)a;
	*n = (int)b;
	return 0;
}

static const struct {
	const char *marker, *kind;
} console_faults[] = {
	{ "Kernel panic - not syncing", "panic" },
	{ "Oops:", "oops" },
	{ "BUG: ", "oops" },
	{ "kernel BUG at", "oops" },
};

const char *run_console_fault(const char *console, const char **kind)
{
	const char *best = NULL;

	/* a panic outranks an oops that led to it: the run events name both */
	for (size_t i = 0; i < sizeof(console_faults) / sizeof(console_faults[0]); i++) {
		const char *p = strstr(console, console_faults[i].marker);

		if (p && (!best || !strcmp(console_faults[i].kind, "panic"))) {
			while (p > console && p[-1] != '\n')
				p--;
			best = p;
			*kind = console_faults[i].kind;
			if (!strcmp(*kind, "panic"))
				break;
		}
	}
	return best;
}

char *run_excerpt(const char *text, const char *pos)
{
	enum { BEFORE = 8, AFTER = 40, CAP = 6000 };
	const char *end = text + strlen(text), *a, *b;
	int lines;

	if (!pos) {
		/* the tail: the last AFTER lines */
		a = end;
		for (lines = 0; a > text && lines <= AFTER; a--)
			if (a[-1] == '\n')
				lines++;
		if (a > text)
			a++;
		b = end;
	} else {
		a = pos;
		for (lines = 0; a > text && lines <= BEFORE; a--)
			if (a[-1] == '\n')
				lines++;
		if (a > text)
			a++;
		b = pos;
		for (lines = 0; b < end && lines < AFTER; b++)
			if (*b == '\n')
				lines++;
	}
	if (b - a > CAP) {
		if (pos)
			b = a + CAP;
		else
			a = b - CAP;
	}
	char *s = xmalloc((size_t)(b - a) + 1);

	memcpy(s, a, (size_t)(b - a));
	s[b - a] = '\0';
	return s;
}

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
	const char *type = json_string_value(json_object_get(rec, "type"));
	const char *id = json_string_value(json_object_get(rec, "id"));

	w->last_record = now_monotonic();
	if (!type)
		return;
	if (!strcmp(type, "env")) {
		w->got_env = 1;
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
		r->put_median = json_number_value(json_object_get(json_object_get(sum, "put"), "median"));
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
				json_t *rec;

				w->line[w->line_len] = '\0';
				rec = json_loads(w->line, 0, NULL);
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
	double total = R->o.timeout > 0 ? R->o.timeout : needs->total_timeout;
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
		if (R->o.timeout > 0 && limit > R->o.timeout)
			limit = R->o.timeout;
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
static int pin_wanted(const struct runner *R)
{
	return !R->o.no_pin && sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* Boot kernel K once over cases idx[0..n); store what came back. */
static void boot_once(struct runner *R, struct kernel_ctx *K, int boot, const size_t *idx, size_t n)
{
	struct plan_needs needs;
	char *plan = matrix_plan(&R->m, idx, n, R->arch, &needs);
	char *dir = boot_dir_for(R, K->name, boot);
	char *p_plan = xasprintf("%s/plan.json", dir), *p_initrd = xasprintf("%s/initramfs.cpio", dir);
	char *p_console = xasprintf("%s/console.log", dir), *p_results = xasprintf("%s/results.jsonl", dir);
	char *p_cmd = xasprintf("%s/qemu-cmd", dir), *p_out = xasprintf("%s/qemu.out", dir);
	char *selftest = needs.selftest ? xasprintf("%s/gup_test", K->e.dir) : NULL;
	/* /tmp, not the run directory: a socket path must fit in 108 bytes. */
	char *p_qmp = pin_wanted(R) ? xasprintf("/tmp/gupbench-qmp-%d-%d.sock", (int)getpid(), boot) : NULL;
	struct qemu_spec spec = {
		.arch = R->arch, .binary = R->qemu, .accel = R->accel, .kernel = K->e.image, .initrd = p_initrd,
		.console_path = p_console, .results_path = p_results, .qmp_path = p_qmp,
	};
	struct watch w = { .R = R, .kernel = K->name, .boot = boot };
	struct boot_outcome out = { 0 };
	char err[512], started[32], ended[32], **argv = NULL, *cmd = NULL;
	char *console = NULL, *stream = NULL;
	size_t stream_len = 0;
	const char *fault_kind = NULL, *fault_at;
	pid_t pid;

	qemu_spec_from_needs(&spec, &needs);
	if (mkdir_p(dir, 0755) || write_file_atomic(p_plan, plan, strlen(plan))) {
		error("cannot write '%s': %s", p_plan, strerror(errno));
		R->incomplete = 1;
		goto out;
	}
	if (initramfs_for_plan(p_initrd, R->bench, plan, selftest, err, sizeof(err))) {
		error("%s", err);
		R->incomplete = 1;
		goto out;
	}
	argv = qemu_argv(&spec);
	cmd = argv_to_string(argv);
	{
		char *line = xasprintf("%s\n", cmd);

		write_file_atomic(p_cmd, line, strlen(line));
		free(line);
	}
	note("%s boot%d: %zu cases, %ld MiB, %s, limit %.0f s", K->name, boot, n, needs.mem_mb, R->accel,
	     R->o.timeout > 0 ? R->o.timeout : needs.total_timeout);
	iso8601_now(started);
	pid = spawn_start(argv, &(struct spawn_opts){ .stdout_path = p_out, .merge_stderr = 1 });
	if (pid < 0) {
		error("cannot start '%s': %s", R->qemu, strerror(errno));
		R->incomplete = 1;
		goto out;
	}
	if (p_qmp) {
		char why[256];

		if (qmp_pin_vcpus(p_qmp, 3, why, sizeof(why)) < 0)
			warning("%s boot%d: vCPU threads not pinned: %s", K->name, boot, why);
		unlink(p_qmp);
	}
	watch_qemu(R, &w, pid, p_results, &needs, &out);
	iso8601_now(ended);

	console = read_file(p_console, NULL);
	if (!console)
		console = xstrdup("");
	stream = read_file(p_results, &stream_len);
	fault_at = run_console_fault(console, &fault_kind);
	if (out.interrupted)
		out.status = "incomplete";
	else if (fault_kind && !strcmp(fault_kind, "panic"))
		out.status = "panic";
	else if (out.timed_out)
		out.status = "timeout";
	else if (!w.have_end)
		out.status = "truncated";

	int64_t boot_id = 0;

	if (stream && stream_len) {
		struct ingest_ctx ctx = {
			.run_id = R->run_id, .kernel_id = K->id, .boot_index = boot, .accel = R->accel,
			.started = started, .ended = ended, .status = out.status,
		};
		struct ingest_result ir;

		if (ingest_stream(R->db, &ctx, stream, stream_len, 1, &ir)) {
			char *ex = run_excerpt(stream, NULL);
			char *msg = xasprintf("results stream not stored: %s", ir.err);

			add_event(R, 0, K, "bad_stream", w.current, msg, ex);
			free(msg);
			free(ex);
			R->incomplete = 1;
		} else {
			boot_id = ir.boot_id;
			note("%s boot%d: stored %d cases, %d samples in %.1f s", K->name, boot, ir.cases,
			     ir.samples, out.seconds);
			ingest_result_free(&ir);
		}
	}
	if (fault_kind) {
		char *ex = run_excerpt(console, fault_at);
		char *msg = w.current ? xasprintf("kernel %s in case '%s'", fault_kind, w.current)
				      : xasprintf("kernel %s %s", fault_kind, w.got_env ? "between cases" : "during boot");

		add_event(R, boot_id, K, fault_kind, w.current, msg, ex);
		free(msg);
		free(ex);
		R->faults = 1;
	}
	if (out.interrupted) {
		add_event(R, boot_id, K, "interrupted", w.current, "interrupted; QEMU stopped", NULL);
	} else if (out.timed_out && !(fault_kind && !strcmp(fault_kind, "panic"))) {
		char *ex = run_excerpt(console, NULL);
		char *msg = w.current ? xasprintf("guest hung in case '%s': %s", w.current, out.why)
				      : xasprintf("guest hung: %s", out.why);

		add_event(R, boot_id, K, "timeout", w.current, msg, ex);
		free(msg);
		free(ex);
		R->faults = 1;
	} else if (out.status && !strcmp(out.status, "truncated")) {
		char *ex = run_excerpt(console, NULL);
		char *msg = w.current
			? xasprintf("results stream ended inside case '%s' without its end record", w.current)
			: xasprintf("results stream ended without its end record (%ld bytes)", (long)stream_len);

		add_event(R, boot_id, K, "truncated", w.current, msg, ex);
		free(msg);
		free(ex);
		R->faults = 1;
	}
	if (out.status)
		R->incomplete = 1;
out:
	free(out.why);
	free(console);
	free(stream);
	free(w.line);
	free(w.current);
	free(cmd);
	qemu_argv_free(argv);
	free(selftest);
	free(plan);
	free(dir);
	free(p_plan);
	free(p_initrd);
	free(p_console);
	free(p_results);
	free(p_cmd);
	free(p_out);
	free(p_qmp);
}

/* ---- which cases a boot still needs ---- */

/* Case ids stored for this run, kernel and boot index (for --resume). */
static char **stored_case_ids(struct runner *R, int64_t kernel_id, int boot, size_t *n)
{
	static const char sql[] =
		"SELECT c.case_id FROM cases c JOIN boots b ON c.boot_id = b.id"
		" WHERE b.run_id = ?1 AND b.kernel_id = ?2 AND b.boot_index = ?3";
	sqlite3_stmt *st;
	char **ids = NULL;

	*n = 0;
	if (sqlite3_prepare_v2(R->db, sql, -1, &st, NULL) != SQLITE_OK)
		die(EXIT_DB, "cannot read stored cases: %s", sqlite3_errmsg(R->db));
	sqlite3_bind_int64(st, 1, R->run_id);
	sqlite3_bind_int64(st, 2, kernel_id);
	sqlite3_bind_int(st, 3, boot);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = xrealloc(ids, (*n + 1) * sizeof(*ids));
		ids[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return ids;
}

/* The shard's cases minus those already stored. Returns the count. */
static size_t cases_to_run(struct runner *R, int64_t kernel_id, int boot, size_t lo, size_t hi, size_t *idx)
{
	size_t nstored, n = 0;
	char **stored = stored_case_ids(R, kernel_id, boot, &nstored);

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

/* ---- options, run.json, resume ---- */

static void usage_run(FILE *f)
{
	fprintf(f,
		"usage: gupharness run --matrix FILE --kernel NAME [--kernel NAME ...] [options]\n"
		"       gupharness run --resume RUN [options]\n\n"
		"   --matrix FILE       matrix spec (harness/MATRIX.md)\n"
		"   --kernel NAME       a cached kernel ('gupharness kernel list'); repeatable\n"
		"   --db FILE           result database (default results/gupbench.db)\n"
		"   --label TEXT        a name for the run\n"
		"   --accel MODE        auto (default: KVM only if a probe boot works), kvm, tcg\n"
		"   --repeat-boots N    boot each kernel N times (boot-to-boot variance)\n"
		"   --timeout S         limit for each boot, and for silence within it\n"
		"   --shard K/N         run only the K-th of N slices of the cases\n"
		"   --resume RUN        run the cases a run (uuid or #id) is missing\n"
		"   --no-pin            leave QEMU's vCPU threads unpinned (default: pinned, one host CPU each)\n");
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "matrix", required_argument, NULL, 'm' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "db", required_argument, NULL, 'd' },
		{ "label", required_argument, NULL, 'l' },
		{ "accel", required_argument, NULL, 'a' },
		{ "repeat-boots", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "shard", required_argument, NULL, 's' },
		{ "resume", required_argument, NULL, 'R' },
		{ "no-pin", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;

	o->accel = "auto";
	o->repeat_boots = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': o->matrix_path = optarg; break;
		case 'd': o->db_path = optarg; break;
		case 'l': o->label = optarg; break;
		case 'a': o->accel = optarg; break;
		case 's': o->shard = optarg; break;
		case 'R': o->resume = optarg; break;
		case 'P': o->no_pin = 1; break;
		case 'h': usage_run(stdout); exit(EXIT_OK);
		case 'k':
			if (o->nk == MAX_KERNELS)
				return error("at most %d --kernel options", MAX_KERNELS);
			o->kernels[o->nk++] = optarg;
			break;
		case 'r':
			o->repeat_boots = (int)strtol(optarg, &end, 10);
			if (*end || o->repeat_boots < 1 || o->repeat_boots > 1000)
				return error("--repeat-boots '%s': expected a count from 1 to 1000", optarg);
			break;
		case 't':
			o->timeout = strtod(optarg, &end);
			if (*end || o->timeout <= 0)
				return error("--timeout '%s': expected seconds > 0", optarg);
			break;
		default:
			return error("unknown option '%s'; see 'gupharness run --help'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return error("unexpected argument '%s'; see 'gupharness run --help'", argv[optind]);
	if (strcmp(o->accel, "auto") && strcmp(o->accel, "kvm") && strcmp(o->accel, "tcg"))
		return error("--accel '%s': expected auto, kvm or tcg", o->accel);
	if (o->resume && (o->matrix_path || o->nk))
		return error("--resume takes the matrix and kernels from the run; drop --matrix and --kernel");
	if (!o->resume && (!o->matrix_path || !o->nk))
		return error("give --matrix FILE and at least one --kernel NAME (or --resume RUN)");
	return 0;
}

static char *json_run_file(const struct run_opts *o)
{
	json_t *j = json_object(), *ks = json_array();
	char *s;

	for (int i = 0; i < o->nk; i++)
		json_array_append_new(ks, json_string(o->kernels[i]));
	json_object_set_new(j, "kernels", ks);
	json_object_set_new(j, "repeat_boots", json_integer(o->repeat_boots));
	json_object_set_new(j, "shard", o->shard ? json_string(o->shard) : json_null());
	json_object_set_new(j, "matrix_path", json_string(o->matrix_path));
	s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return s;
}

/* Fill R from an earlier run: its row, its matrix text and its run.json. */
static int load_resume(struct runner *R, json_t **keep)
{
	static const char sql[] =
		"SELECT id, uuid, run_dir, matrix, matrix_name FROM runs"
		" WHERE uuid = ?1 OR (?2 > 0 AND id = ?2)";
	const char *arg = R->o.resume + (R->o.resume[0] == '#');
	sqlite3_stmt *st;
	char err[512], *path, *text;
	json_t *j;
	int rc = -1;

	if (sqlite3_prepare_v2(R->db, sql, -1, &st, NULL) != SQLITE_OK)
		die(EXIT_DB, "cannot look up run '%s': %s", R->o.resume, sqlite3_errmsg(R->db));
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, strtoll(arg, NULL, 10));
	if (sqlite3_step(st) != SQLITE_ROW || !sqlite3_column_text(st, 2) || !sqlite3_column_text(st, 3)) {
		sqlite3_finalize(st);
		return error("no run '%s' with a run directory and matrix in '%s'; see 'gupharness db list'",
			     R->o.resume, R->o.db_path);
	}
	R->run_id = sqlite3_column_int64(st, 0);
	R->uuid = xstrdup((const char *)sqlite3_column_text(st, 1));
	R->run_dir = xstrdup((const char *)sqlite3_column_text(st, 2));
	text = xstrdup((const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	if (matrix_parse(text, "stored matrix", &R->m, err, sizeof(err))) {
		free(text);
		return error("run '%s': %s", R->o.resume, err);
	}
	free(text);
	path = xasprintf("%s/run.json", R->run_dir);
	j = json_load_file(path, 0, NULL);
	if (!j || !json_is_array(json_object_get(j, "kernels"))) {
		error("run '%s': cannot read '%s'; it cannot be resumed", R->o.resume, path);
		goto out;
	}
	{
		size_t i;
		json_t *k;

		json_array_foreach(json_object_get(j, "kernels"), i, k)
			if (R->o.nk < MAX_KERNELS && json_is_string(k))
				R->o.kernels[R->o.nk++] = json_string_value(k);
	}
	R->o.repeat_boots = (int)json_integer_value(json_object_get(j, "repeat_boots"));
	if (R->o.repeat_boots < 1)
		R->o.repeat_boots = 1;
	R->o.shard = json_string_value(json_object_get(j, "shard"));
	R->o.matrix_path = json_string_value(json_object_get(j, "matrix_path"));
	*keep = j;
	j = NULL;
	rc = 0;
out:
	json_decref(j);
	free(path);
	return rc;
}

static void print_summary(struct runner *R)
{
	printf("%-24s %-5s %-8s %12s %12s %4s  %s\n", "kernel", "boot", "status", "get_med_us",
	       "put_med_us", "n", "case");
	for (size_t i = 0; i < R->nrows; i++) {
		struct case_row *r = &R->rows[i];

		printf("%-24s %-5d %-8s %12.1f %12.1f %4ld  %s\n", r->kernel, r->boot, r->status,
		       r->get_median, r->put_median, r->n, r->id);
	}
}

static char *new_uuid(void)
{
	unsigned char b[16];
	FILE *f = fopen("/dev/urandom", "rb");

	if (!f || fread(b, 1, sizeof(b), f) != sizeof(b))
		die(EXIT_ENV, "cannot read '/dev/urandom' for a run id");
	fclose(f);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
			 b[12], b[13], b[14], b[15]);
}

/* The directory next to the database that holds the run directories. */
static char *runs_root(const char *db_path)
{
	char *d = xstrdup(db_path), *slash = strrchr(d, '/');
	char *r;

	if (slash)
		*slash = '\0';
	r = slash ? xasprintf("%s/runs", d) : xstrdup("runs");
	free(d);
	return r;
}

int cmd_run(int argc, char **argv)
{
	struct runner R = { 0 };
	struct kernel_ctx K[MAX_KERNELS];
	json_t *resume_doc = NULL;
	char err[512], *qv = NULL, *cmdline = NULL;
	int shard_k = 1, shard_n = 1, rc;
	size_t lo, hi, *idx;

	memset(K, 0, sizeof(K));
	/* a closed pipe on stdout/stderr must not kill the harness and orphan QEMU */
	signal(SIGPIPE, SIG_IGN);
	if (parse_opts(argc, argv, &R.o))
		return EXIT_USAGE;
	if (!R.o.db_path)
		R.o.db_path = default_db_path();
	/* everything the run needs is checked before anything is stored */
	if (!R.o.resume && matrix_load(R.o.matrix_path, &R.m, err, sizeof(err))) {
		fprintf(stderr, "gupharness: %s\n", err);
		return EXIT_USAGE;
	}
	R.db = db_open(R.o.db_path, 0);
	if (R.o.resume && load_resume(&R, &resume_doc)) {
		db_close(R.db);
		return EXIT_USAGE;
	}
	if (R.o.shard && run_parse_shard(R.o.shard, &shard_k, &shard_n)) {
		error("--shard '%s': expected K/N with 1 <= K <= N", R.o.shard);
		rc = EXIT_USAGE;
		goto out;
	}
	for (int i = 0; i < R.o.nk; i++) {
		K[i].name = R.o.kernels[i];
		if (kcache_lookup(K[i].name, &K[i].e)) {
			char **names;
			int n = kcache_names(&names);
			size_t len = 1;
			char *list;

			for (int j = 0; j < n; j++)
				len += strlen(names[j]) + 2;
			list = xmalloc(len);
			list[0] = '\0';
			for (int j = 0; j < n; j++) {
				strcat(list, j ? ", " : "");
				strcat(list, names[j]);
				free(names[j]);
			}
			if (n >= 0)
				free(names);
			error("no kernel '%s' in the cache (have: %s); build it with 'gupharness kernel build'",
			      K[i].name, n > 0 ? list : "none");
			free(list);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	R.arch = arch_lookup(K[0].e.arch);
	for (int i = 0; i < R.o.nk; i++) {
		if (!K[i].e.arch || !arch_lookup(K[i].e.arch) || !qemu_binary(K[i].e.arch)) {
			error("kernel '%s' is for arch '%s', which run cannot boot (known: %s)", K[i].name,
			      K[i].e.arch ? K[i].e.arch : "?", arch_names());
			rc = EXIT_USAGE;
			goto out;
		}
		if (strcmp(K[i].e.arch, K[0].e.arch)) {
			error("kernels '%s' and '%s' are for different arches; run them separately",
			      K[0].name, K[i].name);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	{
		/* impossible cases: caught here rather than as a guest failure */
		size_t *all = xcalloc(R.m.n, sizeof(*all));
		struct plan_needs needs;
		char *plan;

		for (size_t i = 0; i < R.m.n; i++)
			all[i] = i;
		plan = matrix_plan(&R.m, all, R.m.n, R.arch, &needs);
		free(plan);
		free(all);
		for (int i = 0; i < R.o.nk; i++) {
			char *gt = xasprintf("%s/gup_test", K[i].e.dir);
			int have = file_exists(gt);

			free(gt);
			if (needs.selftest && !have) {
				error("kernel '%s' has no gup_test selftest binary; drop \"selftest\" from the matrix",
				      K[i].name);
				rc = EXIT_USAGE;
				goto out;
			}
			if (needs.numa_nodes > 1 && !kcache_config_has(&K[i].e, "NUMA_EMU")) {
				error("the matrix names NUMA node %d but kernel '%s' lacks CONFIG_NUMA_EMU",
				      needs.numa_nodes - 1, K[i].name);
				rc = EXIT_USAGE;
				goto out;
			}
		}
	}
	R.qemu = xstrdup(qemu_binary(R.arch->name));
	if (!have_program(R.qemu)) {
		error("'%s' is not installed; run 'make deps' (Debian: %s)", R.qemu, R.arch->deb_qemu);
		rc = EXIT_ENV;
		goto out;
	}
	R.bench = repo_path("bench/gupbench");
	if (!file_exists(R.bench)) {
		error("the guest bench '%s' is missing; run 'make'", R.bench);
		rc = EXIT_ENV;
		goto out;
	}
	qv = qemu_version(R.qemu);
	if (!qv)
		qv = xstrdup("unknown");

	/* the run row and directory */
	{
		char **full = xcalloc((size_t)argc + 2, sizeof(*full));

		full[0] = "gupharness";
		for (int i = 0; i < argc; i++)
			full[i + 1] = argv[i];
		cmdline = argv_to_string(full);
		free(full);
	}
	for (int i = 0; i < R.o.nk; i++)
		K[i].id = db_kernel_upsert(R.db, K[i].name, K[i].e.meta_json);
	if (!R.o.resume) {
		char *root = runs_root(R.o.db_path), *rj, *p;

		R.uuid = new_uuid();
		R.run_dir = xasprintf("%s/%s", root, R.uuid);
		free(root);
		if (mkdir_p(R.run_dir, 0755))
			die(EXIT_IO, "cannot create run directory '%s': %s", R.run_dir, strerror(errno));
		rj = json_run_file(&R.o);
		p = xasprintf("%s/run.json", R.run_dir);
		if (write_file_atomic(p, rj, strlen(rj)))
			die(EXIT_IO, "cannot write '%s': %s", p, strerror(errno));
		free(p);
		free(rj);
	}
	{
		/* accelerator: probe with the first kernel and an empty plan */
		struct plan_needs pn;
		size_t none = 0;
		char *pdir = xasprintf("%s/accel-probe", R.run_dir);
		char *pplan = matrix_plan(&R.m, &none, 0, R.arch, &pn);
		char *pinit = xasprintf("%s/initramfs.cpio", pdir), *pcon = xasprintf("%s/console.log", pdir);
		char *pres = xasprintf("%s/results.jsonl", pdir);
		struct qemu_spec probe = {
			.arch = R.arch, .binary = R.qemu, .kernel = K[0].e.image, .initrd = pinit,
			.console_path = pcon, .results_path = pres,
		};

		qemu_spec_from_needs(&probe, &pn);
		R.accel = "tcg";
		if (strcmp(R.o.accel, "tcg")) {
			if (mkdir_p(pdir, 0755) || initramfs_for_plan(pinit, R.bench, pplan, NULL, err, sizeof(err)))
				die(EXIT_IO, "cannot write the probe image in '%s'", pdir);
			R.accel = qemu_pick_accel(R.o.accel, &probe, 10);
		}
		free(pdir);
		free(pplan);
		free(pinit);
		free(pcon);
		free(pres);
		if (!R.accel) {
			rc = EXIT_ENV;
			goto out;
		}
	}
	if (!R.o.resume) {
		char *noise = xasprintf("{\"guest_fifo\":%d,\"vcpu_pinning\":%s,\"accel\":\"%s\"}",
					R.m.n ? R.m.cases[0].fifo : 0, pin_wanted(&R) ? "true" : "false", R.accel);
		struct db_run_info info = {
			.uuid = R.uuid, .label = R.o.label, .matrix_name = R.m.name, .matrix_json = R.m.text,
			.cmdline = cmdline, .run_dir = R.run_dir, .accel = R.accel, .noise_json = noise,
			.host_id = db_host_current(R.db, qv),
		};

		R.run_id = db_run_create(R.db, &info);
		free(noise);
		if (R.run_id < 0)
			die(EXIT_DB, "cannot record the run in '%s'", R.o.db_path);
	} else {
		db_run_set_status(R.db, R.run_id, "running");
	}
	note("run %s: matrix '%s', %zu cases, %d kernel(s), %d boot(s) each, %s; %s", R.uuid, R.m.name,
	     R.m.n, R.o.nk, R.o.repeat_boots, R.accel, R.run_dir);

	/* plan every boot first so that progress knows the total */
	run_shard_range(R.m.n, shard_k, shard_n, &lo, &hi);
	idx = xcalloc(R.m.n + 1, sizeof(*idx));
	for (int i = 0; i < R.o.nk; i++)
		for (int b = 0; b < R.o.repeat_boots; b++)
			R.total += cases_to_run(&R, K[i].id, b, lo, hi, idx);
	R.t0 = now_monotonic();
	for (int i = 0; i < R.o.nk && !spawn_interrupted(); i++)
		for (int b = 0; b < R.o.repeat_boots && !spawn_interrupted(); b++) {
			size_t n = cases_to_run(&R, K[i].id, b, lo, hi, idx);

			if (n)
				boot_once(&R, &K[i], b, idx, n);
		}
	free(idx);
	if (spawn_interrupted()) {
		db_event_add(R.db, R.run_id, 0, 0, "interrupted", NULL,
			     "run interrupted; finish it with 'gupharness run --resume'", NULL);
		R.incomplete = 1;
	}
	db_run_set_status(R.db, R.run_id, R.incomplete ? "incomplete" : "complete");
	print_summary(&R);
	if (R.incomplete)
		note("run %s incomplete after %.1f s; finish it with 'gupharness run --resume %s --db %s'",
		     R.uuid, now_monotonic() - R.t0, R.uuid, R.o.db_path);
	else
		note("run %s complete in %.1f s", R.uuid, now_monotonic() - R.t0);
	rc = spawn_interrupted() ? EXIT_INTERRUPTED : R.faults ? EXIT_GUEST : R.incomplete ? EXIT_FAIL : EXIT_OK;
out:
	free(cmdline);
	free(qv);
	for (int i = 0; i < R.o.nk; i++)
		if (K[i].e.name)
			kernel_entry_free(&K[i].e);
	for (size_t i = 0; i < R.nrows; i++) {
		free(R.rows[i].kernel);
		free(R.rows[i].id);
		free(R.rows[i].status);
	}
	free(R.rows);
	matrix_free(&R.m);
	db_close(R.db);
	json_decref(resume_doc);
	free(R.uuid);
	free(R.run_dir);
	free(R.bench);
	free(R.qemu);
	return rc;
}
