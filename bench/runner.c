/*
 * runner: runs the gup_test ioctl on a prepared range and collects samples.
 * The range is prepared as the selftest does (open file, mmap, madvise,
 * every base page faulted in unless -z: range.c) so that the same command
 * line measures the same thing; each phase is timed into the result
 * (PROTOCOL.md "phases"). The additions (NUMA binding, CPU, SCHED_FIFO,
 * hugetlb size, warm-up repeats, the long-term pin check) wrap around it. A
 * missing capability is a SKIP with the fix in the reason, a failed ioctl
 * an error naming the command and errno.
 */
#include "bench/runner.h"
#include "lib/diag.h"
#include "bench/nodes.h"
#include "bench/range.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define DEBUGFS_MAGIC_NR 0x64626720

const char *gup_test_path(void)
{
	const char *p = getenv("GUPBENCH_GUP_TEST");

	return p && *p ? p : GUP_TEST_PATH;
}

/* Why gup_test cannot be opened, with the fix: the selftest's three causes. */
static void open_failure(struct case_result *r, const char *path, int e)
{
	struct statfs sf;
	const char *dir = "/sys/kernel/debug";

	if (e == EACCES || e == EPERM) {
		case_set(r, CASE_SKIP, EXIT_SKIP, "cannot open '%s': not root (run gupbench as root)", path);
	} else if (e == ENOENT && strcmp(path, GUP_TEST_PATH)) {
		case_set(r, CASE_SKIP, EXIT_SKIP, "no '%s' (GUPBENCH_GUP_TEST points there; unset it)", path);
	} else if (e == ENOENT && (statfs(dir, &sf) || sf.f_type != DEBUGFS_MAGIC_NR)) {
		case_set(r, CASE_SKIP, EXIT_SKIP,
			 "no '%s': debugfs is not mounted (mount -t debugfs none %s)", path, dir);
	} else if (e == ENOENT) {
		case_set(r, CASE_SKIP, EXIT_SKIP,
			 "no '%s': the kernel lacks CONFIG_GUP_TEST (build it with CONFIG_GUP_TEST=y)", path);
	} else {
		case_set(r, CASE_ERROR, EXIT_FAIL, "cannot open '%s': %s (%s)", path, strerror(e), bench_errname(e));
	}
}

int runner_place(const struct bench_opts *o, struct case_result *r)
{
	if (o->numa_node >= 0) {
		char why[256];
		int rc = node_bind((int)o->numa_node, why, sizeof(why));

		if (rc) {
			case_set(r, CASE_ERROR, rc == NODE_MISSING ? EXIT_USAGE : EXIT_FAIL, "%s", why);
			return -1;
		}
	}
	if (o->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		if (o->cpu >= CPU_SETSIZE) {
			case_set(r, CASE_ERROR, EXIT_USAGE, "cpu %ld does not exist", o->cpu);
			return -1;
		}
		CPU_SET(o->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			case_set(r, CASE_ERROR, errno == EINVAL ? EXIT_USAGE : EXIT_FAIL,
				 "cannot run on cpu %ld: %s (online cpus: %ld)", o->cpu, strerror(errno),
				 sysconf(_SC_NPROCESSORS_ONLN));
			return -1;
		}
	}
	if (o->fifo) {
		struct sched_param sp = { .sched_priority = (int)o->fifo };

		if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
			case_set(r, CASE_ERROR, EXIT_FAIL, "cannot set SCHED_FIFO priority %lu: %s (run as root)",
				 o->fifo, strerror(errno));
			return -1;
		}
	}
	return 0;
}

struct thread_ctx {
	const struct bench_opts *o;
	struct gup_test gup;
	int fd, id;
	unsigned long long size;
	struct sample *samples;   /* this thread's slice */
	size_t nr;
	cpu_set_t *cpus;          /* where it ran: r->thread_cpus[id] */
	int err;                  /* errno of a failed ioctl */
	sample_hook hook;
	void *arg;
};

static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;

/* Note the CPU the calling thread runs on now. */
static void note_cpu(cpu_set_t *seen)
{
	int c = sched_getcpu();

	if (c >= 0 && c < CPU_SETSIZE)
		CPU_SET(c, seen);
}

