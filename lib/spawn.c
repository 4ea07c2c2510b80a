/*
 * spawn: child processes for the harness. Each child leads its own process
 * group; the live ones are kept in a small registry so that SIGINT/SIGTERM
 * (and timeouts) kill whole groups and no QEMU or make is left orphaned.
 * A SIGKILLed harness cannot run a handler: each child asks the kernel for
 * SIGKILL when its parent dies (PR_SET_PDEATHSIG), so a QEMU never outlives
 * the harness that started it.
 */
#include "lib/spawn.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LIVE 64
static volatile pid_t live[MAX_LIVE];
static volatile sig_atomic_t interrupted;

static void live_add(pid_t pid)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (!live[i]) {
			live[i] = pid;
			return;
		}
}

static void live_del(pid_t pid)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == pid)
			live[i] = 0;
}

static void on_signal(int sig)
{
	interrupted = sig;
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] > 0)
			kill(-live[i], SIGTERM);
}

void spawn_install_signal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int spawn_interrupted(void)
{
	return interrupted;
}

int have_program(const char *name)
{
	const char *path = getenv("PATH");
	char *dup, *tok, *save = NULL;
	int found = 0;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	dup = xstrdup(path ? path : "/usr/bin:/bin");
	for (tok = strtok_r(dup, ":", &save); tok && !found; tok = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", tok, name);

		found = access(p, X_OK) == 0;
		free(p);
	}
	free(dup);
	return found;
}

static int open_or(const char *path, int flags, int fallback)
{
	if (!path)
		return fallback;
	return open(path, flags, 0644);
}

/* Child side: never returns. Reports exec failure through errpipe. */
static void child_exec(char *const argv[], const struct spawn_opts *o, int outfd, int errpipe, pid_t parent)
{
	int in, out, err;

	/* Die with the harness; if it died before this line, no signal will come. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(127);
	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (o->cwd && chdir(o->cwd))
		goto fail;
	in = open(o->stdin_path ? o->stdin_path : "/dev/null", O_RDONLY);
	if (in < 0)
		goto fail;
	dup2(in, 0);
	if (outfd >= 0) {
		out = outfd;
	} else {
		out = open_or(o->stdout_path, O_WRONLY | O_CREAT | (o->out_append ? O_APPEND : O_TRUNC), 1);
		if (out < 0)
			goto fail;
	}
	if (out != 1)
		dup2(out, 1);
	if (o->merge_stderr) {
		dup2(1, 2);
	} else if (o->stderr_path) {
		err = open(o->stderr_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (err < 0)
			goto fail;
		dup2(err, 2);
	}
	if (o->env)
		for (char *const *e = o->env; *e; e++)
			putenv(*e);
	execvp(argv[0], argv);
fail:
	{
		int e = errno;

		if (write(errpipe, &e, sizeof(e)) < 0)
			_exit(127);
	}
	_exit(127);
}

static pid_t start(char *const argv[], const struct spawn_opts *o, int *outrd, int *exec_err)
{
	int ep[2], op[2] = { -1, -1 }, e = 0;
	pid_t pid, self = getpid();

	if (pipe2(ep, O_CLOEXEC))
		return -1;
	if (outrd && pipe2(op, O_CLOEXEC)) {
		close(ep[0]);
		close(ep[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(ep[0]);
		close(ep[1]);
		if (op[0] >= 0) {
			close(op[0]);
			close(op[1]);
		}
		errno = e;
		return -1;
	}
	if (pid == 0) {
		if (op[1] >= 0) {
			/* dup2 clears O_CLOEXEC on the target */
			dup2(op[1], 1);
			child_exec(argv, o, 1, ep[1], self);
		}
		child_exec(argv, o, -1, ep[1], self);
	}
	setpgid(pid, pid);
	live_add(pid);
	close(ep[1]);
	if (op[1] >= 0)
		close(op[1]);
	if (read(ep[0], &e, sizeof(e)) == (ssize_t)sizeof(e))
		*exec_err = e;
	close(ep[0]);
	if (outrd)
		*outrd = op[0];
	return pid;
}

void spawn_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(-pid, SIGTERM);
	for (int i = 0; i < 20; i++) {
		if (waitpid(pid, NULL, WNOHANG) != 0) {
			kill(-pid, SIGKILL);
			live_del(pid);
			return;
		}
		usleep(50000);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
	live_del(pid);
}

