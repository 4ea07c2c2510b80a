/*
 * test_bench_workload: --workload and the option classes (a bad name, an
 * option that does not apply: errors naming both), -n -1, workload keys and
 * the records of workload cases (what was timed, the clock, null put times
 * where the workload has none), and the generic driver on a real syscall
 * workload (process_vm_readv, which every Linux with
 * CONFIG_CROSS_MEMORY_ATTACH has): warm-ups flagged, every sample kept.
 */
#include "tap.h"
#include "bench/emit.h"
#include "bench/nodes.h"
#include "bench/workload.h"

#include <stdlib.h>
#include <unistd.h>

static int parse(struct bench_opts *o, char *err, int argc, char **argv)
{
	opts_defaults(o);
	if (opts_parse(o, argc, argv, OPTS_CASE, err, 256))
		return -1;
	return opts_check(o, (unsigned long)sysconf(_SC_PAGESIZE), err, 256);
}

#define PARSE(o, err, ...) ({ char *a_[] = { __VA_ARGS__ }; \
	parse(o, err, (int)(sizeof(a_) / sizeof(a_[0])), a_); })

static void options(void)
{
	struct bench_opts o;
	char err[256], key[256];
	unsigned long ps = (unsigned long)sysconf(_SC_PAGESIZE);

	opts_defaults(&o);
	ok(workload_is_gup_test(o.workload), "the default workload is gup_test");
	is_int(PARSE(&o, err, "--workload", "move_pages_query", "-m", "4", "-t", "-n", "16"), 0,
	       "--workload move_pages_query with -m -t -n");
	is_str(o.workload->name, "move_pages_query", "the workload is selected");
	opts_key(&o, key, sizeof(key));
	is_str(key, "--workload move_pages_query -m 4 -n 16 -t", "workload key");

	is_int(PARSE(&o, err, "--workload", "bogus"), -1, "an unknown workload is rejected");
	ok(strstr(err, "'bogus'") && strstr(err, "move_pages_query"), "the message names it and the choices: %s",
	   err);
	is_int(PARSE(&o, err, "--workload", "io_uring_register", "-m", "2", "-L"), -1,
	       "-L with io_uring_register is rejected");
	ok(strstr(err, "'-L'") && strstr(err, "'io_uring_register'"), "the message names both: %s", err);
	is_int(PARSE(&o, err, "-z", "--workload=move_pages_migrate"), -1, "an option before --workload counts too");
	ok(strstr(err, "'-z'") && strstr(err, "'move_pages_migrate'"), "and is named: %s", err);
	is_int(PARSE(&o, err, "--source", "/dev/x"), -1, "--source does not apply to gup_test");
	ok(strstr(err, "'--source'") && strstr(err, "'gup_test'"), "named: %s", err);

	is_int(PARSE(&o, err, "-L", "-m", "8", "-n", "-1"), 0, "-n -1 is accepted");
	is_int(opts_nr_pages(&o, ps), 8 * (1 << 20) / ps, "-n -1 is every page of the range");
	opts_key(&o, key, sizeof(key));
	is_str(key, "-L -m 8 -n -1", "-n -1 stays -1 in the key");
	is_int(PARSE(&o, err, "-n", "-2"), -1, "-n -2 is rejected");
	ok(strstr(err, "'-n'") != NULL, "naming -n: %s", err);

	is_int(PARSE(&o, err, "--workload", "io_uring_register", "-m", "2"), 0, "io_uring_register without -n");
	is_int(opts_nr_pages(&o, ps), 2 * (1 << 20) / ps, "io_uring_register registers the range as one buffer");
	opts_key(&o, key, sizeof(key));
	is_str(key, "--workload io_uring_register -m 2 -n -1", "its key says -n -1");
}

static void records(void)
{
	struct sample s[2] = { { .get_us = 50, .warmup = 1 }, { .get_us = 40 } };
	struct case_result r = { .status = CASE_OK, .samples = s, .nr_samples = 2 };
	char *argv[] = { "--workload", "move_pages_query", "-m", "1", "--warmup", "1" };
	struct bench_opts o;
	json_t *rec, *params;
	char err[256];

	opts_defaults(&o);
	opts_parse(&o, 6, argv, OPTS_CASE, err, sizeof(err));
	rec = case_json("q", "gupbench", argv, 6, &o, &r);
	params = json_object_get(rec, "params");
	is_str(json_string_value(json_object_get(params, "cmd")), "move_pages_query", "params.cmd is the workload");
	is_str(json_string_value(json_object_get(params, "workload")), "move_pages_query", "params.workload");
	ok(strstr(json_string_value(json_object_get(json_object_get(params, "timed"), "get")), "move_pages"),
	   "params.timed.get says what was timed");
	ok(json_is_null(json_object_get(json_object_get(params, "timed"), "put")), "and that nothing is put");
	ok(strstr(json_string_value(json_object_get(params, "clock")), "CLOCK_MONOTONIC"), "params.clock");
	ok(!json_object_get(params, "gup_flags"), "no gup_test-only params");
	ok(json_is_null(json_object_get(json_array_get(json_object_get(rec, "samples"), 1), "put_us")),
	   "samples carry put_us null, not 0");
	ok(json_is_null(json_object_get(json_object_get(rec, "summary"), "put")), "summary.put is null");
	is_int(json_integer_value(json_object_get(json_object_get(json_object_get(rec, "summary"), "get"), "n")), 1,
	       "the summary leaves the warm-up out");
	json_decref(rec);
}

static void driver(void)
{
	char *argv[] = { "--workload", "process_vm_readv", "-m", "1", "-n", "16", "-r", "2", "--warmup", "1" };
	struct bench_opts o;
	struct case_result r;
	char err[256];

	opts_defaults(&o);
	opts_parse(&o, 10, argv, OPTS_CASE, err, sizeof(err));
	is_int(workload_run(&o, &r, NULL, NULL), 0, "process_vm_readv over 1 MiB runs: %s", r.reason);
	is_int(r.nr_samples, 3, "one warm-up and two measured samples");
	ok(r.nr_samples == 3 && r.samples[0].warmup && !r.samples[1].warmup && !r.samples[2].warmup,
	   "the warm-up is flagged, the others not");
	ok(r.nr_samples == 3 && r.samples[1].size == 1 << 20, "each sample covered the range");
	case_result_free(&r);
}

static void node_lists(void)
{
	int n[8];

	is_int(nodes_parse_list("0-1\n", n, 8), 2, "sysfs list '0-1': two nodes");
	ok(n[0] == 0 && n[1] == 1, "nodes 0 and 1");
	is_int(nodes_parse_list("0,2-4,7\n", n, 8), 5, "'0,2-4,7': five");
	ok(n[0] == 0 && n[1] == 2 && n[3] == 4 && n[4] == 7, "in order");
	is_int(nodes_parse_list("0-9", n, 3), 3, "at most max");
	is_int(nodes_parse_list("\n", n, 8), 0, "an empty list");
}

int main(void)
{
	tap_plan(39);
	node_lists();
	options();
	records();
	driver();
	return tap_done();
}
