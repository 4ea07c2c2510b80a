/*
 * range: maps and faults in a case's range, and in the plan worker keeps it
 * for the next case of the same mapping type.
 *
 * Why keeping does not change what a case measures. gup_test times GUP and
 * put of a range that is already faulted in (the selftest touches every page
 * first, so that no fault is timed). Every command puts or unpins all it
 * took before the ioctl returns, so after a case the range is again mapped,
 * present, writable and dirty, in the same page sizes, with no pins: the
 * state a fresh range has after the fault-in, except for what
 * get_user_pages() adds: FOLL_TOUCH marks each folio accessed, and a second
 * mark activates it (an LRU move per page). Measured under icount, a -U
 * (GUP_BASIC_TEST) case on a range earlier cases had used ran up to 40%
 * more instructions than on a fresh range. So -U takes a kept range only
 * after MADV_COLD (5.4+) has reset it, and resets its own before keeping
 * it: MADV_COLD clears each folio's referenced flag and deactivates the
 * active ones, which is the LRU state of a folio after its fault-in (added
 * inactive, not referenced; the guest kernel has no multi-gen LRU). What
 * else it changes is not read by get_user_pages() or put: PTEs and PMDs
 * lose their young bit (follow_page_pte() does not read it; a THP's
 * touch_pmd() sets it again, one store per 2 MiB) and once-active folios
 * get PG_workingset (read by reclaim only). Measured under icount on
 * linux-6.12, -U on a reset range ran within 1.8% of the instructions
 * of a fresh one, by steps that -U on hugetlb ranges, fresh in both boots,
 * took too (bench/README.md gives the figures). Where MADV_COLD fails
 * (a kernel without it, hugetlb: not on the LRU) -U gets a fresh range
 * and leaves none. -c (get_user_pages() too) always gets a fresh range and
 * leaves none. Never kept either: -z
 * (GUP itself faults the range in, inside the timing), -F (raw flags such
 * as FOLL_SPLIT_PMD split THPs), --numa-node (memory must be allocated
 * under the binding), a case that did not finish cleanly, and a long-term
 * pin (-L, --longterm-test) where one may migrate pages (CMA or a movable
 * zone): a fresh range would be migrated inside the next case's timing, a
 * kept one no longer is. Kept ranges hold at most KEEP_BYTES; a hugetlb
 * range that does not fit the pool next to kept ones evicts them.
 */
#include "bench/range.h"
#include "lib/diag.h"
#include "bench/hugetlb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* 5.14's; libc headers older than the kernels this runs on may lack it */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif

#define KEEP_MAX 2
#define KEEP_BYTES (256ULL << 20)

static struct kept {
	struct range rg;
	struct bench_opts o;     /* the case that made it: its mapping type */
	int used;
} kept[KEEP_MAX];
static int keeping;

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int range_same_type(const struct bench_opts *a, const struct bench_opts *b)
{
	return !strcmp(a->file, b->file) && a->shared == b->shared && a->hugetlb == b->hugetlb &&
	       a->hugetlb_kb == b->hugetlb_kb && a->thp == b->thp && a->size_mb == b->size_mb &&
	       a->populate_madvise == b->populate_madvise && a->touch == b->touch;
}

int longterm_may_migrate(void)
{
	static int known = -1;
	char line[256];
	FILE *f;

	if (known >= 0)
		return known;
	known = 0;
	if ((f = fopen("/proc/meminfo", "re"))) {
		unsigned long kb;

		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "CmaTotal: %lu", &kb) == 1 && kb)
				known = 1;
		fclose(f);
	}
	/* a zone's "present" line follows its "Node N, zone NAME" line */
	if ((f = fopen("/proc/zoneinfo", "re"))) {
		int movable = 0;
		unsigned long n;

		while (fgets(line, sizeof(line), f)) {
			if (strstr(line, ", zone"))
				movable = strstr(line, "Movable") != NULL;
			else if (movable && sscanf(line, " present %lu", &n) == 1 && n)
				known = 1;
		}
		fclose(f);
	}
	return known;
}

