/*
 * planrun: the case executor. Cases run in child processes with a deadline;
 * a child sends each case record as one JSON text through a socket and the
 * parent adds the sequence number. Trusting only a complete record from a
 * child that is still well is what makes "whatever a crashed case sent is
 * not reported" hold. gup_test cases without placement options run one
 * after another in one long-lived worker child, which saves a fork per case
 * and keeps faulted-in ranges for the next case of the same mapping type
 * (range.c says why that measures the same); a worker that crashes or hangs
 * costs the case it was running, and the next case starts a new one.
 * Everything else (selftest twins, workloads, --cpu/--fifo/--numa-node,
 * which change the process) gets a child of its own, with no worker alive
 * beside it. Children leave with _exit(): an exit() would run the parent's
 * atexit knob restore.
 */
#include "bench/planrun.h"
#include "lib/diag.h"
#include "bench/range.h"
#include "bench/selftest.h"
#include "bench/workload.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define RECORD_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))

/* A child's own process group (the deadline kills it whole) and default signals. */
static void child_init(void)
{
	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

/* Run one case in this process and return its record. */
static json_t *measure(const struct plan_case *c, const char *selftest)
{
	struct case_result r;
	json_t *rec;

	if (c->selftest) {
		run_selftest(selftest, c->argv, c->argc, c->timeout_s, &r);
	} else {
		workload_run(&c->opts, &r, human_sample, stderr);
		human_summary(stderr, &c->opts, &r);
	}
	if (r.status != CASE_OK)
		fprintf(stderr, "%s: case '%s': %s\n", r.status == CASE_SKIP ? "skip" : "error", c->id, r.reason);
	rec = case_json(c->id, c->selftest ? "selftest" : "gupbench", c->argv, c->argc, &c->opts, &r);
	case_result_free(&r);
	return rec;
}

static _Noreturn void child(const struct plan_case *c, const char *selftest, int fd)
{
	child_init();
	if (json_dumpfd(measure(c, selftest), fd, RECORD_FLAGS))
		_exit(EXIT_IO);
	_exit(0);
}

static json_t *error_record(const struct plan_case *c, const char *fmt, ...) ATTR_PRINTF(2, 3);

static json_t *error_record(const struct plan_case *c, const char *fmt, ...)
{
	struct case_result r = { .status = CASE_ERROR, .exit_status = EXIT_FAIL };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r.reason, sizeof(r.reason), fmt, ap);
	va_end(ap);
	fprintf(stderr, "error: case '%s': %s\n", c->id, r.reason);
	return case_json(c->id, c->selftest ? "selftest" : "gupbench", c->argv, c->argc, &c->opts, &r);
}

/* phases.case_s: the whole case as the executor saw it, fork or hand-over to parsed record. */
static void add_case_s(json_t *rec, double case_s)
{
	json_t *ph = json_object_get(rec, "phases");

	if (!json_is_object(ph))
		json_object_set_new(rec, "phases", ph = json_object());
	json_object_set_new(ph, "case_s", json_real(case_s));
}

/*
 * Read from fd into *buf until EOF (0), until a newline when line is set
 * (1), or until the deadline (-1).
 */
static int collect(int fd, double deadline, int line, char **buf, size_t *len, size_t *cap)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = deadline - mono();
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		if (*len + 4096 > *cap)
			*buf = xrealloc(*buf, *cap *= 2);
		n = read(fd, *buf + *len, *cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		*len += (size_t)n;
		(*buf)[*len] = 0;
		if (line && memchr(*buf + *len - n, '\n', (size_t)n))
			return 1;
	}
}

