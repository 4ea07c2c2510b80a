/*
 * test_bench_plan: plan documents, good and bad: the example of PROTOCOL.md,
 * syntax errors with line and column, and each validation rule.
 */
#include "tap.h"
#include "bench/plan.h"

static int try(const char *text, char *err)
{
	struct plan p;
	int rc = plan_parse(text, "t.json", &p, err, 512);

	plan_free(&p);
	return rc;
}

int main(void)
{
	static const char good[] =
		"{\"format\":\"gupbench-plan-1\",\n"
		" \"setup\":{\"thp_enabled\":\"madvise\",\"thp_defrag\":\"madvise\",\n"
		"            \"hugetlb\":{\"2048kB\":300,\"1048576kB\":1}},\n"
		" \"cases\":[\n"
		"  {\"id\":\"seed\",\"argv\":[\"-m\",\"512\",\"-t\",\"-L\",\"-n\",\"1024\",\"-r\",\"10\",\"--warmup\",\"2\"]},\n"
		"  {\"id\":\"seed/selftest\",\"selftest\":[\"-m\",\"512\",\"-t\",\"-L\"],\"timeout_s\":30}]}\n";
	struct plan p;
	char err[512];

	tap_plan(24);
	is_int(plan_parse(good, "t.json", &p, err, sizeof(err)), 0, "the example plan loads");
	is_int(p.nr_cases, 2, "two cases");
	is_str(p.thp_enabled, "madvise", "setup.thp_enabled");
	is_int(p.nr_hugetlb, 2, "two hugetlb pools");
	ok(p.hugetlb[0].kb == 2048 && p.hugetlb[0].nr == 300, "2048kB: 300");
	ok(p.cases[0].opts.cmd == CMD_PIN_LONGTERM && p.cases[0].opts.warmup == 2, "case argv parsed by the option table");
	ok(p.cases[1].selftest && p.cases[1].timeout_s == 30, "selftest case with its timeout");
	is_int(p.cases[0].timeout_s, PLAN_DEFAULT_TIMEOUT, "default timeout");
	plan_free(&p);

	is_int(try("{\"format\":\"gupbench-plan-1\",\n \"cases\":[{\"id\":\"a\" \"argv\":[]}]}", err), -1,
	       "syntax error is rejected");
	ok(strstr(err, "line 2 column") != NULL, "with its line and column: %s", err);
	is_int(try("{\"format\":\"x\",\"cases\":[{\"id\":\"a\",\"argv\":[]}]}", err), -1, "wrong format");
	is_int(try("{\"format\":\"gupbench-plan-1\",\"cases\":[]}", err), -1, "no cases");
	is_int(try("{\"format\":\"gupbench-plan-1\",\"cases\":[{\"id\":\"a\",\"argv\":[]},{\"id\":\"a\",\"argv\":[]}]}",
		   err), -1, "duplicate id");
	ok(strstr(err, "'a'") != NULL, "names the id: %s", err);
	is_int(try("{\"format\":\"gupbench-plan-1\",\"cases\":[{\"id\":\"a\",\"argv\":[\"-m\",\"0\"]}]}", err), -1,
	       "bad case argv");
	ok(strstr(err, "case 'a'") && strstr(err, "'-m'"), "names case and option: %s", err);
	/* The guest's caller exits on a bad plan; the fuzz target and tests must not leak. */
	is_int(plan_parse("{\"format\":\"gupbench-plan-1\",\"cases\":[{\"id\":\"a\",\"argv\":[\"-m\",\"0\"]}]}",
			  "t.json", &p, err, sizeof(err)), -1, "a rejected plan ...");
	ok(!p.root && !p.cases && !p.nr_cases, "... leaves nothing for the caller to free");
	is_int(try("{\"format\":\"gupbench-plan-1\",\"cases\":[{\"id\":\"a\",\"argv\":[],\"selftest\":[]}]}", err), -1,
	       "argv and selftest together");
	is_int(try("{\"format\":\"gupbench-plan-1\",\"cases\":[{\"id\":\"a\",\"selftest\":[\"--warmup\",\"2\"]}]}", err),
	       -1, "our long option in a selftest case");
	is_int(try("{\"format\":\"gupbench-plan-1\",\"setup\":{\"thp\":\"x\"},\"cases\":[{\"id\":\"a\",\"argv\":[]}]}",
		   err), -1, "unknown setup key");
	is_int(try("{\"format\":\"gupbench-plan-1\",\"setup\":{\"hugetlb\":{\"2M\":1}},\"cases\":[{\"id\":\"a\",\"argv\":[]}]}",
		   err), -1, "hugetlb key not in kB");
	is_int(try("{\"format\":\"gupbench-plan-1\",\"setup\":{\"thp_enabled\":\"sometimes\"},\"cases\":[{\"id\":\"a\",\"argv\":[]}]}",
		   err), -1, "bad THP value");
	is_int(try("{\"format\":\"gupbench-plan-1\",\"cases\":[{\"id\":\"a\",\"argv\":[\"--json\"]}]}", err), -1,
	       "command-line-only option in a case");
	return tap_done();
}
