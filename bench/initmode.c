/*
 * initmode: PID 1 duties. Everything that can fail here is reported on the
 * kernel console (stderr) and, when the results channel is open, as an end
 * record carrying "error", so the harness learns why a run produced nothing;
 * then the machine is rebooted either way. Knobs are not restored: the VM
 * is discarded, and the env record says what was set.
 */
#include "bench/initmode.h"
#include "lib/diag.h"
#include "bench/emit.h"
#include "bench/plan.h"
#include "bench/planrun.h"
#include "bench/selftest.h"
#include "bench/sysinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PLAN "/plan.json"
/* The results channel the harness gives each arch (bench/PROTOCOL.md): a
 * second 8250 on x86_64; QEMU's arm64 virt has one PL011, so a virtio
 * console there. */
#if defined(__aarch64__)
#define DEFAULT_RESULTS "/dev/hvc0"
#else
#define DEFAULT_RESULTS "/dev/ttyS1"
#endif
/* A virtio console port is added by the driver's work queue after the
 * host answers its probe, possibly after we start: wait this long for it. */
#define RESULTS_WAIT_MS 10000

static const struct {
	const char *source, *target, *type;
} mounts[] = {
	{ "proc", "/proc", "proc" },
	{ "sysfs", "/sys", "sysfs" },
	{ "devtmpfs", "/dev", "devtmpfs" },
	{ "debugfs", "/sys/kernel/debug", "debugfs" },
};

int cmdline_param(const char *cmdline, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = cmdline; (p = strstr(p, key)); p += klen) {
		size_t n;

		if ((p != cmdline && p[-1] != ' ') || p[klen] != '=')
			continue;
		p += klen + 1;
		n = strcspn(p, " \n");
		if (n >= len)
			return -1;
		memcpy(out, p, n);
		out[n] = 0;
		return 0;
	}
	return -1;
}

static void mount_all(void)
{
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		mkdir(mounts[i].target, 0755);
		if (mount(mounts[i].source, mounts[i].target, mounts[i].type, 0, NULL) && errno != EBUSY)
			warning("cannot mount %s on '%s': %s", mounts[i].type, mounts[i].target,
				   strerror(errno));
	}
}

/* Without /dev/console the kernel starts us with no fds 0-2. */
static void std_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		if (open("/dev/console", O_RDWR | O_NOCTTY) != fd) {
			close(fd);
			open("/dev/null", O_RDWR);
		}
	}
}

static FILE *open_results(const char *dev)
{
	struct termios t;
	int fd, waited = 0;

	while ((fd = open(dev, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 && waited < RESULTS_WAIT_MS &&
	       (errno == ENOENT || errno == ENODEV || errno == ENXIO)) {
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000000 }, NULL);
		waited += 10;
	}
	if (fd < 0) {
		warning("cannot open results channel '%s': %s", dev, strerror(errno));
		return NULL;
	}
	/* raw: no newline translation, no echo of our own records back at us */
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		cfsetospeed(&t, B115200);
		cfsetispeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fdopen(fd, "w");
}

static _Noreturn void power_off(FILE *results)
{
	if (results) {
		fflush(results);
		tcdrain(fileno(results));
	}
	fflush(NULL);
	sync();
	reboot(RB_AUTOBOOT);
	warning("reboot failed: %s; halting here", strerror(errno));
	for (;;)
		pause();
}

static void fail_run(struct stream *s, const char *msg)
{
	fprintf(stderr, "gupbench: %s\n", msg);
	if (!s->f)
		return;
	stream_end(s, json_pack("{s:s}", "error", msg));
}

void init_main(void)
{
	char cmdline[4096] = "", plan_path[256] = DEFAULT_PLAN, dev[256] = DEFAULT_RESULTS, err[512];
	struct stream s;
	struct plan p;
	FILE *f;

	mount_all();
	std_fds();
	f = fopen("/proc/cmdline", "r");
	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		fclose(f);
	}
	cmdline_param(cmdline, "gupbench.plan", plan_path, sizeof(plan_path));
	cmdline_param(cmdline, "gupbench.results", dev, sizeof(dev));
	stream_init(&s, open_results(dev));
	if (!s.f)
		power_off(NULL);
	if (plan_load(plan_path, &p, err, sizeof(err))) {
		stream_emit(&s, "env", env_json(1));
		fail_run(&s, err);
		power_off(s.f);
	}
	if (plan_setup(&p, err, sizeof(err))) {
		stream_emit(&s, "env", env_json(1));
		fail_run(&s, err);
		power_off(s.f);
	}
	fprintf(stderr, "gupbench: init: plan '%s', %zu cases, results on '%s'\n", plan_path, p.nr_cases, dev);
	if (!stream_emit(&s, "env", env_json(1)) && !plan_run(&p, SELFTEST_DEFAULT, &s))
		stream_end(&s, NULL);
	/* orphans of killed cases were reparented to us */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	fprintf(stderr, "gupbench: init: %ld cases: %ld ok, %ld skip, %ld error\n", s.cases, s.ok, s.skip,
		s.error);
	power_off(s.f);
}