static void *gup_thread(void *p)
{
	struct thread_ctx *t = p;
	const struct gup_cmd_info *ci = gup_cmd_info(t->o->cmd);
	unsigned long total = ci->timed ? t->o->warmup + t->o->repeats : 1;
	struct gup_test gup = t->gup;

	for (unsigned long i = 0; i < total; i++) {
		struct sample *s = &t->samples[t->nr];

		gup.size = t->size;
		note_cpu(t->cpus);
		if (ioctl(t->fd, ci->ioctl_nr, &gup)) {
			t->err = errno;
			break;
		}
		note_cpu(t->cpus);
		s->get_us = gup.get_delta_usec;
		s->put_us = gup.put_delta_usec;
		s->size = gup.size;
		s->truncated = gup.size != t->size;
		s->warmup = ci->timed && i < t->o->warmup;
		s->thread = t->id;
		t->nr++;
		if (t->hook) {
			pthread_mutex_lock(&hook_lock);
			t->hook(t->o, s, t->arg);
			pthread_mutex_unlock(&hook_lock);
		}
	}
	return NULL;
}

/*
 * Thread i of a -j N case starts on the i-th CPU the bench may use, when
 * there are at least N of them and no --cpu pins the case: left to the
 * scheduler, the threads of a short case can all start on one CPU (on a
 * 2-vCPU linux-6.12 guest under icount, a -j 2 case right after a -j 1
 * case ran both threads on CPU 0: the load the -j 1 case left on CPU 1
 * steered them both away), and then -j measures nothing. Returns 0 and
 * leaves attr alone when the threads are not to be placed.
 */
static int thread_attr_on_cpu(const struct bench_opts *o, unsigned long i, pthread_attr_t *attr)
{
	cpu_set_t allowed, one;
	unsigned long seen = 0;

	if (o->cpu >= 0 || sched_getaffinity(0, sizeof(allowed), &allowed) ||
	    (unsigned long)CPU_COUNT(&allowed) < o->threads)
		return 0;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &allowed) || seen++ != i)
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (pthread_attr_init(attr))
			return 0;
		if (!pthread_attr_setaffinity_np(attr, sizeof(one), &one))
			return 1;
		pthread_attr_destroy(attr);
		return 0;
	}
	return 0;
}

static void run_threads(const struct bench_opts *o, int fd, const struct gup_test *gup,
			struct case_result *r, sample_hook hook, void *arg)
{
	unsigned long per = gup_cmd_info(o->cmd)->timed ? o->warmup + o->repeats : 1;
	struct thread_ctx *t = xcalloc(o->threads, sizeof(*t));
	pthread_t *tid = xcalloc(o->threads, sizeof(*tid));
	int err = 0;

	r->samples = xcalloc(o->threads * per, sizeof(struct sample));
	r->thread_cpus = xcalloc(o->threads, sizeof(cpu_set_t));
	r->nr_threads = o->threads;
	for (unsigned long i = 0; i < o->threads; i++) {
		t[i] = (struct thread_ctx){ .o = o, .gup = *gup, .fd = fd, .id = (int)i,
			.size = opts_size_bytes(o), .samples = r->samples + i * per, .hook = hook, .arg = arg,
			.cpus = &r->thread_cpus[i] };
		if (o->threads == 1) {
			gup_thread(&t[i]);
		} else {
			pthread_attr_t attr;
			int placed = thread_attr_on_cpu(o, i, &attr);

			if ((errno = pthread_create(&tid[i], placed ? &attr : NULL, gup_thread, &t[i])))
				die(EXIT_FAIL, "cannot start thread %lu: %s", i, strerror(errno));
			if (placed)
				pthread_attr_destroy(&attr);
		}
	}
	/* compact the per-thread slices in thread order */
	for (unsigned long i = 0; i < o->threads; i++) {
		if (o->threads > 1)
			pthread_join(tid[i], NULL);
		memmove(r->samples + r->nr_samples, t[i].samples, t[i].nr * sizeof(struct sample));
		r->nr_samples += t[i].nr;
		if (t[i].err && !err)
			err = t[i].err;
	}
	if (err == ENOTTY || err == EINVAL)
		case_set(r, CASE_SKIP, EXIT_SKIP, "the kernel lacks %s (ioctl: %s)",
			 gup_cmd_info(o->cmd)->ioctl_name, bench_errname(err));
	else if (err)
		case_set(r, CASE_ERROR, EXIT_FAIL, "ioctl %s failed: %s (%s)",
			 gup_cmd_info(o->cmd)->ioctl_name, strerror(err), bench_errname(err));
	free(t);
	free(tid);
}

/*
 * PIN_LONGTERM_TEST: pin the range long-term, write new data through the
 * mapping, read it back through the pins. A pin that stops following the
 * mapping (a broken COW) shows up as stale data.
 */
