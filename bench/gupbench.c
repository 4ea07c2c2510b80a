/*
 * gupbench: entry point. PID 1 in a guest hands over to init mode; otherwise
 * the command line is either one case (the selftest's options, human text or
 * --json) or --plan with its stream. Exit statuses: 0 ok, 1 an ioctl or
 * case failed, 2 bad options or plan, 4 SKIP (nothing could be measured).
 */
#include "diag.h"
#include "emit.h"
#include "initmode.h"
#include "knobs.h"
#include "options.h"
#include "plan.h"
#include "planrun.h"
#include "runner.h"
#include "selftest.h"
#include "workload.h"
#include "sysinfo.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int plan_main(const struct bench_opts *o)
{
	char err[512];
	struct stream s;
	struct plan p;
	FILE *out;

	if (plan_load(o->plan, &p, err, sizeof(err)))
		bench_die(EXIT_USAGE, "%s", err);
	knobs_restore_on_exit();
	if (plan_setup(&p, err, sizeof(err)))
		bench_die(EXIT_FAIL, "plan setup: %s", err);
	out = out_open(o->out);
	stream_init(&s, out);
	if (stream_emit(&s, "env", env_json(0)) || plan_run(&p, o->selftest ? o->selftest : SELFTEST_DEFAULT, &s) ||
	    stream_end(&s, NULL) || out_close(out, o->out))
		bench_die(EXIT_IO, "cannot write the results stream to '%s'", o->out ? o->out : "stdout");
	plan_free(&p);
	knobs_restore();
	if (s.error)
		return EXIT_FAIL;
	return s.ok || !s.skip ? EXIT_OK : EXIT_SKIP;
}

static int case_main(const struct bench_opts *o, int argc, char *argv[])
{
	struct case_result r;
	char err[512];

	if (opts_check(o, (unsigned long)sysconf(_SC_PAGESIZE), err, sizeof(err)))
		bench_die(EXIT_USAGE, "%s", err);
	if (o->json) {
		FILE *out;
		json_t *doc;

		workload_run(o, &r, NULL, NULL);
		doc = result_document(env_json(0), json_pack("[o]", case_json(NULL, "gupbench", argv, argc, o, &r)));
		out = out_open(o->out);
		if (json_dumpf(doc, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) ||
		    fputc('\n', out) == EOF || out_close(out, o->out))
			bench_die(EXIT_IO, "cannot write '%s'", o->out ? o->out : "stdout");
		json_decref(doc);
	} else {
		workload_run(o, &r, human_sample, stdout);
		human_summary(stdout, o, &r);
	}
	if (r.status == CASE_SKIP)
		fprintf(stderr, "gupbench: skip: %s\n", r.reason);
	else if (r.status == CASE_ERROR)
		fprintf(stderr, "gupbench: %s\n", r.reason);
	case_result_free(&r);
	return r.exit_status;
}

int main(int argc, char *argv[])
{
	struct bench_opts o;
	char err[512];

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
		bench_die(EXIT_USAGE, "%s", err);
	if (o.help) {
		if (o.help == 2)
			workload_list(stdout);
		else
			opts_usage(stdout);
		return EXIT_OK;
	}
	if (o.plan)
		return plan_main(&o);
	return case_main(&o, argc - 1, argv + 1);
}