static void unmap(struct range *rg)
{
	if (rg->p != MAP_FAILED)
		munmap(rg->p, rg->size);
	if (rg->filed >= 0)
		close(rg->filed);
	rg->p = MAP_FAILED;
	rg->filed = -1;
}

int runner_hint(const struct bench_opts *o, char *p, unsigned long long size, struct case_result *r)
{
	int advice = o->thp == 1 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE;

	if (o->thp < 0 || !madvise(p, size, advice))
		return 0;
	/* without THP in the kernel there is nothing -T has to prevent */
	if (o->thp == 0 && errno == EINVAL)
		return 0;
	case_set(r, CASE_SKIP, EXIT_SKIP,
		 "madvise(%s) failed: %s (%s): the kernel lacks CONFIG_TRANSPARENT_HUGEPAGE or "
		 "CONFIG_ADVISE_SYSCALLS", o->thp == 1 ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE",
		 strerror(errno), bench_errname(errno));
	return -1;
}

void runner_keep_ranges(int on)
{
	keeping = on;
	for (int i = 0; !on && i < KEEP_MAX; i++)
		if (kept[i].used)
			unmap(&kept[i].rg), kept[i].used = 0;
}

/*
 * Fault the range in as the selftest does, one write per base page, or with
 * --populate madvise by one MADV_POPULATE_WRITE (5.14+; the same write
 * fault per page inside the kernel, without a trap per page). Both leave
 * every page present, writable and dirty (MADV_POPULATE_READ would map the
 * zero page instead). The selftest's way is the default because the two
 * are not equal to every command: under icount the first GUP_BASIC_TEST
 * (-U -n 1) on a 4K-page range faulted in by madvise ran 37-39% more
 * instructions than on a touched one, and madvise was no cheaper in guest
 * instructions (it saves host time per trap under TCG). A kernel without
 * MADV_POPULATE_WRITE (EINVAL), or any other failure, falls back to the
 * loop, which then fails (SIGBUS) exactly where the selftest would. -z
 * leaves it to GUP.
 */
static const char *populate(const struct bench_opts *o, char *p, unsigned long long size)
{
	unsigned long long psize = (unsigned long long)sysconf(_SC_PAGESIZE);

	if (o->touch)
		return "foll_touch";
	if (o->populate_madvise && !madvise(p, size, MADV_POPULATE_WRITE))
		return "madvise";
	for (unsigned long long off = 0; off < size; off += psize)
		p[off] = 0;
	return "touch";
}

/* Open the file, map and advise the range as the selftest does; -1 + r on failure. */
static int map(const struct bench_opts *o, struct range *rg, struct case_result *r)
{
	int flags = o->shared ? MAP_SHARED : MAP_PRIVATE;

	rg->filed = open(o->file, O_RDWR | O_CREAT | O_CLOEXEC, 0664);
	if (rg->filed < 0) {
		case_set(r, CASE_ERROR, EXIT_FAIL, "cannot open '%s': %s", o->file, strerror(errno));
		return -1;
	}
	if (o->hugetlb)
		flags |= MAP_HUGETLB | MAP_ANONYMOUS | (o->hugetlb_kb ? hugetlb_mmap_flags(o->hugetlb_kb) : 0);
	rg->p = mmap(NULL, rg->size, PROT_READ | PROT_WRITE, flags, rg->filed, 0);
	if (rg->p == MAP_FAILED) {
		case_set(r, CASE_ERROR, EXIT_FAIL, "mmap of %lu MiB of '%s' failed: %s (%s)", o->size_mb,
			 o->hugetlb ? "hugetlb memory" : o->file, strerror(errno), bench_errname(errno));
		return -1;
	}
	return runner_hint(o, rg->p, rg->size, r);
}