static void finish_status(struct spawn_result *r, int st)
{
	if (WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		r->status = 128 + WTERMSIG(st);
	else
		r->status = 255;
}

/* Hand a chunk of the child's output to the capture buffer and callback. */
static void absorb(const struct spawn_opts *o, struct spawn_result *r, size_t *cap,
		   const char *buf, size_t n)
{
	if (o && o->capture) {
		if (r->out_len + n + 1 > *cap) {
			*cap = (r->out_len + n + 1) * 2;
			r->out = xrealloc(r->out, *cap);
		}
		memcpy(r->out + r->out_len, buf, n);
		r->out_len += n;
		r->out[r->out_len] = '\0';
	}
	if (o && o->on_output)
		o->on_output(buf, n, o->on_output_arg);
}

/* Wait for pid while draining outrd (may be -1); kill the group on timeout. */
static int wait_loop(pid_t pid, int outrd, const struct spawn_opts *o, double timeout,
		     struct spawn_result *r, double t0)
{
	size_t cap = 0;
	int st, done = 0;

	while (!done) {
		double left = timeout > 0 ? timeout - (now_monotonic() - t0) : 1.0;
		int ms = left <= 0 ? 0 : (left > 0.2 ? 200 : (int)(left * 1000));

		if (timeout > 0 && left <= 0) {
			r->timed_out = 1;
			spawn_kill(pid);
			r->status = 128 + SIGKILL;
			break;
		}
		if (outrd >= 0) {
			struct pollfd pfd = { .fd = outrd, .events = POLLIN };

			if (poll(&pfd, 1, ms) > 0) {
				char buf[65536];
				ssize_t n = read(outrd, buf, sizeof(buf));

				if (n > 0) {
					absorb(o, r, &cap, buf, (size_t)n);
					continue;
				}
				close(outrd);
				outrd = -1;
			}
		} else {
			usleep((useconds_t)ms * 1000);
		}
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid && outrd < 0) {
			finish_status(r, st);
			done = 1;
		} else if (w == pid) {
			/* Exited: take what is in the pipe now, without waiting for a
			 * grandchild that still holds its write end, then kill it. */
			finish_status(r, st);
			fcntl(outrd, F_SETFL, fcntl(outrd, F_GETFL) | O_NONBLOCK);
			for (;;) {
				char buf[65536];
				ssize_t n = read(outrd, buf, sizeof(buf));

				if (n <= 0)
					break;
				absorb(o, r, &cap, buf, (size_t)n);
			}
			close(outrd);
			outrd = -1;
			/* kill stragglers left in the group */
			kill(-pid, SIGKILL);
			done = 1;
		}
	}
	if (outrd >= 0)
		close(outrd);
	live_del(pid);
	r->seconds = now_monotonic() - t0;
	if (!r->out && o && o->capture)
		r->out = xstrdup("");
	return 0;
}

int spawn_run(char *const argv[], const struct spawn_opts *opts, struct spawn_result *res)
{
	static const struct spawn_opts none;
	const struct spawn_opts *o = opts ? opts : &none;
	int outrd = -1, e = 0, want_pipe = o->capture || o->on_output;
	double t0 = now_monotonic();
	pid_t pid;

	memset(res, 0, sizeof(*res));
	pid = start(argv, o, want_pipe ? &outrd : NULL, &e);
	if (pid < 0) {
		res->err = errno;
		res->exec_failed = 1;
		return -1;
	}
	if (e) {
		waitpid(pid, NULL, 0);
		live_del(pid);
		if (outrd >= 0)
			close(outrd);
		res->exec_failed = 1;
		res->err = e;
		res->status = 127;
		return -1;
	}
	return wait_loop(pid, outrd, o, o->timeout, res, t0);
}

pid_t spawn_start(char *const argv[], const struct spawn_opts *opts)
{
	static const struct spawn_opts none;
	int e = 0;
	pid_t pid = start(argv, opts ? opts : &none, NULL, &e);

	if (pid > 0 && e) {
		waitpid(pid, NULL, 0);
		live_del(pid);
		errno = e;
		return -1;
	}
	return pid;
}

int spawn_wait(pid_t pid, double timeout, struct spawn_result *res)
{
	memset(res, 0, sizeof(*res));
	return wait_loop(pid, -1, NULL, timeout, res, now_monotonic());
}

void spawn_result_free(struct spawn_result *res)
{
	free(res->out);
	res->out = NULL;
}

char *argv_to_string(char *const argv[])
{
	size_t cap = 256, n = 0;
	char *s = xmalloc(cap);

	s[0] = '\0';
	for (int i = 0; argv[i]; i++) {
		const char *a = argv[i];
		int plain = *a != '\0';

		for (const char *p = a; *p; p++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", *p))
				plain = 0;
		size_t need = n + strlen(a) * 4 + 4;

		if (need > cap)
			s = xrealloc(s, cap = need * 2);
		if (i)
			s[n++] = ' ';
		if (plain) {
			n += (size_t)sprintf(s + n, "%s", a);
			continue;
		}
		s[n++] = '\'';
		for (const char *p = a; *p; p++) {
			if (*p == '\'') {
				memcpy(s + n, "'\\''", 4);
				n += 4;
			} else {
				s[n++] = *p;
			}
		}
		s[n++] = '\'';
		s[n] = '\0';
	}
	return s;
}
