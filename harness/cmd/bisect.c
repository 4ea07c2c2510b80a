/*
 * cmd/bisect: `gupharness bisect`, the search for the commit that made a
 * case slower. Parses argv from the option table below (the help is
 * generated from it), fills in the defaults and hands the rest to
 * bisect_run() (bisect-run.c).
 */
#include "harness/lab/bisect-report.h"
#include "harness/lab/bisect-run.h"
#include "harness/cmd/commands.h"
#include "lib/opt.h"
#include "results/samples.h"
#include "lib/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_count(void *dst, const char *v)
{
	return opt_int_in(dst, v, 1, 100);
}

static int set_format(void *dst, const char *v)
{
	if (!bisect_format_find(v))
		return -1;
	*(const char **)dst = v;
	return 0;
}

static const struct opt options[] = {
	{ "--source", "TREE", offsetof(struct bisect_args, source), NULL, "a git tree (only read)", NULL, 0 },
	{ "--good", "REV", offsetof(struct bisect_args, good), NULL, "a revision without the regression", NULL, 0 },
	{ "--bad", "REV", offsetof(struct bisect_args, bad), NULL, "a later revision with it", NULL, 0 },
	{ "--case", "ID", offsetof(struct bisect_args, case_key), NULL, "the matrix case that regressed", NULL, 0 },
	{ "--matrix", "FILE", offsetof(struct bisect_args, matrix), NULL, "matrix holding the case (a file or a shipped matrix's name)",
	  "seed", 0 },
	{ "--metric", "get|put", offsetof(struct bisect_args, metric), opt_set_metric, "which time", "get", 0 },
	{ "--clock", "MODE", offsetof(struct bisect_args, clock), NULL, "passed to run --clock", "run's", 0 },
	{ "--accel", "MODE", offsetof(struct bisect_args, accel), NULL, "passed to run --accel", "run's", 0 },
	{ "--arch", "ARCH", offsetof(struct bisect_args, arch), NULL, "kernel architecture", "x86_64", 0 },
	{ "--max-boots", "N", offsetof(struct bisect_args, max_boots), set_count,
	  "boots of one step before an undecided step is skipped, 1 to 100", "1 with --clock icount, else 3", 0 },
	{ "--jobs", "N", offsetof(struct bisect_args, jobs), set_count, "make -jN for the builds", "nproc + 1", 0 },
	{ "--db", "FILE", offsetof(struct bisect_args, db), NULL, "result database",
	  DB_DEFAULT_HELP, 0 },
	{ "--format", "text|json|report", offsetof(struct bisect_args, format), set_format, "the report on stdout",
	  "text", 0 },
};

static const struct opt_table table = { "bisect", options, sizeof(options) / sizeof(options[0]), 0 };

static int parse(int argc, char **argv, struct bisect_args *a)
{
	int npos = opt_parse(&table, argc, argv, a, NULL, 0);

	if (npos == OPT_HELP) {
		printf("usage: gupharness bisect --source TREE --good REV --bad REV --case ID [options]\n\n"
		       "Finds the first commit after the good revision that makes case ID slower. Running\n"
		       "the same command again resumes an interrupted bisection.\n\noptions:\n");
		opt_help(stdout, &table);
		printf("\nexit status: 0 first bad commit found, 1 not found (only skipped steps left, or the\n"
		       "ends do not differ), 2 bad input or unknown revision, 3 missing tool, 5 an end does\n"
		       "not build, 6 an end's guest failed, 7 database, 9 the tree has local changes,\n"
		       "10 good and bad reversed, 130 interrupted (run it again to resume)\n"
		       "\nexamples:\n   gupharness bisect --source ~/linux --good v6.11 --bad v6.12"
		       " --case '-L -m 512 -n 1024 -t' --clock icount\n");
		exit(EXIT_OK);
	}
	if (npos < 0)
		return -1;
	if (!a->source || !a->good || !a->bad || !a->case_key)
		return error("bisect needs --source TREE, --good REV, --bad REV and --case ID; "
			     "see 'gupharness bisect --help'");
	return 0;
}

int cmd_bisect(int argc, char **argv)
{
	struct bisect_args a = { .metric = "get", .format = "text", .arch = "x86_64" };

	if (parse(argc, argv, &a))
		return EXIT_USAGE;
	a.matrix = a.matrix ? data_named("harness/matrices", a.matrix, ".json")
			    : data_path("harness/matrices/seed.json");
	if (!a.db)
		a.db = default_db_path();
	if (!a.max_boots)
		a.max_boots = a.clock && !strcmp(a.clock, "icount") ? 1 : 3;
	return bisect_run(&a);
}
