/*
 * test_matrix_workload: the matrix's workload axis. Cases become
 * `--workload NAME ...` command lines whose ids are the bench's keys; axes
 * a workload does not take collapse; nr_pages -1; an unknown workload names
 * its place; a migration case asks the guest for two NUMA nodes and two
 * copies of its hugetlb range, with 1G pages RAM enough for node 0 to get one; the presets folio-walk.json and
 * stock-kernel.json expand as documented.
 */
#include "harness/guest/matrix.h"
#include "tap.h"
#include "lib/util.h"

#include <jansson.h>
#include <stdlib.h>

static int parse(const char *text, struct matrix *m, char *err)
{
	return matrix_parse(text, "t.json", 0, m, err, 512);
}

static void test_axis(void)
{
	struct matrix m;
	char err[512];

	ok(!parse("{\"axes\": {\"workload\": [\"gup_test\", \"ksm_merge\"], \"cmd\": [\"u\", \"L\"], "
		  "\"nr_pages\": [1, 512], \"shared\": [false, true]}}", &m, err), "workload axis parses: %s", err);
	/* gup_test: 2 cmd x 2 nr x 2 shared; ksm_merge takes none of them: 1 */
	is_int(m.n, 9, "axes a workload does not take collapse into one case");
	is_str(m.cases[8].id, "--workload ksm_merge -m 128", "the workload case's id is the bench key");
	is_str(m.cases[0].id, "-u -m 128 -n 1", "gup_test cases keep their ids");
	matrix_free(&m);

	ok(!parse("{\"axes\": {\"workload\": \"io_uring_register\", \"nr_pages\": -1}}", &m, err),
	   "nr_pages -1 parses");
	is_str(m.cases[0].id, "--workload io_uring_register -m 128 -n -1", "and stays -1 in the id");
	matrix_free(&m);

	ok(parse("{\"axes\": {\"workload\": \"ksm_merged\"}}", &m, err), "an unknown workload is refused");
	ok(strstr(err, "axes.workload") && strstr(err, "ksm_merged"), "naming the place and the value: %s", err);
	ok(parse("{\"axes\": {\"nr_pages\": 0}}", &m, err), "nr_pages 0 is refused");
}

static void test_needs(void)
{
	struct matrix m;
	struct plan_needs needs;
	size_t idx[] = { 0 };
	char err[512], *plan;
	json_t *p;

	ok(!parse("{\"axes\": {\"workload\": \"move_pages_migrate\", \"size_mb\": 64, \"hugetlb\": \"2M\"}}", &m, err),
	   "a migration case parses");
	plan = matrix_plan(&m, idx, 1, arch_lookup("x86_64"), &needs);
	is_int(needs.numa_nodes, 2, "move_pages_migrate asks for two NUMA nodes");
	p = json_loads(plan, 0, NULL);
	is_int(json_integer_value(json_object_get(json_object_get(json_object_get(p, "setup"), "hugetlb"), "2048kB")),
	       64, "and two copies of its hugetlb range (64 pages of 2M for 64 MiB)");
	json_decref(p);
	free(plan);
	matrix_free(&m);

	/* 1G pages are reserved at boot and dealt round robin over the nodes,
	 * a node without a free GiB handing its page on: node 0 (an even
	 * share of the RAM from address 0) must reach its page's GiB past
	 * the low 3 GiB that hold the kernel and the initrd, with room above */
	ok(!parse("{\"repeats\": 5, \"warmup\": 1, \"axes\": {\"workload\": \"move_pages_migrate\", \"size_mb\": 64, \"hugetlb\": \"1G\"}}", &m, err),
	   "a 1G migration case parses");
	for (int a = 0; a < 2; a++) {
		const struct arch_info *arch = arch_lookup(a ? "arm64" : "x86_64");

		plan = matrix_plan(&m, idx, 1, arch, &needs);
		ok(needs.numa_nodes == 2 && plan_boot_huge(&needs, 1048576) == 2 &&
		   needs.mem_mb % 256 == 0 && needs.mem_mb / 2 >= 3072 + 1024 + 256,
		   "%s: two 1G pages, and node 0's half of the RAM (%ld MiB) holds one above 4 GiB", arch->name,
		   needs.mem_mb / 2);
		ok(needs.case_timeout >= 30 + 0.1 * 1024 * 7,
		   "%s: the case timeout (%.0f s) covers moving the whole 1G page 7 times", arch->name, needs.case_timeout);
		free(plan);
	}
	matrix_free(&m);

	ok(!parse("{\"axes\": {\"workload\": \"move_pages_query\", \"size_mb\": 64, \"hugetlb\": \"2M\"}}", &m, err),
	   "a query case parses");
	plan = matrix_plan(&m, idx, 1, arch_lookup("x86_64"), &needs);
	is_int(needs.numa_nodes, 0, "move_pages_query needs no NUMA topology");
	free(plan);
	matrix_free(&m);
}

static void test_presets(void)
{
	struct matrix m;
	char err[512], *path = data_path("harness/matrices/folio-walk.json");
	size_t migrate = 0, ksm = 0;

	ok(!matrix_load(path, 0, &m, err, sizeof(err)), "folio-walk.json parses: %s", err);
	is_int(m.n, 17, "folio-walk: 17 cases");
	for (size_t i = 0; i < m.n; i++) {
		migrate += !!strstr(m.cases[i].id, "move_pages_migrate");
		ksm += !!strstr(m.cases[i].id, "--workload ksm_");
	}
	is_int(migrate, 6, "move_pages_migrate over THP, base pages and four hugetlb sizes");
	is_int(ksm, 4, "ksm_merge and ksm_unmerge with THP on and off");
	matrix_free(&m);
	free(path);
	path = data_path("harness/matrices/stock-kernel.json");
	ok(!matrix_load(path, 0, &m, err, sizeof(err)), "stock-kernel.json parses: %s", err);
	is_int(m.n, 9, "stock-kernel: 9 cases");
	matrix_free(&m);
	free(path);
}

int main(void)
{
	tap_plan(25);
	test_axis();
	test_needs();
	test_presets();
	return tap_done();
}
