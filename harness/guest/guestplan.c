/*
 * guestplan: the guest plan (bench/PROTOCOL.md, gupbench-plan-1) for a
 * chosen subset of a matrix's cases, and what it asks of the guest: memory,
 * CPUs, hugetlb reservations (on the command line for gigantic pages), NUMA
 * nodes and each case's timeout, so that qemu.c can size the VM from the
 * plan alone (see matrix.h).
 */
#include "harness/guest/matrix.h"
#include "bench/workload.h"
#include "lib/util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Guest RAM floor: THP is off by default below 512 MiB (see plan sizing). */
#define GUEST_MIN_MEM_MB 1024

static long case_hugetlb_kb(const struct matrix_case *c, const struct arch_info *a)
{
	return c->hugetlb_kb == HUGETLB_DEFAULT ? a->default_hugetlb_kb : c->hugetlb_kb;
}

/* Seconds a case may take under TCG: time to fault in and pin its memory
 * once per repeat, generously, plus a fixed allowance for the fork. Small
 * hugetlb pages cost per page (0.4 ms each more: see docs/lab-figures.md). */
static double case_seconds(const struct matrix_case *c, const struct arch_info *a)
{
	long kb = case_hugetlb_kb(c, a);
	double pages = kb > 0 ? (double)c->size_mb * 1024 / (double)kb : 0;
	double mb = (double)c->size_mb, rounds = c->repeats + c->warmup;

	/* a migration moves whole pages (all of a 1G page for a 64 MiB
	 * range), once more untimed to put the range on its first node */
	if (c->workload->nodes && kb > 0) {
		mb = ceil(pages) * (double)kb / 1024;
		rounds += 1;
	}
	return 30.0 + (c->workload->tcg_s_per_mb * mb + 0.0004 * pages) * rounds * c->threads;
}

long plan_boot_huge(const struct plan_needs *needs, long kb)
{
	for (int i = 0; i < needs->n_boot_huge; i++)
		if (needs->boot_huge[i].kb == kb)
			return needs->boot_huge[i].pages;
	return 0;
}

/* Move the sizes the arch reserves at boot out of a setup.hugetlb object. */
static void take_boot_sizes(json_t *huge, const struct arch_info *arch, struct plan_needs *needs)
{
	const char *k;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(huge, tmp, k, v) {
		long kb = atol(k);

		int i;

		if (kb <= arch->boot_hugetlb_above_kb || needs->n_boot_huge >= BOOT_HUGETLB_MAX)
			continue;
		/* kept sorted by size: the command line reads the same every time */
		for (i = needs->n_boot_huge++; i > 0 && needs->boot_huge[i - 1].kb > kb; i--)
			needs->boot_huge[i] = needs->boot_huge[i - 1];
		needs->boot_huge[i] = (struct boot_hugetlb){ kb, (long)json_integer_value(v) };
		json_object_del(huge, k);
	}
}

/* derived: enough pages of each size for the largest case using it */
static json_t *derived_hugetlb(const struct matrix *m, const size_t *idx, size_t n,
			       const struct arch_info *arch)
{
	json_t *huge = json_object();

	for (size_t i = 0; i < n; i++) {
		const struct matrix_case *c = &m->cases[idx[i]];
		long kb = case_hugetlb_kb(c, arch);

		if (kb <= 0 || !arch_offers_hugetlb(arch, kb))
			continue;
		char *k = xasprintf("%ldkB", kb);
		long want = (c->size_mb * 1024 + kb - 1) / kb * (long)c->workload->hugetlb_copies;
		json_t *have = json_object_get(huge, k);

		if (!have || json_integer_value(have) < want)
			json_object_set_new(huge, k, json_integer(want));
		free(k);
	}
	return huge;
}

/* The setup's hugetlb pages (given or derived), the boot-time sizes moved
 * to needs; returns the MiB they take. */
static long plan_hugetlb(const struct matrix *m, const size_t *idx, size_t n, const struct arch_info *arch,
			 json_t *setup, struct plan_needs *needs)
{
	json_t *huge = json_object_get(setup, "hugetlb"), *v;
	const char *k;
	long huge_mb = 0;

	if (huge)
		json_incref(huge);
	else
		huge = derived_hugetlb(m, idx, n, arch);
	take_boot_sizes(huge, arch, needs);
	json_object_foreach(huge, k, v)
		huge_mb += (long)(json_integer_value(v) * atol(k) / 1024);
	for (int i = 0; i < needs->n_boot_huge; i++)
		huge_mb += needs->boot_huge[i].pages * needs->boot_huge[i].kb / 1024;
	if (json_object_size(huge))
		json_object_set(setup, "hugetlb", huge);
	else
		json_object_del(setup, "hugetlb");
	json_decref(huge);
	return huge_mb;
}