/* Kill a child's process group (a timed-out case) and reap it; its wait status. */
static int reap(pid_t pid, int kill_it)
{
	int st = 0;

	if (kill_it) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* The record of a case whose child sent no usable record: why, from its end. */
static json_t *lost_record(const struct plan_case *c, int timed_out, int st)
{
	if (timed_out)
		return error_record(c, "timed out after %u s", c->timeout_s);
	if (WIFSIGNALED(st))
		return error_record(c, "killed by signal %d", WTERMSIG(st));
	return error_record(c, "case process exited with status %d", WEXITSTATUS(st));
}

json_t *run_isolated(const struct plan_case *c, const char *selftest)
{
	/* the selftest has its own deadline inside; ours must outlast it */
	double start = mono(), deadline = start + c->timeout_s + (c->selftest ? 5 : 0);
	size_t cap = 1 << 16, len = 0;
	char *buf = xmalloc(cap);
	int pfd[2], st, timed_out;
	json_error_t je;
	json_t *rec;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		die(EXIT_FAIL, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return free(buf), close(pfd[0]), close(pfd[1]), error_record(c, "fork failed: %s", strerror(errno));
	if (!pid) {
		close(pfd[0]);
		child(c, selftest, pfd[1]);
	}
	setpgid(pid, pid);
	close(pfd[1]);
	buf[0] = 0;
	timed_out = collect(pfd[0], deadline, 0, &buf, &len, &cap) < 0;
	close(pfd[0]);
	st = reap(pid, timed_out);
	if (timed_out || WIFSIGNALED(st) || WEXITSTATUS(st))
		rec = lost_record(c, timed_out, st);
	else if (!(rec = json_loads(buf, 0, &je)))
		rec = error_record(c, "case process sent a bad record: %s", je.text);
	free(buf);
	add_case_s(rec, mono() - start);
	return rec;
}

/* The long-lived child for gup_test cases: case indexes in, records out. */
struct worker {
	pid_t pid;      /* 0: none running */
	int to, from;   /* the parent's ends of the two pipes (no AF_UNIX in tinyconfig guests) */
};

static int worker_case(const struct plan_case *c)
{
	const struct bench_opts *o = &c->opts;

	return !c->selftest && workload_is_gup_test(o->workload) && o->cpu < 0 && !o->fifo && o->numa_node < 0;
}

/* The worker: run the case of each index read from in, answer on out with its record and a newline. */
static _Noreturn void worker_loop(const struct plan *p, int in, int out)
{
	size_t i;

	child_init();
	runner_keep_ranges(1);
	while (read(in, &i, sizeof(i)) == (ssize_t)sizeof(i) && i < p->nr_cases) {
		json_t *rec = measure(&p->cases[i], NULL);
		char *line = json_dumps(rec, RECORD_FLAGS);
		size_t len = line ? strlen(line) : 0, off = 0;

		if (!line)
			_exit(EXIT_IO);
		line[len++] = '\n';   /* over the NUL: the record is all that is sent */
		while (off < len) {
			ssize_t n = write(out, line + off, len - off);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				_exit(EXIT_IO);
			off += (size_t)n;
		}
		free(line);
		json_decref(rec);
	}
	runner_keep_ranges(0);
	_exit(0);
}

/* Fork the worker; -1 with errno when that fails. */
static int worker_start(struct worker *w, const struct plan *p)
{
	int down[2], up[2];

	if (pipe2(down, O_CLOEXEC))
		return -1;
	if (pipe2(up, O_CLOEXEC)) {
		close(down[0]), close(down[1]);
		return -1;
	}
	fflush(NULL);
	w->pid = fork();
	if (!w->pid) {
		close(down[1]), close(up[0]);
		worker_loop(p, down[0], up[1]);
	}
	close(down[0]), close(up[1]);
	if (w->pid < 0) {
		int e = errno;

		close(down[1]), close(up[0]);
		w->pid = 0;
		errno = e;
		return -1;
	}
	setpgid(w->pid, w->pid);
	w->to = down[1];
	w->from = up[0];
	return 0;
}

/* End the worker: a clean one sees EOF and leaves; kill_it for one that must not finish. */
static int worker_stop(struct worker *w, int kill_it)
{
	int st;

	close(w->to);
	close(w->from);
	st = reap(w->pid, kill_it);
	w->pid = 0;
	return st;
}

/* Case i of p in the worker (started if none runs); its record, never NULL. */
static json_t *run_in_worker(struct worker *w, const struct plan *p, size_t i)
{
	const struct plan_case *c = &p->cases[i];
	double start = mono(), deadline = start + c->timeout_s;
	size_t cap = 1 << 16, len = 0;
	char *buf;
	int got;
	json_error_t je;
	json_t *rec;

	if (!w->pid && worker_start(w, p))
		return error_record(c, "cannot start the case worker: %s", strerror(errno));
	buf = xmalloc(cap);
	buf[0] = 0;
	/* SIGPIPE is ignored while plans run: a dead worker is an EPIPE here */
	got = write(w->to, &i, sizeof(i)) == (ssize_t)sizeof(i) ? collect(w->from, deadline, 1, &buf, &len, &cap) : 0;
	if (got <= 0)
		rec = lost_record(c, got < 0, worker_stop(w, got < 0));
	else if (!(rec = json_loads(buf, 0, &je))) {
		rec = error_record(c, "case process sent a bad record: %s", je.text);
		worker_stop(w, 1);
	}
	free(buf);
	add_case_s(rec, mono() - start);
	return rec;
}

/*
 * The order cases run in: the plan's, except that within a stretch of
 * consecutive worker cases those of one mapping type run together (types in
 * the order they first appear), so that the worker faults each type's range
 * in once. Matrices vary the mapping axes fastest; without this a kept
 * range would rarely meet its type again before being evicted.
 */
static size_t *run_order(const struct plan *p)
{
	size_t *ord = xcalloc(p->nr_cases ? p->nr_cases : 1, sizeof(*ord)), n = 0;
	char *done = xcalloc(p->nr_cases ? p->nr_cases : 1, 1);

	for (size_t i = 0; i < p->nr_cases; i++) {
		if (done[i])
			continue;
		ord[n++] = i;
		done[i] = 1;
		for (size_t j = i + 1; worker_case(&p->cases[i]) && j < p->nr_cases && worker_case(&p->cases[j]); j++)
			if (!done[j] && range_same_type(&p->cases[i].opts, &p->cases[j].opts)) {
				ord[n++] = j;
				done[j] = 1;
			}
	}
	free(done);
	return ord;
}

int plan_run(const struct plan *p, const char *selftest, struct stream *s)
{
	struct worker w = { 0 };
	void (*was)(int) = signal(SIGPIPE, SIG_IGN);
	size_t *ord = run_order(p);
	int rc = 0;

	for (size_t k = 0; k < p->nr_cases && !rc; k++) {
		size_t i = ord[k];
		const struct plan_case *c = &p->cases[i];
		json_t *rec;

		if (stream_emit(s, "start", json_pack("{s:s}", "id", c->id))) {
			rc = -1;
			break;
		}
		if (worker_case(c)) {
			rec = run_in_worker(&w, p, i);
		} else {
			if (w.pid)
				worker_stop(&w, 0);
			rec = run_isolated(c, selftest);
		}
		stream_count(s, json_string_value(json_object_get(rec, "status")));
		rc = stream_emit(s, "case", rec);
	}
	if (w.pid)
		worker_stop(&w, 0);
	signal(SIGPIPE, was);
	free(ord);
	return rc;
}
