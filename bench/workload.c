/*
 * workload: the table of workloads and the driver that runs every workload
 * but gup_test. The driver prepares the range the way runner.c does for
 * gup_test (NUMA/CPU/FIFO placement, hugetlb pre-flight, mmap, THP hint,
 * every base page touched from user space), then calls the workload's
 * setup, warm-up and measured repeats, and teardown. Only anonymous memory:
 * private (the default), shared (-S, shmem) or hugetlb (-H, --hugetlb-size);
 * -t / -T pick THP or base pages.
 */
#include "bench/workload.h"
#include "lib/diag.h"
#include "bench/hugetlb.h"
#include "bench/range.h"
#include "bench/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MEM (OC_THP | OC_HUGETLB | OC_SHARED)
#define MONO "CLOCK_MONOTONIC around the syscalls, in user space"

static const struct workload table[] = {
	{ "gup_test", "the kernel's get loop (gup_test get_delta_usec)", "the kernel's put loop (put_delta_usec)",
	  "ktime in the kernel", "CONFIG_GUP_TEST and debugfs", OC_GUP | OC_NPAGES | MEM, 1, 1, NULL, NULL, NULL,
	  run_case, 0, 0.004 },
	{ "move_pages_query", "move_pages(2) with nodes NULL over the range, -n pages per call", NULL, MONO,
	  "CONFIG_NUMA and CONFIG_MIGRATION", OC_NPAGES | MEM, 1, 1, mp_setup, mp_query, mp_teardown, NULL, 0, 0.02 },
	{ "move_pages_migrate", "move_pages(2) of the range to the other of two NUMA nodes, -n pages per call",
	  NULL, MONO, "CONFIG_NUMA, CONFIG_MIGRATION and two memory nodes", OC_NPAGES | MEM, 1, 2,
	  mp_migrate_setup, mp_migrate, mp_teardown, NULL, 2, 0.1 },
	{ "ksm_merge", "ksmd merging the range (madvise(MADV_MERGEABLE) until ksm_merging_pages counts it all)",
	  NULL, "CLOCK_MONOTONIC, ksm_merging_pages polled every ms", "CONFIG_KSM", OC_THP, 1, 1, ksm_setup, ksm_merge,
	  ksm_teardown, NULL, 0, 0.5 },
	{ "ksm_unmerge", "madvise(MADV_UNMERGEABLE) of the merged range", NULL, MONO, "CONFIG_KSM", OC_THP, 1, 1,
	  ksm_setup, ksm_unmerge, ksm_teardown, NULL, 0, 0.5 },
	{ "thp_split", "the write of '<pid>,0x<start>,0x<end>' to debugfs split_huge_pages", NULL, MONO,
	  "CONFIG_TRANSPARENT_HUGEPAGE and debugfs", OC_THP, 1, 1, split_setup, split_run, split_teardown, NULL, 0, 0.05 },
	{ "io_uring_register", "IORING_REGISTER_BUFFERS of the range, -n pages per buffer",
	  "IORING_UNREGISTER_BUFFERS", MONO, "CONFIG_IO_URING (and kernel.io_uring_disabled=0)", OC_NPAGES | MEM,
	  0, 1, uring_setup, uring_register, uring_teardown, NULL, 0, 0.01 },
	{ "odirect_read", "O_DIRECT pread(2)s into the range, -n pages each, from --source (default /dev/ram0)", NULL,
	  MONO, "O_DIRECT on the source (a block device: CONFIG_BLK_DEV_RAM for /dev/ram0)", OC_NPAGES | MEM | OC_SOURCE,
	  1, 1, odirect_setup, odirect_read, odirect_teardown, NULL, 0, 0.05 },
	{ "process_vm_readv", "process_vm_readv(2) of the range from our own pid, -n pages per call", NULL, MONO,
	  "CONFIG_CROSS_MEMORY_ATTACH", OC_NPAGES | MEM, 1, 1, pvm_setup, pvm_readv, pvm_teardown, NULL, 0, 0.02 },
};

#define NR_WORKLOADS (sizeof(table) / sizeof(table[0]))

const struct workload *workload_default(void)
{
	return &table[0];
}

int workload_is_gup_test(const struct workload *w)
{
	return w == &table[0];
}

