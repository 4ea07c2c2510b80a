/*
 * planrun: the fork-per-case executor. The child measures and sends its case
 * record as one JSON text through a pipe; the parent adds the sequence
 * number. Trusting only a complete record from a child that exited 0 is what
 * makes "whatever a crashed case sent is not reported" hold. Children leave
 * with _exit(): an exit() would run the parent's atexit knob restore.
 */
#include "planrun.h"
#include "diag.h"
#include "selftest.h"
#include "workload.h"

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

static _Noreturn void child(const struct plan_case *c, const char *selftest, int fd)
{
	struct case_result r;
	json_t *rec;

	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (c->selftest) {
		run_selftest(selftest, c->argv, c->argc, c->timeout_s, &r);
	} else {
		workload_run(&c->opts, &r, human_sample, stderr);
		human_summary(stderr, &c->opts, &r);
	}
	if (r.status != CASE_OK)
		fprintf(stderr, "%s: case '%s': %s\n", r.status == CASE_SKIP ? "skip" : "error", c->id, r.reason);
	rec = case_json(c->id, c->selftest ? "selftest" : "gupbench", c->argv, c->argc, &c->opts, &r);
	if (json_dumpfd(rec, fd, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)))
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

json_t *run_isolated(const struct plan_case *c, const char *selftest)
{
	/* the selftest has its own deadline inside; ours must outlast it */
	double deadline = mono() + c->timeout_s + (c->selftest ? 5 : 0);
	size_t cap = 1 << 16, len = 0;
	char *buf = xmalloc(cap);
	int pfd[2], st, timed_out = 0;
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
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = deadline - mono();
		ssize_t n;

		if (left <= 0) {
			timed_out = 1;
			break;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		if (len + 4096 > cap)
			buf = xrealloc(buf, cap *= 2);
		n = read(pfd[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(pfd[0]);
	buf[len] = 0;
	if (timed_out) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		rec = error_record(c, "timed out after %u s", c->timeout_s);
	else if (WIFSIGNALED(st))
		rec = error_record(c, "killed by signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st))
		rec = error_record(c, "case process exited with status %d", WEXITSTATUS(st));
	else if (!(rec = json_loads(buf, 0, &je)))
		rec = error_record(c, "case process sent a bad record: %s", je.text);
	free(buf);
	return rec;
}

int plan_run(const struct plan *p, const char *selftest, struct stream *s)
{
	for (size_t i = 0; i < p->nr_cases; i++) {
		const struct plan_case *c = &p->cases[i];
		json_t *rec;

		if (stream_emit(s, "start", json_pack("{s:s}", "id", c->id)))
			return -1;
		rec = run_isolated(c, selftest);
		stream_count(s, json_string_value(json_object_get(rec, "status")));
		if (stream_emit(s, "case", rec))
			return -1;
	}
	return 0;
}
