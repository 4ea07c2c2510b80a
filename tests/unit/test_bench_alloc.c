/*
 * test_bench_alloc: the bench's growing buffers (plan reading, selftest
 * output, samples) grow through xrealloc, which must never hand back
 * NULL: a realloc that fails ends the bench with one line and EXIT_FAIL
 * instead of a NULL dereference later. Checked in a child with
 * an impossible size; under ASan the allocator returns NULL for it too.
 */
#include "lib/diag.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* ASan reports an impossible size as an error unless told to return NULL. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static void *volatile keep;   /* volatile: the store is kept at -O2 */

int main(void)
{
	int fds[2], st;
	char err[1024] = "", *msg;
	ssize_t n;
	pid_t pid;

	diag_init("gupbench");

	tap_plan(3);
	void *p = xrealloc(NULL, 16);

	p = xrealloc(p, 4096);
	ok(p != NULL, "a buffer grows");
	free(p);
	if (pipe(fds))
		return 1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		void *q = xrealloc(NULL, 16);

		keep = q;   /* still reachable when the bench dies: no leak report */
		q = xrealloc(q, SIZE_MAX / 2);
		_exit(q ? 0 : 99);   /* reached only if the NULL came back */
	}
	close(fds[1]);
	for (size_t got = 0; got < sizeof(err) - 1 && (n = read(fds[0], err + got, sizeof(err) - 1 - got)) > 0;)
		got += (size_t)n;
	msg = strstr(err, "gupbench: ");
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == EXIT_FAIL, "a failed realloc exits %d (status %d)", EXIT_FAIL,
	   WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	ok(msg && strstr(msg, "out of memory growing a buffer"), "with one line saying so: %.*s",
	   msg ? (int)strcspn(msg, "\n") : 0, msg ? msg : "");
	return tap_done();
}
