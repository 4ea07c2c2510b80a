/*
 * test_bench_upstream: the KTAP frame of the text output (header, plan,
 * result lines for ok / SKIP / error, totals) and upstream's gup_bench
 * command line: called by that name or with --gup-bench, its grammar
 * (options it lacks are refused, naming them), one case with arguments,
 * the 144-case matrix without.
 */
#include "tap.h"
#include "bench/ktap.h"
#include "bench/upstream.h"

#include <stdlib.h>

static void ktap(void)
{
	struct case_result ok_ = { .status = CASE_OK }, skip = { .status = CASE_SKIP, .reason = "no io_uring" },
			   bad = { .status = CASE_ERROR, .reason = "ioctl failed" };
	struct ktap k;
	char buf[1024] = "";
	FILE *f = tmpfile();
	size_t n;

	ktap_begin(&k, f, 3);
	ktap_result(&k, "-L -m 1 -n 1", &ok_);
	ktap_result(&k, "--workload io_uring_register -m 1 -n -1", &skip);
	ktap_result(&k, "-u -m 1 -n 1", &bad);
	ktap_end(&k);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	is_str(buf, "TAP version 13\n1..3\nok 1 -L -m 1 -n 1\nok 2 # SKIP no io_uring\n# ioctl failed\n"
	       "not ok 3 -u -m 1 -n 1\n# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0\n",
	       "KTAP header, plan, ok, SKIP, error as a diagnostic then not ok, totals");
}

static int cases(char **argv, int argc, struct cli_case **c, size_t *n, char *err)
{
	static struct bench_opts o;

	opts_defaults(&o);
	if (opts_parse(&o, argc, argv, OPTS_CMDLINE, err, 256))
		return -2;
	return gup_bench_cases(&o, argc, argv, c, n, err, 256);
}

static void gup_bench(void)
{
	struct bench_opts o;
	struct cli_case *c;
	char err[256], key[256];
	size_t n, hugetlb = 0, all = 0;

	opts_defaults(&o);
	ok(gup_bench_mode("/usr/libexec/kselftests/mm/gup_bench", &o), "called as gup_bench: upstream's grammar");
	ok(!gup_bench_mode("gupbench", &o), "called as gupbench: ours, a bare call stays one GUP_FAST case");
	o.gup_bench = 1;
	ok(gup_bench_mode("gupbench", &o), "--gup-bench asks for it explicitly");

	{
		char *a[] = { "--gup-bench", "--json", "--out", "x.json" };

		is_int(cases(a, 4, &c, &n, err), 0, "no argument but --gup-bench and the output options");
	}
	is_int(n, 144, "the whole former run_vmtests gup matrix: 144 cases");
	opts_key(&c[0].o, key, sizeof(key));
	is_str(key, "-u -m 128 -n 1 -t -W", "first case: GUP_FAST, read, private, THP, 1 page");
	opts_key(&c[143].o, key, sizeof(key));
	is_str(key, "-L -m 256 -n -1 -H -S", "last case: PIN_LONGTERM, write, shared, hugetlb 256 MiB, -n -1");
	for (size_t i = 0; i < n; i++) {
		hugetlb += c[i].o.hugetlb && c[i].o.size_mb == 256;
		all += !c[i].o.nr_pages;
	}
	is_int(hugetlb, 48, "48 hugetlb cases, all at 256 MiB");
	is_int(all, 36, "36 cases with -n -1");
	gup_bench_free(c, n);

	{
		char *a[] = { "--gup-bench", "-a", "-n", "512", "-w", "-H" };

		is_int(cases(a, 6, &c, &n, err), 0, "gup_bench -a -n 512 -w -H");
	}
	ok(n == 1 && c[0].o.cmd == CMD_PIN_FAST && c[0].o.nr_pages == 512 && c[0].o.hugetlb, "is one case");
	gup_bench_free(c, n);
	{
		char *a[] = { "--gup-bench", "-c" };

		is_int(cases(a, 2, &c, &n, err), -1, "-c is not gup_bench's");
		ok(strstr(err, "'-c'") && strstr(err, "gup_bench"), "the message names it: %s", err);
	}
	{
		char *a[] = { "--gup-bench", "-z" };

		is_int(cases(a, 2, &c, &n, err), -1, "-z is not gup_bench's");
	}
}

int main(void)
{
	tap_plan(15);
	ktap();
	gup_bench();
	return tap_done();
}
