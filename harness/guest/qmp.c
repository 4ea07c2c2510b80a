/*
 * qmp: connect to QEMU's QMP socket, read the vCPU thread ids with
 * query-cpus-fast and pin each with sched_setaffinity. QMP messages are
 * JSON objects, one per line; asynchronous events may come between a
 * command and its answer and are skipped. The socket lives in a private
 * mkdtemp directory, never at a predictable name in /tmp.
 */
#include "harness/guest/qmp.h"
#include "lib/util.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

char *qmp_socket_new(void)
{
	/* Short, absolute and outside the run directory: sun_path holds 108 bytes. */
	char dir[] = "/tmp/gupbench-qmp.XXXXXX";

	if (!mkdtemp(dir))
		return NULL;
	return xasprintf("%s/qmp.sock", dir);
}

void qmp_socket_free(char *path)
{
	char *slash;

	if (!path)
		return;
	unlink(path);
	slash = strrchr(path, '/');
	if (slash) {
		*slash = '\0';
		rmdir(path);
	}
	free(path);
}

char *qmp_arg(const char *path)
{
	return xasprintf("unix:%s,server=on,wait=off", path);
}

/* Next message that answers a command ("return" or "error"), or NULL. */
static json_t *qmp_answer(int fd, char *buf, size_t cap, size_t *fill, double deadline)
{
	for (;;) {
		char *nl = memchr(buf, '\n', *fill);

		if (nl) {
			json_t *msg = json_loadb(buf, (size_t)(nl - buf), 0, NULL);
			size_t used = (size_t)(nl - buf) + 1;

			memmove(buf, buf + used, *fill - used);
			*fill -= used;
			if (msg && (json_object_get(msg, "return") || json_object_get(msg, "error")))
				return msg;
			json_decref(msg);
			continue;
		}
		double left = deadline - now_monotonic();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (left <= 0 || *fill == cap || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			return NULL;
		n = read(fd, buf + *fill, cap - *fill);
		if (n <= 0)
			return NULL;
		*fill += (size_t)n;
	}
}

static int qmp_send(int fd, const char *cmd)
{
	size_t len = strlen(cmd);

	return write(fd, cmd, len) == (ssize_t)len ? 0 : -1;
}

static int qmp_connect(const char *path, double deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	while (now_monotonic() < deadline) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		usleep(20000);
	}
	return -1;
}

/*
 * The host CPUs this process may run on, in order (a batch scheduler that
 * binds each job to its own CPUs leaves a subset): their count, and their
 * numbers in cpus[].
 */
static int allowed_cpus(int cpus[CPU_SETSIZE])
{
	cpu_set_t mask;
	int n = 0;

	if (sched_getaffinity(0, sizeof(mask), &mask) < 0)
		return (int)sysconf(_SC_NPROCESSORS_ONLN) > 1 ? -1 : 0;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &mask))
			cpus[n++] = c;
	return n;
}

int qmp_pin_vcpus(const char *path, double timeout, char *why, size_t whylen)
{
	double deadline = now_monotonic() + timeout;
	int cpus[CPU_SETSIZE], ncpus = allowed_cpus(cpus);
	char buf[65536];
	size_t fill = 0, n;
	json_t *ans, *ret;
	int fd, pinned = 0;

	if (ncpus < 0) {
		snprintf(why, whylen, "cannot read this process's CPU affinity: %s", strerror(errno));
		return -1;
	}
	if (ncpus < 2)
		return 0;
	fd = qmp_connect(path, deadline);
	if (fd < 0) {
		snprintf(why, whylen, "no QMP socket at '%s' after %.1f s", path, timeout);
		return -1;
	}
	if (qmp_send(fd, "{\"execute\":\"qmp_capabilities\"}\n") ||
	    !(ans = qmp_answer(fd, buf, sizeof(buf), &fill, deadline))) {
		snprintf(why, whylen, "QEMU did not answer qmp_capabilities");
		close(fd);
		return -1;
	}
	json_decref(ans);
	if (qmp_send(fd, "{\"execute\":\"query-cpus-fast\"}\n") ||
	    !(ans = qmp_answer(fd, buf, sizeof(buf), &fill, deadline)) ||
	    !json_is_array(ret = json_object_get(ans, "return"))) {
		snprintf(why, whylen, "QEMU did not list its vCPU threads (query-cpus-fast)");
		close(fd);
		return -1;
	}
	n = json_array_size(ret);
	for (size_t i = 0; i < n; i++) {
		json_int_t tid = json_integer_value(json_object_get(json_array_get(ret, i), "thread-id"));
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpus[ncpus - 1 - (int)(i % (size_t)ncpus)], &set);
		if (tid > 0 && sched_setaffinity((pid_t)tid, sizeof(set), &set) == 0)
			pinned++;
	}
	json_decref(ans);
	close(fd);
	if (pinned < (int)n) {
		snprintf(why, whylen, "pinned %d of %zu vCPU threads: %s", pinned, n, strerror(errno));
		return -1;
	}
	return pinned;
}
