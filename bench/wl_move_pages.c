/*
 * wl_move_pages: move_pages(2) over the range, the two paths the folio_walk
 * series converted: the status query (nodes NULL: do_pages_stat_array()) and
 * migration (add_folio_for_migration()). One address per base page, -n of
 * them per call, the whole range timed with CLOCK_MONOTONIC. Migration
 * alternates the range between two memory nodes, after an untimed first
 * move onto the first one so that every repeat moves every page. The raw
 * syscall is used (libnuma's move_pages() is the same call; calling it
 * directly keeps the errno handling ours, and libnuma's view of the nodes
 * is wrong in init mode: nodes.h).
 */
#include "bench/workload.h"
#include "lib/diag.h"
#include "bench/hugetlb.h"
#include "bench/nodes.h"

#include <errno.h>
#include <linux/mempolicy.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct mp {
	void **pages;
	int *nodes, *status;
	unsigned long count;     /* base pages in the range */
	int node[2];             /* migration: the two nodes */
};

static long do_move(void **pages, const int *nodes, int *status, unsigned long n)
{
	return syscall(SYS_move_pages, 0, n, pages, nodes, status, nodes ? MPOL_MF_MOVE : 0);
}

static int mp_fail(struct case_result *r, int e)
{
	if (e == ENOSYS)
		case_set(r, CASE_SKIP, EXIT_SKIP, "move_pages(2): ENOSYS: the kernel lacks CONFIG_NUMA or "
			 "CONFIG_MIGRATION");
	else
		case_set(r, CASE_ERROR, EXIT_FAIL, "move_pages(2) failed: %s (%s)", strerror(e), bench_errname(e));
	return -1;
}

int mp_setup(struct wl_run *w, struct case_result *r)
{
	struct mp *m = xcalloc(1, sizeof(*m));

	m->count = (unsigned long)(w->size / w->psize);
	m->pages = xcalloc(m->count, sizeof(void *));
	m->nodes = xcalloc(m->count, sizeof(int));
	m->status = xcalloc(m->count, sizeof(int));
	for (unsigned long i = 0; i < m->count; i++)
		m->pages[i] = w->p + i * w->psize;
	w->priv = m;
	/* an empty call tells whether the kernel has the syscall at all */
	if (do_move(m->pages, NULL, m->status, 0) && errno == ENOSYS) {
		mp_teardown(w);
		return mp_fail(r, ENOSYS);
	}
	return 0;
}

void mp_teardown(struct wl_run *w)
{
	struct mp *m = w->priv;

	if (!m)
		return;
	free(m->pages);
	free(m->nodes);
	free(m->status);
	free(m);
	w->priv = NULL;
}

/* All pages of the range, -n per call, to nodes (NULL: query); 0 or errno. */
static int sweep(struct wl_run *w, const int *nodes, uint64_t *us)
{
	struct mp *m = w->priv;
	uint64_t t0 = wl_now_ns();

	for (unsigned long i = 0; i < m->count; i += w->nr_pages) {
		unsigned long n = m->count - i < w->nr_pages ? m->count - i : w->nr_pages;

		if (do_move(m->pages + i, nodes ? nodes + i : NULL, m->status + i, n) < 0)
			return errno;
	}
	*us = wl_us(t0, wl_now_ns());
	return 0;
}

/* Every status must be want (a node), or any node when want < 0. */
static int check_status(const struct mp *m, int want, struct case_result *r)
{
	unsigned long bad = 0, first = 0;

	for (unsigned long i = 0; i < m->count; i++)
		if (m->status[i] < 0 || (want >= 0 && m->status[i] != want))
			first = bad++ ? first : i;
	if (!bad)
		return 0;
	case_set(r, CASE_ERROR, EXIT_FAIL, "%lu of %lu pages not %s node %d: page %lu has status %d%s%s", bad,
		 m->count, want < 0 ? "reported on a" : "moved to", want < 0 ? 0 : want, first, m->status[first],
		 m->status[first] < 0 ? " " : "", m->status[first] < 0 ? bench_errname(-m->status[first]) : "");
	return -1;
}

