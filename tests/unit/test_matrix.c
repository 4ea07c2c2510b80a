/*
 * test_matrix: matrix expansion (axes, exclude, include, selftest twins),
 * error messages with their positions, the presets in harness/matrices/,
 * and what a plan asks of the guest (setup, memory, 1G pages, NUMA).
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

static char *joined(char **argv)
{
	static char buf[512];

	buf[0] = '\0';
	for (char **a = argv; *a; a++) {
		if (a != argv)
			strcat(buf, " ");
		strcat(buf, *a);
	}
	return buf;
}

static void test_seed(void)
{
	struct matrix m;
	char err[512], *path = data_path("harness/matrices/seed.json");

	ok(!matrix_load(path, 0, &m, err, sizeof(err)), "seed.json parses");
	is_int(m.n, 2, "seed: two cases");
	is_str(m.name, "seed", "seed: name");
	is_str(m.cases[0].id, "-L -m 512 -n 1024 -t", "seed: THP case id is the bench key");
	is_str(joined(m.cases[0].argv), "-L -m 512 -n 1024 -t -r 10 --warmup 2 --fifo 1", "seed: THP argv");
	is_str(m.cases[1].id, "-L -m 512 -n 1024 -T", "seed: THP off contrast");
	matrix_free(&m);
	free(path);
}

static void test_presets(void)
{
	struct matrix m;
	char err[512], *path = data_path("harness/matrices/vmtests-gup.json");
	size_t hug = 0, shared = 0, ro = 0, *idx;
	struct plan_needs needs;
	char *plan;
	json_t *pj;

	ok(!matrix_load(path, 0, &m, err, sizeof(err)), "vmtests-gup.json parses");
	is_int(m.n, 180, "vmtests-gup: 3 x 5 x 2 x 2 x 3 = 180 cases");
	for (size_t i = 0; i < m.n; i++) {
		hug += m.cases[i].hugetlb_kb == HUGETLB_DEFAULT;
		shared += m.cases[i].shared;
		ro += m.cases[i].write == 0;
	}
	is_int(hug, 60, "vmtests-gup: a third of the cases are hugetlb");
	is_int(shared, 90, "vmtests-gup: half shared");
	is_int(ro, 90, "vmtests-gup: half with -W");
	ok(matrix_find(&m, "-u -m 128 -n 123 -H -W -S") >= 0, "vmtests-gup: hugetlb -u -W -S -n 123 present");
	idx = xcalloc(m.n, sizeof(*idx));
	for (size_t i = 0; i < m.n; i++)
		idx[i] = i;
	plan = matrix_plan(&m, idx, m.n, arch_lookup("x86_64"), &needs);
	pj = json_loads(plan, 0, NULL);
	is_int(json_integer_value(json_object_get(json_object_get(json_object_get(pj, "setup"), "hugetlb"), "2048kB")),
	       128, "vmtests-gup: 256 MiB of 2M pages in setup");
	is_int(json_array_size(json_object_get(pj, "cases")), 180, "vmtests-gup: plan has every case");
	is_str(json_string_value(json_object_get(pj, "format")), "gupbench-plan-1", "plan format");
	ok(needs.mem_mb >= 256 + 256 + 128, "vmtests-gup: memory covers reservation and a case (%ld MiB)", needs.mem_mb);
	ok(needs.total_timeout > needs.case_timeout && needs.case_timeout >= 30, "timeouts derived from the plan");
	json_decref(pj);
	free(plan);
	free(idx);
	matrix_free(&m);
	free(path);

	path = data_path("harness/matrices/hugetlb-sizes.json");
	ok(!matrix_load(path, 0, &m, err, sizeof(err)), "hugetlb-sizes.json parses");
	is_int(m.n, 8, "hugetlb-sizes: four sizes x pin-longterm, GUP-fast");
	is_str(joined(m.cases[3].argv), "-L -m 1024 -n 512 --hugetlb-size 1G -r 10 --warmup 2 --fifo 1",
	       "hugetlb-sizes: 1G argv");
	is_str(joined(m.cases[4].argv), "-u -m 1024 -n 512 --hugetlb-size 64K -r 10 --warmup 2 --fifo 1",
	       "hugetlb-sizes: GUP-fast 64K argv");
	idx = xcalloc(m.n, sizeof(*idx));
	for (size_t i = 0; i < m.n; i++)
		idx[i] = i;
	plan = matrix_plan(&m, idx, m.n, arch_lookup("x86_64"), &needs);
	pj = json_loads(plan, 0, NULL);
	json_t *h = json_object_get(json_object_get(pj, "setup"), "hugetlb");

	is_int(json_integer_value(json_object_get(h, "2048kB")), 512, "x86: 1 GiB of 2M pages reserved");
	ok(!json_object_get(h, "64kB") && !json_object_get(h, "32768kB"), "x86: no reservation for sizes it lacks");
	ok(!json_object_get(h, "1048576kB"), "1G pages are not in setup");
	is_int(plan_boot_huge(&needs, 1048576), 1, "1G pages go on the command line");
	ok(needs.mem_mb >= 256 + 1024 + 1024, "memory covers 2M and 1G reservations (%ld MiB)", needs.mem_mb);
	json_decref(pj);
	free(plan);
	/* arm64, 4K granule: 64K and 2M at run time, 32M and 1G (gigantic) at boot */
	plan = matrix_plan(&m, idx, m.n, arch_lookup("arm64"), &needs);
	pj = json_loads(plan, 0, NULL);
	h = json_object_get(json_object_get(pj, "setup"), "hugetlb");
	ok(json_integer_value(json_object_get(h, "64kB")) == 16384 &&
	   json_integer_value(json_object_get(h, "2048kB")) == 512 && json_object_size(h) == 2,
	   "arm64: 1 GiB each of 64K and 2M pages in setup");
	ok(needs.n_boot_huge == 2 && plan_boot_huge(&needs, 32768) == 32 && plan_boot_huge(&needs, 1048576) == 1 &&
	   needs.boot_huge[0].kb == 32768, "arm64: 32M and 1G pages on the command line, smaller first");
	ok(needs.case_timeout > 150, "arm64: 16384 pages of 64K get a longer case timeout (%.0f s)", needs.case_timeout);
	ok(needs.mem_mb >= 256 + 4096, "arm64: memory covers all four sizes (%ld MiB)", needs.mem_mb);
	json_decref(pj);
	free(plan);
	free(idx);
	matrix_free(&m);
	free(path);
}

