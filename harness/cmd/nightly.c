/*
 * cmd/nightly: `gupharness nightly`. Parses argv from the option table
 * below (the help is generated from it), checks the combinations (shards,
 * Slurm, date), and hands the options to nightly_run() (nightly.c).
 */
#include "harness/cmd/commands.h"
#include "harness/lab/nightly.h"
#include "lib/opt.h"
#include "lib/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct opt options[] = {
	{ "--config", "FILE", offsetof(struct nightly_opts, config), NULL, "the nightly config (JSON)", NULL, 0 },
	{ "--db", "FILE", offsetof(struct nightly_opts, db), NULL, "database", "the config's 'db'", 0 },
	{ "--shard", "K/N", offsetof(struct nightly_opts, shard), NULL,
	  "run the K-th of N slices of each matrix; no analysis", NULL, 0 },
	{ "--date", "YYYY-MM-DD", offsetof(struct nightly_opts, date), NULL, "the night's date", "today, local time", 0 },
	{ "--force", NULL, offsetof(struct nightly_opts, force), NULL, "measure even what was already measured", NULL, 0 },
	{ "--dry-run", NULL, offsetof(struct nightly_opts, dry_run), NULL,
	  "print what would be built and run, change nothing", NULL, 0 },
	{ "--report-only", NULL, offsetof(struct nightly_opts, report_only), NULL,
	  "only analyse and report (e.g. after 'db merge')", NULL, 0 },
	{ "--slurm", "DIR", offsetof(struct nightly_opts, slurm), NULL,
	  "submit the night as a Slurm job array of --shards N; shard databases in DIR/<date>/", NULL, 0 },
	{ "--shards", "N", offsetof(struct nightly_opts, shards), NULL,
	  "how many shards (with --slurm or --merge-shards)", NULL, 0 },
	{ "--wait", NULL, offsetof(struct nightly_opts, wait), NULL,
	  "with --slurm: return when the merge job ended, with its status", NULL, 0 },
	{ "--merge-shards", "DIR", offsetof(struct nightly_opts, merge_shards), NULL,
	  "merge the complete shard-K.db of DIR, name the missing ones, report", NULL, 0 },
};

static const struct opt_table table = { "nightly", options, sizeof(options) / sizeof(options[0]), 0 };

static void usage(FILE *f)
{
	fprintf(f, "usage: gupharness nightly --config FILE [--force] [--shard K/N] [--db FILE] [--dry-run]\n"
		   "                          [--report-only] [--date YYYY-MM-DD]\n"
		   "       gupharness nightly --config FILE --slurm DIR --shards N [--wait] [--force] [--db FILE] [--date D]\n"
		   "       gupharness nightly --config FILE --merge-shards DIR --shards N [--db FILE] [--date D]\n\n"
		   "options:\n");
	opt_help(f, &table);
	fprintf(f, "\nexamples:\n   gupharness nightly --config nightly.json --dry-run\n"
		   "   gupharness nightly --config nightly.json --date 2026-12-01 --report-only\n");
}

/* The combinations the table cannot say: --config needed, shard and date forms, Slurm's companions. */
static int check_opts(struct nightly_opts *o)
{
	if (!o->config)
		return error("'nightly' needs --config FILE; see harness/nightly/example.json");
	if (o->shard) {
		unsigned k, n;
		char c;

		if (sscanf(o->shard, "%u/%u%c", &k, &n, &c) != 2 || k == 0 || k > n)
			return error("--shard '%s' must be K/N with 1 <= K <= N, e.g. --shard \"$CI_NODE_INDEX/$CI_NODE_TOTAL\"",
				     o->shard);
	}
	if ((o->slurm || o->merge_shards) && !o->shards)
		return error("--slurm and --merge-shards need --shards N");
	if (o->shards) {
		char *end;
		unsigned long n = strtoul(o->shards, &end, 10);

		if (*end || !*o->shards || n < 1 || n > 1000)
			return error("--shards '%s' must be a count from 1 to 1000", o->shards);
		o->nshards = (unsigned)n;
	}
	if (o->slurm && (o->shard || o->report_only || o->dry_run || o->merge_shards))
		return error("--slurm submits the whole night; it does not go with --shard, --report-only, --dry-run or --merge-shards");
	if (o->wait && !o->slurm)
		return error("--wait goes with --slurm only");
	if (o->date) {
		struct tm tm = { 0 };
		char *end = strptime(o->date, "%Y-%m-%d", &tm);

		if (!end || *end || strlen(o->date) != 10)
			return error("--date '%s' must be YYYY-MM-DD", o->date);
	}
	return 0;
}

int cmd_nightly(int argc, char **argv)
{
	struct nightly_opts o = { 0 };
	int n = opt_parse(&table, argc, argv, &o, NULL, 0);

	if (n == OPT_HELP) {
		usage(stdout);
		exit(EXIT_OK);
	}
	if (n < 0 || check_opts(&o) < 0)
		return EXIT_USAGE;
	return nightly_run(&o);
}
