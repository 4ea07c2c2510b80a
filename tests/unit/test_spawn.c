/*
 * test_spawn: the one way the harness runs programs. A timeout holds even
 * while a grandchild keeps the output pipe open; a failed fork leaves no
 * file descriptor behind (fork is wrapped at link time: -Wl,--wrap=fork);
 * a child started by a process that is SIGKILLed dies with it (the test is
 * a child subreaper, so the orphan comes back to it and can be waited for).
 */
#include "lib/spawn.h"
#include "tap.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t __real_fork(void);
static int fail_fork;

pid_t __wrap_fork(void)
{
	if (fail_fork) {
		errno = EAGAIN;
		return -1;
	}
	return __real_fork();
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* Wait up to secs for pid (our child or an orphan handed to us); 1 if it ended. */
static int reaped_within(pid_t pid, double secs)
{
	double end = now_monotonic() + secs;

	while (now_monotonic() < end) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return 1;
		usleep(20000);
	}
	return 0;
}

static void test_timeouts(void)
{
	char *grandchild[] = { "sh", "-c", "sleep 8 & echo hi", NULL };
	char *stuck[] = { "sh", "-c", "echo started; sleep 8", NULL };
	struct spawn_opts o = { .capture = 1, .timeout = 2 };
	struct spawn_result r;
	double t0 = now_monotonic();

	spawn_run(grandchild, &o, &r);
	ok(now_monotonic() - t0 < 3.0, "a grandchild holding the pipe does not outlast the timeout (%.1f s)",
	   now_monotonic() - t0);
	is_str(r.out, "hi\n", "the output written before the child exited is kept");
	is_int(r.status, 0, "the child's own exit status is reported");
	spawn_result_free(&r);

	t0 = now_monotonic();
	spawn_run(stuck, &o, &r);
	ok(r.timed_out && now_monotonic() - t0 < 3.5, "a child that runs on is killed at its timeout (%.1f s)",
	   now_monotonic() - t0);
	is_str(r.out, "started\n", "with what it wrote before");
	spawn_result_free(&r);
}

static void test_fork_failure(void)
{
	char *argv[] = { "true", NULL };
	struct spawn_opts o = { .capture = 1 };
	struct spawn_result r;
	int before = open_fds(), rc;

	fail_fork = 1;
	rc = spawn_run(argv, &o, &r);
	fail_fork = 0;
	ok(rc == -1 && r.err == EAGAIN, "a failed fork is reported with its errno");
	is_int(open_fds(), before, "and leaves no pipe open");
	fail_fork = 1;
	rc = spawn_start(argv, NULL);
	fail_fork = 0;
	ok(rc == -1 && open_fds() == before, "spawn_start too");
}

/* A middle process starts a long child and is SIGKILLed: the child must die with it. */
static void test_dies_with_parent(void)
{
	int p[2];
	pid_t mid, child = 0;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (pipe(p))
		return;
	mid = __real_fork();
	if (mid == 0) {
		char *argv[] = { "sleep", "30", NULL };
		pid_t c = spawn_start(argv, NULL);

		if (write(p[1], &c, sizeof(c)) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &child, sizeof(child)) != sizeof(child))
		child = 0;
	close(p[0]);
	ok(child > 0, "the middle process started a child");
	kill(mid, SIGKILL);
	waitpid(mid, NULL, 0);
	ok(child > 0 && reaped_within(child, 3.0), "the child dies within 3 s of its parent's SIGKILL");
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
}

int main(void)
{
	tap_plan(10);
	test_timeouts();
	test_fork_failure();
	test_dies_with_parent();
	return tap_done();
}