/* Guest RAM for the plan: hugetlb pages, the largest plain buffer, NUMA nodes. */
static void size_memory(struct plan_needs *needs, long huge_mb, long max_plain_mb, long max_node)
{
	long step;

	needs->mem_mb = 256 + huge_mb + max_plain_mb + max_plain_mb / 8;
	if (max_node >= 1) {
		long per_node = 64 + max_plain_mb + max_plain_mb / 8;

		needs->numa_nodes = (int)max_node + 1;
		if (needs->mem_mb < per_node * needs->numa_nodes)
			needs->mem_mb = per_node * needs->numa_nodes;
	}
	/* Boot-time 1G pages need free 1G-aligned blocks. Below 4 GiB the pc
	 * machine's RAM stops just short of 3 GiB and holds the kernel and the
	 * initrd (QEMU puts it just below 2 GiB); arm64's first GiB holds
	 * them. The kernel deals the pages round robin over the nodes, but a
	 * node without a free block silently gives its page to another: with
	 * the RAM split evenly from address 0, node 0 must reach past its low
	 * 3 GiB by its share of pages, plus room at its top for its own early
	 * allocations (memmap, NODE_DATA). Else move_pages_migrate finds both
	 * pages on node 1 and nowhere to move. */
	if (plan_boot_huge(needs, 1048576) > 0) {
		long nodes = needs->numa_nodes > 1 ? needs->numa_nodes : 1;
		long share = (plan_boot_huge(needs, 1048576) + nodes - 1) / nodes;
		long floor = nodes * (3072 + 1024 * share + 512);

		needs->mem_mb += 1024;
		if (needs->mem_mb < floor)
			needs->mem_mb = floor;
	}
	/* Below 512 MiB of RAM the kernel switches THP off at boot
	 * (hugepage_init), and "-t" would then measure small pages: stay
	 * well above that line. */
	if (needs->mem_mb < GUEST_MIN_MEM_MB)
		needs->mem_mb = GUEST_MIN_MEM_MB;
	/* whole 128 MiB steps for every node */
	step = 128L * (needs->numa_nodes > 1 ? needs->numa_nodes : 1);
	needs->mem_mb = (needs->mem_mb + step - 1) / step * step;
}

char *matrix_plan(const struct matrix *m, const size_t *idx, size_t n,
		  const struct arch_info *arch, struct plan_needs *needs)
{
	json_t *plan = json_object(), *cases = json_array(), *setup;
	long max_plain_mb = 0, max_node = -1, huge_mb;
	char *out;

	memset(needs, 0, sizeof(*needs));
	needs->cpus = 1;
	setup = m->setup_json ? json_loads(m->setup_json, 0, NULL) : json_object();
	huge_mb = plan_hugetlb(m, idx, n, arch, setup, needs);
	needs->boot_timeout = 60.0 + 0.002 * (double)huge_mb;
	for (size_t i = 0; i < n; i++) {
		const struct matrix_case *c = &m->cases[idx[i]];
		json_t *o = json_object(), *a = json_array();
		double s = case_seconds(c, arch);

		for (char **w = c->argv; *w; w++)
			json_array_append_new(a, json_string(*w));
		json_object_set_new(o, "id", json_string(c->id));
		json_object_set_new(o, c->selftest ? "selftest" : "argv", a);
		json_array_append_new(cases, o);
		if (c->hugetlb_kb == HUGETLB_NONE && c->size_mb > max_plain_mb)
			max_plain_mb = c->size_mb;
		if (c->numa_node > max_node)
			max_node = c->numa_node;
		if ((int)c->workload->nodes - 1 > max_node)
			max_node = (int)c->workload->nodes - 1;
		if (c->threads > needs->cpus)
			needs->cpus = c->threads;
		needs->selftest |= c->selftest;
		needs->total_timeout += s;
		if (s > needs->case_timeout)
			needs->case_timeout = s;
	}
	needs->total_timeout += needs->boot_timeout;
	size_memory(needs, huge_mb, max_plain_mb, max_node);
	json_object_set_new(plan, "format", json_string("gupbench-plan-1"));
	if (json_object_size(setup))
		json_object_set(plan, "setup", setup);
	json_object_set_new(plan, "cases", cases);
	json_decref(setup);
	out = json_dumps(plan, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(plan);
	if (!out)
		die(EXIT_FAIL, "out of memory writing a plan");
	return out;
}