const struct workload *workload_find(const char *name)
{
	for (size_t i = 0; i < NR_WORKLOADS; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

void workload_names(char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = 0;
	for (size_t i = 0; i < NR_WORKLOADS && pos < len; i++) {
		int n = snprintf(buf + pos, len - pos, "%s%s", i ? ", " : "", table[i].name);

		if (n > 0)
			pos += (size_t)n;
	}
}

void workload_list(FILE *f)
{
	for (size_t i = 0; i < NR_WORKLOADS; i++) {
		const struct workload *w = &table[i];

		fprintf(f, "%-20s times %s%s%s\n%-20s clock: %s; needs %s\n", w->name, w->get_what,
			w->put_what ? "; put: " : "", w->put_what ? w->put_what : "", "", w->clock, w->needs);
	}
}

unsigned long workload_default_nr_pages(const struct workload *w)
{
	return w->nr_pages_default;
}

int workload_check(const struct bench_opts *o, char *err, size_t errlen)
{
	const struct workload *w = o->workload;
	unsigned extra = o->given & ~w->accepts;

	for (int b = 0; b < NR_OC; b++) {
		if (extra & (1u << b)) {
			fmt_into(err, errlen, "option '%s' does not apply to workload '%s' (drop it; "
				 "'gupbench --workload help' says what each takes)", o->given_name[b], w->name);
			return -1;
		}
	}
	return 0;
}

uint64_t wl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t wl_us(uint64_t t0, uint64_t t1)
{
	return t1 > t0 ? (t1 - t0 + 500) / 1000 : 0;
}

long wl_read_ulong(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static void touch(struct wl_run *w)
{
	for (unsigned long long off = 0; off < w->size; off += w->psize)
		w->p[off] = 0;
}

/*
 * Anonymous ranges start on a PMD boundary, so that -t gives the same number
 * of THPs on every kernel (6.7+ aligns large anonymous mappings by itself,
 * 6.1 does not). hugetlb mappings are aligned by the kernel.
 */
static char *map_aligned(int flags, unsigned long long size)
{
	long pmd = wl_read_ulong("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
	unsigned long align = pmd > 0 ? (unsigned long)pmd : 2UL << 20, head;
	char *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE, flags, -1, 0);

	if (p == MAP_FAILED)
		return p;
	head = (align - (unsigned long)p % align) % align;
	if (head)
		munmap(p, head);
	munmap(p + head + size, align - head);
	return p + head;
}

static int map_flags(const struct bench_opts *o)
{
	int flags = MAP_ANONYMOUS | (o->shared ? MAP_SHARED : MAP_PRIVATE);

	if (o->hugetlb)
		flags |= MAP_HUGETLB | (o->hugetlb_kb ? hugetlb_mmap_flags(o->hugetlb_kb) : 0);
	return flags;
}

static char *map_range(const struct bench_opts *o, unsigned long long size, struct case_result *r)
{
	int flags = map_flags(o);
	char *p;

	if (o->hugetlb) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	} else {
		p = map_aligned(flags, size);
	}
	if (p == MAP_FAILED) {
		case_set(r, CASE_ERROR, EXIT_FAIL, "mmap of %lu MiB of %s memory failed: %s (%s)", o->size_mb,
			 o->hugetlb ? "hugetlb" : "anonymous", strerror(errno), bench_errname(errno));
		return NULL;
	}
	if (runner_hint(o, p, size, r)) {
		munmap(p, size);
		return NULL;
	}
	return p;
}

/*
 * A new mapping over the old one (MAP_FIXED) rather than MADV_DONTNEED: the
 * page tables go too, so that a range whose THPs were split (or merged by
 * KSM) gets THPs again; madvise(MADV_DONTNEED) would leave PTE tables
 * behind and every refault would be a base page.
 */
int wl_refault(struct wl_run *w, struct case_result *r)
{
	const struct bench_opts *o = w->o;

	if (mmap(w->p, w->size, PROT_READ | PROT_WRITE, map_flags(o) | MAP_FIXED, -1, 0) == MAP_FAILED) {
		case_set(r, CASE_ERROR, EXIT_FAIL, "mmap over the range failed: %s (%s)", strerror(errno),
			 bench_errname(errno));
		return -1;
	}
	if (runner_hint(o, w->p, w->size, r))
		return -1;
	if (w->force_thp && madvise(w->p, w->size, MADV_HUGEPAGE)) {
		case_set(r, CASE_SKIP, EXIT_SKIP, "madvise(MADV_HUGEPAGE) failed: %s (no THP)", strerror(errno));
		return -1;
	}
	touch(w);
	return 0;
}

static void repeats(struct wl_run *w, struct case_result *r, sample_hook hook, void *arg)
{
	const struct bench_opts *o = w->o;
	unsigned long total = o->warmup + o->repeats;

	r->samples = xcalloc(total, sizeof(struct sample));
	for (w->idx = 0; w->idx < total; w->idx++) {
		struct sample *s = &r->samples[r->nr_samples];

		memset(s, 0, sizeof(*s));
		if (o->workload->repeat(w, s, r))
			return;
		s->size = w->size;
		s->warmup = w->idx < o->warmup;
		r->nr_samples++;
		if (hook)
			hook(o, s, arg);
	}
}

int workload_run(const struct bench_opts *o, struct case_result *r, sample_hook hook, void *arg)
{
	const struct workload *wl = o->workload;
	struct wl_run w = { .o = o, .size = opts_size_bytes(o), .psize = (unsigned long)sysconf(_SC_PAGESIZE) };

	if (wl->run)
		return wl->run(o, r, hook, arg);
	memset(r, 0, sizeof(*r));
	if (opts_check(o, w.psize, r->reason, sizeof(r->reason))) {
		r->status = CASE_ERROR;
		r->exit_status = EXIT_USAGE;
		return r->exit_status;
	}
	w.nr_pages = opts_nr_pages(o, w.psize);
	if (o->hugetlb && hugetlb_check(o->hugetlb_kb, w.size * wl->hugetlb_copies, r->reason, sizeof(r->reason))) {
		r->status = CASE_SKIP;
		r->exit_status = EXIT_SKIP;
		return r->exit_status;
	}
	if (runner_place(o, r) || !(w.p = map_range(o, w.size, r)))
		return r->exit_status;
	touch(&w);
	if (!wl->setup || !wl->setup(&w, r)) {
		repeats(&w, r, hook, arg);
		if (wl->teardown)
			wl->teardown(&w);
	}
	munmap(w.p, w.size);
	return r->exit_status;
}