static void test_rules(void)
{
	struct matrix m;
	char err[512];

	ok(!parse("{\"axes\":{\"cmd\":[\"u\",\"L\"],\"thp\":[\"on\",\"off\"],\"nr_pages\":[1,512]},"
		  "\"exclude\":[{\"cmd\":\"u\",\"thp\":\"off\"},{\"nr_pages\":512,\"cmd\":[\"L\"]}],"
		  "\"include\":[{\"id\":\"big\",\"cmd\":\"L\",\"size_mb\":8192,\"hugetlb\":\"1G\",\"repeats\":3}]}",
		  &m, err), "rules parse: %s", err);
	/* 8 - 2 (u,off) - 2 (L,512) + 1 */
	is_int(m.n, 5, "exclude removes, include adds");
	ok(matrix_find(&m, "-u -m 128 -n 1 -T") < 0, "excluded case is gone");
	ok(matrix_find(&m, "-L -m 128 -n 512 -t") < 0, "list-valued exclude matches");
	ok(matrix_find(&m, "-L -m 128 -n 1 -T") >= 0, "other cases stay");
	long b = matrix_find(&m, "big");

	ok(b >= 0 && m.cases[b].repeats == 3 && m.cases[b].hugetlb_kb == 1048576, "include with id and repeats");
	is_str(m.name, "t", "name defaults to the file's base name");
	{
		const char *pick[] = { "big", "-L -m 128 -n 1 -T" }, *unknown[] = { "-L -m 128 -n 1 -T", "nope" };

		ok(matrix_select(&m, unknown, 2, err, sizeof(err)) < 0 && strstr(err, "'nope'"),
		   "select: an unknown id is named (%s)", err);
		is_int(m.n, 5, "and nothing is removed");
		is_int(matrix_select(&m, pick, 2, err, sizeof(err)), 0, "select two cases");
		ok(m.n == 2 && !strcmp(m.cases[0].id, "-L -m 128 -n 1 -T") && !strcmp(m.cases[1].id, "big"),
		   "only they remain, in the matrix's order");
	}
	matrix_free(&m);

	ok(!parse("{\"axes\":{\"thp\":[\"on\",\"off\"],\"hugetlb\":[\"none\",\"2M\"]}}", &m, err), "thp x hugetlb");
	is_int(m.n, 3, "hugetlb cases have no THP mode: duplicates collapse");
	matrix_free(&m);

	ok(!parse("{\"selftest\":true,\"axes\":{\"cmd\":\"L\",\"hugetlb\":[\"default\",\"2M\"]}}", &m, err),
	   "selftest twins parse");
	is_int(m.n, 3, "a twin for the case the selftest can run, none for --hugetlb-size");
	ok(m.n == 3 && m.cases[2].selftest && !strcmp(m.cases[2].id, "-L -m 128 -n 1 -H/selftest"),
	   "twin id and flag");
	matrix_free(&m);

	ok(!parse("{\"axes\":{\"numa_node\":[0,2],\"threads\":4,\"file\":\"/tmp/gupbench-file\"}}", &m, err), "numa matrix");
	{
		size_t idx[] = { 0, 1 };
		struct plan_needs needs;
		char *plan = matrix_plan(&m, idx, 2, arch_lookup("x86_64"), &needs);

		is_int(needs.numa_nodes, 3, "node 2 asks for 3 fake nodes");
		is_int(needs.cpus, 4, "threads size the CPUs");
		ok(strstr(joined(m.cases[1].argv), "-j 4 -f /tmp/gupbench-file --numa-node 2") != NULL, "argv order: -j -f --numa-node");
		free(plan);
	}
	matrix_free(&m);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "{\"axes\":{\"cmd\":\"L\",}}", "t.json:1:" },
		{ "{\n\"axes\": {\n \"cmd\": [\"L\" \"u\"]}}", "t.json:3:" },
		{ "{\"axes\":{\"thp\":[\"on\",\"maybe\"]}}", "axes.thp[1]: \"maybe\" is not a valid thp" },
		{ "{\"axes\":{\"size\":1}}", "axes.size: not an axis" },
		{ "{\"axis\":{}}", "'axis' is not a matrix key" },
		{ "{\"axes\":{\"size_mb\":0}}", "axes.size_mb: 0 is not a valid size_mb" },
		{ "{\"axes\":{\"hugetlb\":\"3M\"}}", "expected one of none, default, 64K, 2M, 32M, 1G" },
		{ "{\"axes\":{\"cmd\":[]}}", "axes.cmd: an empty list leaves no cases" },
		{ "{\"axes\":{\"cmd\":\"L\"},\"exclude\":[{\"cmd\":\"L\"}]}", "leave no cases" },
		{ "{\"axes\":{\"cmd\":\"L\"},\"exclude\":[{\"cmd\":\"x\"}]}", "exclude[0].cmd: \"x\"" },
		{ "{\"include\":[{\"id\":\"a\",\"cmd\":[\"L\",\"u\"]}]}", "include[0].id: an \"id\" names one case" },
		{ "{\"include\":[{\"id\":\"a\"},{\"id\":\"a\",\"cmd\":\"L\"}]}", "include[1]: duplicate case id 'a'" },
		{ "{\"include\":[{\"cmd\":\"L\",\"repeat\":2}]}", "include[0].repeat: not an axis" },
		{ "{\"repeats\":0,\"axes\":{}}", "repeats: must be at least 1" },
		{ "{\"fifo\":100,\"axes\":{}}", "fifo: expected an integer from 0 to 99" },
		{ "{\"description\":\"x\"}", "no cases" },
		{ "[1]", "must be a JSON object" },
		{ "{\"arch\":\"sparc\",\"axes\":{\"cmd\":\"L\"}}", "arch: expected one of x86_64, arm64" },
	};
	struct matrix m;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].text, &m, err);

		ok(rc == -1 && strstr(err, bad[i].want), "error %zu names '%s'", i, bad[i].want);
		if (rc == 0 || !strstr(err, bad[i].want))
			printf("#   got '%s'\n", rc ? err : "(parsed)");
		if (!rc)
			matrix_free(&m);
	}
	ok(matrix_load("/nonexistent/m.json", 0, &m, err, sizeof(err)) == -1 && strstr(err, "cannot read matrix"),
	   "missing file");
}

int main(void)
{
	tap_plan(69);
	test_seed();
	test_presets();
	test_rules();
	test_errors();
	return tap_done();
}