static void longterm_test(const struct bench_opts *o, int fd, char *p, struct case_result *r)
{
	unsigned long long size = opts_size_bytes(o);
	long psize = sysconf(_SC_PAGESIZE);
	struct pin_longterm_test args = { .addr = (uintptr_t)p, .size = size,
		.flags = (o->write ? PIN_LONGTERM_TEST_FLAG_USE_WRITE : 0) |
			 (o->longterm_fast ? PIN_LONGTERM_TEST_FLAG_USE_FAST : 0) };
	unsigned char *copy;
	uint64_t dst;
	unsigned long long bad = 0;

	/* STOP is harmless and tells whether the kernel has these commands (6.2+) */
	if (ioctl(fd, PIN_LONGTERM_TEST_STOP)) {
		int e = errno;

		if (e == ENOTTY || e == EINVAL)
			case_set(r, CASE_SKIP, EXIT_SKIP, "the kernel lacks PIN_LONGTERM_TEST_* (added in 6.2)");
		else
			case_set(r, CASE_ERROR, EXIT_FAIL, "ioctl PIN_LONGTERM_TEST_STOP failed: %s (%s)",
				 strerror(e), bench_errname(e));
		return;
	}
	if (ioctl(fd, PIN_LONGTERM_TEST_START, &args)) {
		int e = errno;

		case_set(r, CASE_ERROR, EXIT_FAIL, "ioctl PIN_LONGTERM_TEST_START failed: %s (%s)",
			 strerror(e), bench_errname(e));
		return;
	}
	for (unsigned long long off = 0; off < size; off += (unsigned long long)psize)
		p[off] = (char)(0xa5 ^ (off / (unsigned long long)psize));
	copy = xmalloc(size);
	dst = (uintptr_t)copy;
	if (ioctl(fd, PIN_LONGTERM_TEST_READ, &dst)) {
		int e = errno;

		case_set(r, CASE_ERROR, EXIT_FAIL, "ioctl PIN_LONGTERM_TEST_READ failed: %s (%s)",
			 strerror(e), bench_errname(e));
	} else {
		for (unsigned long long off = 0; off < size; off += (unsigned long long)psize)
			bad += copy[off] != (unsigned char)(0xa5 ^ (off / (unsigned long long)psize));
		if (bad)
			case_set(r, CASE_ERROR, EXIT_FAIL,
				 "%llu of %llu pinned pages do not see writes made after the pin", bad,
				 size / (unsigned long long)psize);
	}
	free(copy);
	if (ioctl(fd, PIN_LONGTERM_TEST_STOP) && r->status == CASE_OK)
		case_set(r, CASE_ERROR, EXIT_FAIL, "ioctl PIN_LONGTERM_TEST_STOP failed: %s", strerror(errno));
}

/* Seconds on CLOCK_MONOTONIC (instruction-counted under QEMU icount). */
static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Get the range, run the command on it and give the range back, timing the ioctls. */
static void run_mapped(const struct bench_opts *o, int fd, struct case_result *r, sample_hook hook, void *arg)
{
	struct gup_test gup = { 0 };
	struct range rg;
	double t0;

	if (range_get(o, &rg, r))
		return;
	gup.addr = (uintptr_t)rg.p;
	gup.nr_pages_per_call = (uint32_t)opts_nr_pages(o, (unsigned long)sysconf(_SC_PAGESIZE));
	gup.gup_flags = (uint32_t)o->gup_flags | (o->write ? GUP_FOLL_WRITE : 0);
	if (o->dump_use_pin)
		gup.test_flags |= GUP_TEST_FLAG_DUMP_PAGES_USE_PIN;
	memcpy(gup.which_pages, o->which_pages, sizeof(gup.which_pages));
	/* either the kernel faults the pages in (FOLL_TOUCH) or range_get did, as the selftest */
	if (o->touch)
		gup.gup_flags |= GUP_FOLL_TOUCH;
	t0 = mono_s();
	if (o->cmd == CMD_PIN_LONGTERM_TEST)
		longterm_test(o, fd, rg.p, r);
	else
		run_threads(o, fd, &gup, r, hook, arg);
	r->phases.gup_s = mono_s() - t0;
	range_put(o, &rg, r);
}

int run_case(const struct bench_opts *o, struct case_result *r, sample_hook hook, void *arg)
{
	int fd;

	memset(r, 0, sizeof(*r));
	if (opts_check(o, (unsigned long)sysconf(_SC_PAGESIZE), r->reason, sizeof(r->reason))) {
		r->status = CASE_ERROR;
		r->exit_status = EXIT_USAGE;
		return r->exit_status;
	}
	fd = open(gup_test_path(), O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		open_failure(r, gup_test_path(), errno);
		return r->exit_status;
	}
	if (!runner_place(o, r))
		run_mapped(o, fd, r, hook, arg);
	close(fd);
	return r->exit_status;
}
