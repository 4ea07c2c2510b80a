/*
 * selftest: fork/exec of the selftest binary with a pipe on its output and a
 * deadline. The bench is linked without the harness's spawn module (it must
 * stay a small static binary), so this is its own minimal version: argv
 * array, no shell, own process group, SIGKILL of the group on timeout.
 */
#include "bench/selftest.h"
#include "lib/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int selftest_parse_line(const char *line, struct sample *s)
{
	const char *g = strstr(line, "get:"), *p = strstr(line, "put:"), *t;
	unsigned long long get, put;

	if (!g || !p || sscanf(g, "get:%llu", &get) != 1 || sscanf(p, "put:%llu", &put) != 1)
		return 0;
	memset(s, 0, sizeof(*s));
	s->get_us = get;
	s->put_us = put;
	t = strstr(line, "truncated (size: ");
	if (t) {
		s->truncated = 1;
		sscanf(t, "truncated (size: %llu", &get);
		s->size = get;
	}
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read all output until EOF or the deadline; returns -1 on timeout. */
static int slurp(int fd, double deadline, char **buf, size_t *len)
{
	size_t cap = 4096;

	*buf = xmalloc(cap);
	*len = 0;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double left = deadline - now();
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (!pfd.revents)
			continue;
		if (*len + 1024 > cap)
			*buf = xrealloc(*buf, cap *= 2);
		n = read(fd, *buf + *len, cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	(*buf)[*len] = 0;
	return 0;
}

static void parse_output(char *out, struct case_result *r)
{
	size_t cap = 16;
	char *save, *line;

	r->samples = xcalloc(cap, sizeof(struct sample));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct sample s;

		if (strstr(line, "# SKIP") || strstr(line, "check if CONFIG_GUP_TEST"))
			case_set(r, CASE_SKIP, EXIT_SKIP, "selftest: %s", line);
		if (!selftest_parse_line(line, &s))
			continue;
		if (r->nr_samples == cap)
			r->samples = xrealloc(r->samples, (cap *= 2) * sizeof(struct sample));
		r->samples[r->nr_samples++] = s;
	}
}

int run_selftest(const char *path, char *const args[], int nargs, unsigned timeout_s,
		 struct case_result *r)
{
	char **argv = xcalloc((size_t)nargs + 2, sizeof(char *));
	int pfd[2], st, timed_out;
	char *out;
	size_t len;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	argv[0] = (char *)path;
	for (int i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	if (access(path, X_OK)) {
		case_set(r, CASE_SKIP, EXIT_SKIP, "no selftest binary '%s' (pass --selftest PATH)", path);
		free(argv);
		return r->exit_status;
	}
	if (pipe2(pfd, O_CLOEXEC))
		die(EXIT_FAIL, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die(EXIT_FAIL, "fork: %s", strerror(errno));
	if (!pid) {
		setpgid(0, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execv(path, argv);
		_exit(127);
	}
	close(pfd[1]);
	timed_out = slurp(pfd[0], now() + timeout_s, &out, &len) < 0;
	close(pfd[0]);
	if (timed_out)
		kill(-pid, SIGKILL), kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	fwrite(out, 1, len, stderr);
	parse_output(out, r);
	if (timed_out)
		case_set(r, CASE_ERROR, EXIT_FAIL, "selftest '%s' timed out after %u s", path, timeout_s);
	else if (WIFSIGNALED(st))
		case_set(r, CASE_ERROR, EXIT_FAIL, "selftest killed by signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st) == EXIT_SKIP && r->status != CASE_SKIP)
		case_set(r, CASE_SKIP, EXIT_SKIP, "selftest exited with status 4 (SKIP)");
	else if (WEXITSTATUS(st) && WEXITSTATUS(st) != EXIT_SKIP)
		case_set(r, CASE_ERROR, EXIT_FAIL, "selftest exited with status %d", WEXITSTATUS(st));
	if (r->status != CASE_OK) {
		free(r->samples);
		r->samples = NULL;
		r->nr_samples = 0;
	}
	free(out);
	free(argv);
	return r->exit_status;
}