/* Make room for a new range of o's size: least recently kept first out. */
static void evict_for(const struct bench_opts *o, unsigned long long size)
{
	for (;;) {
		unsigned long long bytes = size;
		int n = 0, oldest = -1;
		char why[256];

		for (int i = 0; i < KEEP_MAX; i++)
			if (kept[i].used) {
				bytes += kept[i].rg.size, n++;
				if (oldest < 0 || kept[i].used < kept[oldest].used)
					oldest = i;
			}
		if (oldest < 0 || (n < KEEP_MAX && bytes <= KEEP_BYTES && !o->hugetlb))
			return;
		if (o->hugetlb && n < KEEP_MAX && bytes <= KEEP_BYTES &&
		    !hugetlb_check(o->hugetlb_kb, size, why, sizeof(why)))
			return;
		unmap(&kept[oldest].rg);
		kept[oldest].used = 0;
	}
}

/*
 * Take back what get_user_pages() added (FOLL_TOUCH): MADV_COLD (5.4+)
 * clears each folio's referenced flag and its PTE's/PMD's young bit and
 * deactivates it. 0 if done; -1 where the kernel lacks it or refuses the
 * mapping (hugetlb: VM_HUGETLB is not on the LRU).
 */
static int cold(struct range *rg)
{
	return madvise(rg->p, rg->size, MADV_COLD);
}

int range_get(const struct bench_opts *o, struct range *rg, struct case_result *r)
{
	double t0 = mono_s(), t1;

	*rg = (struct range){ .p = MAP_FAILED, .filed = -1, .size = opts_size_bytes(o) };
	for (int i = 0; i < KEEP_MAX && o->cmd != CMD_DUMP_PAGES; i++)
		if (kept[i].used && range_same_type(&kept[i].o, o)) {
			kept[i].used = 0;
			if (o->cmd == CMD_GUP_BASIC && cold(&kept[i].rg)) {
				unmap(&kept[i].rg);
				break;
			}
			*rg = kept[i].rg;
			if (o->cmd == CMD_GUP_BASIC) /* the reset */
				r->phases.setup_s = mono_s() - t0;
			rg->reused = 1;
			r->phases.populate = rg->populate;
			r->phases.reused = 1;
			return 0;
		}
	evict_for(o, rg->size);
	if (o->hugetlb && hugetlb_check(o->hugetlb_kb, rg->size, r->reason, sizeof(r->reason))) {
		r->status = CASE_SKIP;
		r->exit_status = EXIT_SKIP;
		return -1;
	}
	if (map(o, rg, r)) {
		unmap(rg);
		return -1;
	}
	t1 = mono_s();
	rg->populate = r->phases.populate = populate(o, rg->p, rg->size);
	r->phases.setup_s = t1 - t0;
	r->phases.fault_s = mono_s() - t1;
	return 0;
}

void range_put(const struct bench_opts *o, struct range *rg, struct case_result *r)
{
	static unsigned long stamp;
	int longterm = o->cmd == CMD_PIN_LONGTERM || o->cmd == CMD_PIN_LONGTERM_TEST;
	double t0 = mono_s();

	if (keeping && r->status == CASE_OK && !o->touch && !o->gup_flags && o->numa_node < 0 &&
	    o->cmd != CMD_DUMP_PAGES && !(o->cmd == CMD_GUP_BASIC && cold(rg)) &&
	    !(longterm && longterm_may_migrate())) {
		for (int i = 0; i < KEEP_MAX; i++)
			if (!kept[i].used) {
				kept[i] = (struct kept){ .rg = *rg, .o = *o, .used = (int)++stamp };
				rg->p = MAP_FAILED;
				rg->filed = -1;
				if (o->cmd == CMD_GUP_BASIC) /* the reset */
					r->phases.teardown_s = mono_s() - t0;
				return;
			}
	}
	unmap(rg);
	r->phases.teardown_s = mono_s() - t0;
}
