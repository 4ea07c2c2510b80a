/*
 * wl_ksm: KSM over the range, the paths the folio_walk series converted in
 * mm/ksm.c (get_mergeable_page(), scan_get_next_rmap_item(), break_ksm()).
 *
 * Every page of the range is filled with the same bytes. ksm_merge times
 * from madvise(MADV_MERGEABLE) until /proc/self/ksm_merging_pages counts
 * every page of the range (polled every millisecond: the figure is ksmd's
 * time to scan and merge, to about a millisecond), with a bounded wait: a
 * range not merged within KSM_TIMEOUT_S is an error record, never a hang.
 * ksm_unmerge merges the same way (untimed) and times
 * madvise(MADV_UNMERGEABLE), which breaks every KSM page again.
 *
 * ksmd is made to scan without sleeping (run=1, sleep_millisecs=0,
 * pages_to_scan=PAGES_TO_SCAN) for the case; the old values are put back in
 * teardown (knobs_restore_to). Before each repeat the previous repeat's
 * pages are unmerged and faulted in afresh, and the repeat waits until
 * ksmd has dropped them from its trees (ksm_merging_pages back to 0), so
 * each repeat merges the whole range from scratch.
 */
#include "bench/workload.h"
#include "lib/diag.h"
#include "bench/knobs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define KSM_DIR "/sys/kernel/mm/ksm"
#define MERGING "/proc/self/ksm_merging_pages"
#define KSM_TIMEOUT_S 300
#define PAGES_TO_SCAN "1000"

struct ksm {
	size_t mark;              /* knobs written from here on are ours */
	unsigned long pages;      /* base pages in the range */
};

static int ksm_knob(const char *name, const char *value, struct case_result *r)
{
	char path[128], why[256];

	fmt_into(path, sizeof(path), KSM_DIR "/%s", name);
	if (!knob_write(path, value, why, sizeof(why)))
		return 0;
	case_set(r, CASE_ERROR, EXIT_FAIL, "ksm: %s (run as root)", why);
	return -1;
}

int ksm_setup(struct wl_run *w, struct case_result *r)
{
	struct ksm *k;

	if (access(KSM_DIR "/run", F_OK)) {
		case_set(r, CASE_SKIP, EXIT_SKIP, "no " KSM_DIR ": the kernel lacks CONFIG_KSM");
		return -1;
	}
	if (wl_read_ulong(MERGING) < 0) {
		case_set(r, CASE_SKIP, EXIT_SKIP, "no " MERGING ": the kernel is older than 5.19");
		return -1;
	}
	k = xcalloc(1, sizeof(*k));
	k->mark = knobs_mark();
	k->pages = (unsigned long)(w->size / w->psize);
	w->priv = k;
	if (ksm_knob("sleep_millisecs", "0", r) || ksm_knob("pages_to_scan", PAGES_TO_SCAN, r) ||
	    ksm_knob("run", "1", r)) {
		ksm_teardown(w);
		return -1;
	}
	return 0;
}

void ksm_teardown(struct wl_run *w)
{
	struct ksm *k = w->priv;

	if (!k)
		return;
	madvise(w->p, w->size, MADV_UNMERGEABLE);
	knobs_restore_to(k->mark);
	free(k);
	w->priv = NULL;
}

/* Wait until ksm_merging_pages is want; 0, or -1 with r set on the timeout. */
static int wait_merging(unsigned long want, const char *what, struct case_result *r)
{
	struct timespec ms = { 0, 1000000 };
	uint64_t deadline = wl_now_ns() + (uint64_t)KSM_TIMEOUT_S * 1000000000u;
	long n;

	while ((n = wl_read_ulong(MERGING)) != (long)want) {
		if (n < 0 || wl_now_ns() > deadline) {
			case_set(r, CASE_ERROR, EXIT_FAIL, "ksm: %s: ksm_merging_pages is %ld, not %lu, after %d s",
				 what, n, want, KSM_TIMEOUT_S);
			return -1;
		}
		nanosleep(&ms, NULL);
	}
	return 0;
}

/* From the previous repeat's state to a range of identical, unmerged pages. */
static int fresh_range(struct wl_run *w, struct case_result *r)
{
	if (w->idx && (madvise(w->p, w->size, MADV_UNMERGEABLE) || wl_refault(w, r))) {
		if (r->status == CASE_OK)
			case_set(r, CASE_ERROR, EXIT_FAIL, "madvise(MADV_UNMERGEABLE) failed: %s", strerror(errno));
		return -1;
	}
	if (wait_merging(0, "pages of the previous repeat not dropped", r))
		return -1;
	for (unsigned long long off = 0; off < w->size; off += w->psize)
		memset(w->p + off, 0x5a, w->psize);
	return 0;
}

static int mergeable(struct wl_run *w, struct case_result *r)
{
	if (!madvise(w->p, w->size, MADV_MERGEABLE))
		return 0;
	if (errno == EINVAL)
		case_set(r, CASE_SKIP, EXIT_SKIP, "madvise(MADV_MERGEABLE): EINVAL: the kernel lacks CONFIG_KSM");
	else
		case_set(r, CASE_ERROR, EXIT_FAIL, "madvise(MADV_MERGEABLE) failed: %s (%s)", strerror(errno),
			 bench_errname(errno));
	return -1;
}

int ksm_merge(struct wl_run *w, struct sample *s, struct case_result *r)
{
	struct ksm *k = w->priv;
	uint64_t t0;

	if (fresh_range(w, r))
		return -1;
	t0 = wl_now_ns();
	if (mergeable(w, r) || wait_merging(k->pages, "range not merged", r))
		return -1;
	s->get_us = wl_us(t0, wl_now_ns());
	return 0;
}

int ksm_unmerge(struct wl_run *w, struct sample *s, struct case_result *r)
{
	struct ksm *k = w->priv;
	uint64_t t0;

	if (fresh_range(w, r) || mergeable(w, r) || wait_merging(k->pages, "range not merged", r))
		return -1;
	t0 = wl_now_ns();
	if (madvise(w->p, w->size, MADV_UNMERGEABLE)) {
		case_set(r, CASE_ERROR, EXIT_FAIL, "madvise(MADV_UNMERGEABLE) failed: %s (%s)", strerror(errno),
			 bench_errname(errno));
		return -1;
	}
	s->get_us = wl_us(t0, wl_now_ns());
	return 0;
}
