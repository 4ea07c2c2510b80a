/*
 * test_qmp: the vCPU pinning client against a stand-in QMP server (a
 * thread speaking the protocol on a unix socket) that reports this test's
 * own threads as vCPUs, so the affinity the client sets can be read back;
 * also bound to one CPU, as a batch scheduler binds a job. A watchdog ends
 * the test as a failure if anything blocks: on a one-CPU host the client
 * never connects, and the server thread must not wait in accept() forever.
 */
#include "harness/guest/qmp.h"
#include "tap.h"
#include "lib/util.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int listen_fd;
static pid_t vcpu_tid;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int stop;

static void *fake_vcpu(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	vcpu_tid = (pid_t)syscall(SYS_gettid);
	pthread_cond_broadcast(&cv);
	while (!stop)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void watchdog(int sig)
{
	static const char msg[] = "not ok - test_qmp timed out: a QMP exchange or thread join blocked\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* Greeting, an event between command and answer, then the two answers. */
static void *fake_qemu(void *arg)
{
	int fd = accept(listen_fd, NULL, NULL);
	char buf[4096], *msg;
	int n = 0;

	(void)arg;
	if (fd < 0)
		return NULL;
	msg = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n";
	if (write(fd, msg, strlen(msg)) < 0)
		goto out;
	while (n < 2) {
		ssize_t r = read(fd, buf, sizeof(buf) - 1);

		if (r <= 0)
			break;
		buf[r] = '\0';
		if (strstr(buf, "qmp_capabilities")) {
			msg = "{\"event\": \"RESUME\", \"data\": {}}\r\n{\"return\": {}}\r\n";
			if (write(fd, msg, strlen(msg)) < 0)
				break;
			n++;
		}
		if (strstr(buf, "query-cpus-fast")) {
			char *ans = xasprintf("{\"return\": [{\"cpu-index\": 0, \"thread-id\": %d}]}\r\n", (int)vcpu_tid);

			if (write(fd, ans, strlen(ans)) < 0)
				n = 2;
			free(ans);
			n++;
		}
	}
out:
	close(fd);
	return NULL;
}

int main(void)
{
	char path[] = "/tmp/gupbench-test-qmp.XXXXXX", *sock, why[256] = "";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t vt, qt;
	cpu_set_t set;
	int n;

	tap_plan(11);
	signal(SIGALRM, watchdog);
	alarm(30);
	if (!mkdtemp(path))
		return 1;
	sock = xasprintf("%s/q.sock", path);
	{
		char *got = qmp_arg(sock), *want = xasprintf("unix:%s,server=on,wait=off", sock);

		is_str(got, want, "the -qmp argument names the socket");
		free(got);
		free(want);
	}

	{
		char *a = qmp_socket_new(), *b = qmp_socket_new(), *dir = a ? xstrdup(a) : NULL;
		struct stat st;

		ok(a && b && strcmp(a, b) && strlen(a) < sizeof(sa.sun_path), "each boot's QMP socket has its own short path");
		if (dir)
			*strrchr(dir, '/') = '\0';
		ok(dir && !stat(dir, &st) && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700 && st.st_uid == getuid(),
		   "in a private directory (mode 0700, ours): %s", a ? a : "(none)");
		ok(a && strncmp(a, "/tmp/gupbench-qmp-", 18), "not the predictable /tmp/gupbench-qmp-PID-BOOT.sock");
		qmp_socket_free(a);
		qmp_socket_free(b);
		ok(dir && stat(dir, &st) && errno == ENOENT, "qmp_socket_free removes the directory");
		free(dir);
	}

	n = qmp_pin_vcpus(sock, 0.2, why, sizeof(why));
	ok(n == -1 || ncpus < 2, "no socket: an error, not a hang (%s)", why);

	pthread_create(&vt, NULL, fake_vcpu, NULL);
	pthread_mutex_lock(&mu);
	while (!vcpu_tid)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sa.sun_path, sock);
	ok(bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(listen_fd, 1) == 0,
	   "stand-in QMP server listens");
	pthread_create(&qt, NULL, fake_qemu, NULL);

	n = qmp_pin_vcpus(sock, 5, why, sizeof(why));
	/* Wakes the server's accept() when the client never connected. */
	shutdown(listen_fd, SHUT_RDWR);
	if (ncpus < 2) {
		is_int(n, 0, "single-CPU host: nothing to pin");
		CPU_ZERO(&set);
		ok(sched_getaffinity(vcpu_tid, sizeof(set), &set) == 0 && CPU_COUNT(&set) >= 1,
		   "single-CPU host: the vCPU thread's affinity is left alone");
	} else {
		is_int(n, 1, "one vCPU thread pinned (%s)", why);
		CPU_ZERO(&set);
		ok(sched_getaffinity(vcpu_tid, sizeof(set), &set) == 0 && CPU_COUNT(&set) == 1 &&
		   CPU_ISSET((int)(ncpus - 1), &set), "vCPU 0 runs only on the last host CPU");
	}
	pthread_join(qt, NULL);
	if (ncpus >= 2) {
		/* A scheduler bound this process (and so QEMU) to CPU 0 alone: the
		 * vCPU must stay there, not be moved to the last host CPU. */
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		sched_setaffinity(0, sizeof(set), &set);
		sched_setaffinity(vcpu_tid, sizeof(set), &set);
		n = qmp_pin_vcpus(sock, 0.2, why, sizeof(why));
		is_int(n, 0, "bound to one CPU: nothing to pin");
		ok(sched_getaffinity(vcpu_tid, sizeof(set), &set) == 0 && CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set),
		   "the vCPU stays on the one CPU the process was bound to");
	} else {
		tap_skip(2, "a single host CPU: no binding to test");
	}
	pthread_mutex_lock(&mu);
	stop = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(vt, NULL);
	close(listen_fd);
	unlink(sock);
	rmdir(path);
	free(sock);
	return tap_done();
}