/*
 * After a migration, where the pages are (an untimed query): the status a
 * migration call reports for the second and later entries of one huge folio
 * differs between kernels (6.1 says -EBUSY or -EACCES for a THP or hugetlb
 * folio already queued by its first entry), so it is not the proof.
 */
static int settled(struct wl_run *w, int node, struct case_result *r)
{
	uint64_t us;
	int e = sweep(w, NULL, &us);

	if (e)
		return mp_fail(r, e);
	return check_status(w->priv, node, r);
}

int mp_query(struct wl_run *w, struct sample *s, struct case_result *r)
{
	int e = sweep(w, NULL, &s->get_us);

	if (e)
		return mp_fail(r, e);
	return check_status(w->priv, -1, r);
}

/* node[0]: --numa-node, else where the range is now; node[1]: the first other memory node. */
static int two_nodes(const struct bench_opts *o, int here, int node[2])
{
	int nodes[NODES_MAX], nr = nodes_with_memory(nodes, NODES_MAX);

	node[0] = o->numa_node >= 0 ? (int)o->numa_node : here;
	for (int i = 0; i < nr; i++)
		if (nodes[i] != node[0]) {
			node[1] = nodes[i];
			return 0;
		}
	return -1;
}

/* hugetlb: the target node must have free pages of the size for the whole range. */
static int target_pool(struct wl_run *w, int node, struct case_result *r)
{
	unsigned long kb = w->o->hugetlb_kb ? w->o->hugetlb_kb : hugetlb_default_kb();
	unsigned long long need = (w->size + kb * 1024 - 1) / (kb * 1024);
	char path[160];
	long nfree;

	if (!w->o->hugetlb)
		return 0;
	fmt_into(path, sizeof(path), "/sys/devices/system/node/node%d/hugepages/hugepages-%lukB/free_hugepages",
		 node, kb);
	nfree = wl_read_ulong(path);
	if (nfree >= 0 && (unsigned long long)nfree >= need)
		return 0;
	case_set(r, CASE_SKIP, EXIT_SKIP, "node %d has %ld free %lukB hugetlb pages, moving the range there needs "
		 "%llu: reserve them in %.*s/nr_hugepages", node, nfree, kb, need,
		 (int)(strrchr(path, '/') - path), path);
	return -1;
}

int mp_migrate_setup(struct wl_run *w, struct case_result *r)
{
	struct mp *m;
	uint64_t us;
	int e;

	if (mp_setup(w, r))
		return -1;
	m = w->priv;
	e = sweep(w, NULL, &us);
	if (e || check_status(m, -1, r)) {
		mp_teardown(w);
		return e ? mp_fail(r, e) : -1;
	}
	if (two_nodes(w->o, m->status[0], m->node)) {
		mp_teardown(w);
		case_set(r, CASE_SKIP, EXIT_SKIP, "move_pages_migrate needs two memory nodes, this machine has %d "
			 "(a guest: boot with numa=fake=2 and CONFIG_NUMA_EMU)", numa_nodes());
		return -1;
	}
	for (unsigned long i = 0; i < m->count; i++)
		m->nodes[i] = m->node[0];
	/* untimed: the whole range onto the first node, then the second must have room for it */
	e = sweep(w, m->nodes, &us);
	if (e || settled(w, m->node[0], r) || target_pool(w, m->node[1], r)) {
		mp_teardown(w);
		return e ? mp_fail(r, e) : -1;
	}
	return 0;
}

int mp_migrate(struct wl_run *w, struct sample *s, struct case_result *r)
{
	struct mp *m = w->priv;
	int to = m->node[(w->idx + 1) % 2], e;

	for (unsigned long i = 0; i < m->count; i++)
		m->nodes[i] = to;
	e = sweep(w, m->nodes, &s->get_us);
	if (e)
		return mp_fail(r, e);
	return settled(w, to, r);
}
