/*
 * gupbench: entry point. PID 1 in a guest hands over to init mode; otherwise
 * the command line is either one case (the selftest's options, KTAP text or
 * --json), upstream's gup_bench command line (upstream.h), or --plan with
 * its stream. Exit statuses: 0 ok, 1 an ioctl or
 * case failed, 2 bad options or plan, 4 SKIP (nothing could be measured).
 */
#include "lib/diag.h"
#include "bench/emit.h"
#include "bench/initmode.h"
#include "bench/knobs.h"
#include "bench/ktap.h"
#include "bench/options.h"
#include "bench/plan.h"
#include "bench/planrun.h"
#include "bench/runner.h"
#include "bench/selftest.h"
#include "bench/workload.h"
#include "bench/sysinfo.h"
#include "bench/upstream.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct { size_t ok, skip, error; } counts;

/* Count a finished case and say on stderr why it did not measure. */
static void tally(const struct case_result *r)
{
	if (r->status == CASE_OK)
		counts.ok++;
	else if (r->status == CASE_SKIP)
		counts.skip++, fprintf(stderr, "gupbench: skip: %s\n", r->reason);
	else
		counts.error++, fprintf(stderr, "gupbench: %s\n", r->reason);
}

static int plan_main(const struct bench_opts *o)
{
	char err[512];
	struct stream s;
	struct plan p;
	FILE *out;

	if (plan_load(o->plan, &p, err, sizeof(err)))
		die(EXIT_USAGE, "%s", err);
	knobs_restore_on_exit();
	if (plan_setup(&p, err, sizeof(err)))
		die(EXIT_FAIL, "plan setup: %s", err);
	out = out_open(o->out);
	stream_init(&s, out);
	if (stream_emit(&s, "env", env_json(0)) || plan_run(&p, o->selftest ? o->selftest : SELFTEST_DEFAULT, &s) ||
	    stream_end(&s, NULL) || out_close(out, o->out))
		die(EXIT_IO, "cannot write the results stream to '%s'", o->out ? o->out : "stdout");
	plan_free(&p);
	knobs_restore();
	if (s.error)
		return EXIT_FAIL;
	return s.ok || !s.skip ? EXIT_OK : EXIT_SKIP;
}

/* The JSON document of the cases (--json [--out FILE]). */
static void run_json(const struct bench_opts *o, struct cli_case *c, size_t n, struct case_result *last)
{
	json_t *cases = json_array(), *doc;
	char key[512];
	FILE *out;

	for (size_t i = 0; i < n; i++) {
		case_result_free(last);
		workload_run(&c[i].o, last, NULL, NULL);
		/* outside a plan the key is the id: unique, and what db import files the case under */
		opts_key(&c[i].o, key, sizeof(key));
		json_array_append_new(cases, case_json(key, "gupbench", c[i].argv, c[i].argc, &c[i].o, last));
		tally(last);
	}
	doc = result_document(env_json(0), cases);
	out = out_open(o->out);
	if (json_dumpf(doc, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) ||
	    fputc('\n', out) == EOF || out_close(out, o->out))
		die(EXIT_IO, "cannot write '%s'", o->out ? o->out : "stdout");
	json_decref(doc);
}

/* KTAP text: the Time lines of each case, its summary, its result line. */
static void run_text(struct cli_case *c, size_t n, struct case_result *last)
{
	struct ktap k;
	char key[512];

	ktap_begin(&k, stdout, (unsigned)n);
	for (size_t i = 0; i < n; i++) {
		case_result_free(last);
		workload_run(&c[i].o, last, human_sample, stdout);
		human_summary(stdout, &c[i].o, last);
		opts_key(&c[i].o, key, sizeof(key));
		ktap_result(&k, key, last);
		tally(last);
	}
	ktap_end(&k);
}

/*
 * Cases from the command line (one, or gup_bench's matrix). One case exits
 * with its own status; several with 1 if any failed, else 4 if all skipped.
 */
static int cli_main(const struct bench_opts *o, struct cli_case *c, size_t n)
{
	struct case_result r = { 0 };
	char err[512];

	for (size_t i = 0; i < n; i++)
		if (opts_check(&c[i].o, (unsigned long)sysconf(_SC_PAGESIZE), err, sizeof(err)))
			die(EXIT_USAGE, "%s", err);
	knobs_restore_on_exit();
	if (o->json)
		run_json(o, c, n, &r);
	else
		run_text(c, n, &r);
	case_result_free(&r);
	if (n == 1)
		return r.exit_status;
	return counts.error ? EXIT_FAIL : counts.ok || !counts.skip ? EXIT_OK : EXIT_SKIP;
}

int main(int argc, char *argv[])
{
	struct bench_opts o;
	char err[512];

	diag_init("gupbench");
	/*
	 * jansson seeds its hash function from /dev/urandom on first use; in a
	 * fresh guest that read waits for the kernel's jitter entropy (about a
	 * second under TCG, most of the boot). Hash order needs no secrecy here.
	 */
	json_object_seed((size_t)time(NULL) ^ ((size_t)getpid() << 16) ^ 0x9e3779b9u);
	if (getpid() == 1)
		init_main();
	opts_defaults(&o);
	if (opts_parse(&o, argc - 1, argv + 1, OPTS_CMDLINE, err, sizeof(err)))
		die(EXIT_USAGE, "%s", err);
	if (o.help) {
		if (o.help == 2)
			workload_list(stdout);
		else
			opts_usage(stdout);
		return EXIT_OK;
	}
	if (o.plan)
		return plan_main(&o);
	if (gup_bench_mode(argv[0], &o)) {
		struct cli_case *cases;
		size_t n;
		int rc;

		if (gup_bench_cases(&o, argc - 1, argv + 1, &cases, &n, err, sizeof(err)))
			die(EXIT_USAGE, "%s", err);
		if (n > 1)
			gup_bench_reserve_hugetlb();
		rc = cli_main(&o, cases, n);
		gup_bench_free(cases, n);
		return rc;
	}
	return cli_main(&o, &(struct cli_case){ o, argc - 1, argv + 1, 0 }, 1);
}
