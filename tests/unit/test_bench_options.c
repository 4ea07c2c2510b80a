/*
 * test_bench_options: the option table against the selftest's command line
 * (defaults, bundling, -c page indexes), our long options, the errors that
 * must exit 2, plan-case scope and the canonical key.
 */
#include "tap.h"
#include "bench/options.h"

static int parse(struct bench_opts *o, enum opts_scope scope, char *err, int argc, char **argv)
{
	opts_defaults(o);
	return opts_parse(o, argc, argv, scope, err, 256);
}

#define PARSE(o, err, ...) ({ char *a_[] = { __VA_ARGS__ }; \
	parse(o, OPTS_CMDLINE, err, (int)(sizeof(a_) / sizeof(a_[0])), a_); })

int main(void)
{
	struct bench_opts o;
	char err[256], key[256];

	tap_plan(32);
	opts_defaults(&o);
	ok(o.cmd == CMD_GUP_FAST && o.size_mb == 128 && o.repeats == 1 && o.nr_pages == 1 &&
	   o.write == 1 && o.thp == -1 && !o.shared && !strcmp(o.file, "/dev/zero") && o.threads == 1,
	   "defaults are the selftest's");

	is_int(PARSE(&o, err, "-m", "512", "-t", "-L", "-n", "1024", "-r", "10"), 0, "seed command line parses");
	ok(o.cmd == CMD_PIN_LONGTERM && o.size_mb == 512 && o.thp == 1 && o.nr_pages == 1024 && o.repeats == 10,
	   "seed command line means PIN_LONGTERM, 512 MiB, THP, 1024 pages, 10 repeats");
	opts_key(&o, key, sizeof(key));
	is_str(key, "-L -m 512 -n 1024 -t", "seed key");

	is_int(PARSE(&o, err, "-HL", "-m8192", "-n", "512"), 0, "bundled flags and attached values");
	ok(o.hugetlb && o.cmd == CMD_PIN_LONGTERM && o.size_mb == 8192, "-HL -m8192 read as -H -L -m 8192");

	is_int(PARSE(&o, err, "-c", "0", "1", "0x1001"), 0, "-c with page indexes");
	ok(o.cmd == CMD_DUMP_PAGES && o.which_pages[0] == 1 && o.which_pages[1] == 2 &&
	   o.which_pages[2] == 0x1002 && o.which_pages[3] == 0, "page indexes become 1-based which_pages");
	is_int(PARSE(&o, err, "-c"), 0, "-c alone");
	is_int(o.which_pages[0], 1, "-c alone dumps page 0");

	is_int(PARSE(&o, err, "-F", "0x10", "-W", "-S", "-z", "-j", "4", "-f", "/tmp/x", "-u", "-m", "4"), 0,
	       "every remaining selftest option");
	ok(o.gup_flags == 0x10 && !o.write && o.shared && o.touch && o.threads == 4 && !strcmp(o.file, "/tmp/x") &&
	   o.cmd == CMD_GUP_FAST, "their values land in the struct");
	opts_key(&o, key, sizeof(key));
	is_str(key, "-u -m 4 -n 1 -W -S -z -j 4 -F 0x10 -f /tmp/x", "key keeps the fixed order");

	is_int(PARSE(&o, err, "--hugetlb-size", "1G", "--numa-node=1", "--cpu", "0", "--fifo", "1", "--warmup", "2",
		     "-L"), 0, "long options");
	ok(o.hugetlb && o.hugetlb_kb == 1048576 && o.numa_node == 1 && o.cpu == 0 && o.fifo == 1 && o.warmup == 2,
	   "long option values");
	opts_key(&o, key, sizeof(key));
	is_str(key, "-L -m 128 -n 1 --hugetlb-size 1G --numa-node 1", "key leaves out --cpu, --fifo, --warmup");

	is_int(PARSE(&o, err, "-m", "0"), -1, "-m 0 is rejected");
	ok(strstr(err, "'-m'") != NULL, "the message names the option: %s", err);
	is_int(PARSE(&o, err, "-n", "0"), -1, "-n 0 is rejected");
	is_int(PARSE(&o, err, "-r", "x"), -1, "-r x is rejected");
	is_int(PARSE(&o, err, "--hugetlb-size", "3M"), -1, "unknown hugetlb size is rejected");
	is_int(PARSE(&o, err, "-x"), -1, "unknown short option is rejected");
	is_int(PARSE(&o, err, "--bogus"), -1, "unknown long option is rejected");
	is_int(PARSE(&o, err, "-m"), -1, "missing value is rejected");
	is_int(PARSE(&o, err, "--json=1"), -1, "a value for a flag is rejected");
	is_int(PARSE(&o, err, "-c", "zero"), -1, "a non-numeric page index is rejected");

	PARSE(&o, err, "-m", "1", "-n", "257");
	is_int(opts_check(&o, 4096, err, sizeof(err)), -1, "-n larger than the range is rejected");
	PARSE(&o, err, "-m", "1", "-n", "256");
	is_int(opts_check(&o, 4096, err, sizeof(err)), 0, "-n equal to the range is fine");

	{
		char *a[] = { "-L", "--json" };

		is_int(parse(&o, OPTS_CASE, err, 2, a), -1, "--json is refused inside a plan case");
		is_int(parse(&o, OPTS_CMDLINE, err, 2, a), 0, "--json is fine on the command line");
	}
	is_int(PARSE(&o, err, "--longterm-fast", "-m", "2"), 0, "--longterm-fast");
	ok(o.cmd == CMD_PIN_LONGTERM_TEST && o.longterm_fast, "--longterm-fast selects the long-term pin test");
	return tap_done();
}
