/*
 * wl_thp_split: the split_huge_pages debugfs file over the range
 * ("<pid>,0x<start>,0x<end>"), which walks the range with folio_walk since
 * the folio_walk series (split_huge_pages_pid()). Each repeat faults the
 * range in afresh as THPs (MADV_HUGEPAGE), checks that THPs are there
 * (AnonHugePages of the range's VMA in /proc/self/smaps), times the one
 * write() with CLOCK_MONOTONIC, and checks that none is left.
 */
#include "bench/workload.h"
#include "lib/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SPLIT_FILE "/sys/kernel/debug/split_huge_pages"

/* AnonHugePages (kB) of the VMA that starts at p; -1 if not found. */
static long anon_huge_kb(const char *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	unsigned long start, end;
	int in = 0;
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start == (unsigned long)p;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

int split_setup(struct wl_run *w, struct case_result *r)
{
	int fd;

	if (w->o->thp == 0) {
		case_set(r, CASE_ERROR, EXIT_USAGE, "option '-T' does not apply to workload 'thp_split' (it splits THPs; "
			 "drop it)");
		return -1;
	}
	fd = open(SPLIT_FILE, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		case_set(r, CASE_SKIP, EXIT_SKIP, "cannot open '%s': %s (debugfs mounted? the kernel needs "
			 "CONFIG_TRANSPARENT_HUGEPAGE and CONFIG_DEBUG_FS; run as root)", SPLIT_FILE, strerror(errno));
		return -1;
	}
	if (madvise(w->p, w->size, MADV_HUGEPAGE)) {
		close(fd);
		case_set(r, CASE_SKIP, EXIT_SKIP, "madvise(MADV_HUGEPAGE) failed: %s: no THP", strerror(errno));
		return -1;
	}
	w->force_thp = 1;
	w->priv = (void *)(intptr_t)(fd + 1);
	return 0;
}

void split_teardown(struct wl_run *w)
{
	if (w->priv)
		close((int)(intptr_t)w->priv - 1);
	w->priv = NULL;
}

int split_run(struct wl_run *w, struct sample *s, struct case_result *r)
{
	int fd = (int)(intptr_t)w->priv - 1;
	char cmd[96];
	long before, after;
	uint64_t t0;
	ssize_t n;

	/* the driver touched the range before MADV_HUGEPAGE; every repeat starts from new THPs */
	if (wl_refault(w, r))
		return -1;
	before = anon_huge_kb(w->p);
	if (before <= 0) {
		case_set(r, CASE_SKIP, EXIT_SKIP, "no THP in the range after MADV_HUGEPAGE (AnonHugePages %ld kB): "
			 "THP disabled ('never' in /sys/kernel/mm/transparent_hugepage/enabled?)", before);
		return -1;
	}
	fmt_into(cmd, sizeof(cmd), "%d,0x%lx,0x%lx", (int)getpid(), (unsigned long)w->p,
		 (unsigned long)(w->p + w->size));
	t0 = wl_now_ns();
	n = write(fd, cmd, strlen(cmd));
	s->get_us = wl_us(t0, wl_now_ns());
	if (n != (ssize_t)strlen(cmd)) {
		case_set(r, CASE_ERROR, EXIT_FAIL, "write '%s' to %s failed: %s", cmd, SPLIT_FILE,
			 n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	after = anon_huge_kb(w->p);
	if (after != 0) {
		case_set(r, CASE_ERROR, EXIT_FAIL, "%ld of %ld kB of THP left after the split", after, before);
		return -1;
	}
	return 0;
}
