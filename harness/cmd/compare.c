/*
 * cmd/compare: `gupharness compare BASE NEW`, the CI gate. Parses options
 * from a table (opt.c), resolves BASE and NEW (run id, run label or kernel name),
 * runs the comparison engine (results/compare.c) and hands its struct to
 * the chosen sink on stdout. Exit 0: nothing regressed; 1: something did;
 * 2: bad input (EXIT_USAGE), including sides of different clock modes,
 * host classes or architectures unless allowed; 7: database trouble.
 */
#include "harness/cmd/commands.h"
#include "results/compare.h"
#include "results/db.h"
#include "lib/opt.h"
#include "results/samples.h"
#include "lib/util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct cmp_args {
	const char *db, *metric, *format;
	double threshold, alpha;
	int mix_clock, mix_host, mix_guest, cross_arch, fdr;
	const char *pos[2];
	int npos;
};

/* The defaults in the help come from compare_defaults (filled in by usage()). */
static char dflt_metric[16], dflt_threshold[32], dflt_alpha[16];

static int set_alpha(void *dst, const char *v)
{
	char *end;
	double d = strtod(v, &end);

	if (*end || end == v || !(d > 0 && d < 0.5))
		return -1;
	*(double *)dst = d;
	return 0;
}

static const struct opt options[] = {
	{ "--db",         "FILE",    offsetof(struct cmp_args, db),         NULL,
	  "database", DB_DEFAULT_HELP, 0 },
	{ "--metric",     "get|put", offsetof(struct cmp_args, metric),     opt_set_metric, "which time", dflt_metric, 0 },
	{ "--threshold",  "PCT",     offsetof(struct cmp_args, threshold),  opt_set_pct,
	  "smallest change that counts", dflt_threshold, 0 },
	{ "--alpha",      "P",       offsetof(struct cmp_args, alpha),      set_alpha,
	  "chance of any false alarm in the comparison (Sidak), or the false discovery rate with --fdr",
	  dflt_alpha, 0 },
	{ "--fdr",        NULL,      offsetof(struct cmp_args, fdr),        NULL,
	  "screen a large matrix: control the false discovery rate (Benjamini-Hochberg) instead", NULL, 0 },
	{ "--allow-mixed-clock", NULL, offsetof(struct cmp_args, mix_clock), NULL,
	  "compare boots of different clock modes", NULL, 0 },
	{ "--allow-mixed-host",  NULL, offsetof(struct cmp_args, mix_host),  NULL,
	  "compare boots of different host classes", NULL, 0 },
	{ "--allow-mixed-guest", NULL, offsetof(struct cmp_args, mix_guest), NULL,
	  "compare boots of different guest settings (vCPUs, --memory, --append, --qemu-arg)", NULL, 0 },
	{ "--cross-arch", NULL,      offsetof(struct cmp_args, cross_arch), NULL,
	  "compare kernels of different architectures (refused otherwise)", NULL, 0 },
	{ "--format",     "FMT",     offsetof(struct cmp_args, format),     NULL, NULL, NULL, 0 },
};

static const struct opt_table table = { "compare", options, sizeof(options) / sizeof(options[0]), 0 };

static void usage(FILE *f)
{
	snprintf(dflt_metric, sizeof(dflt_metric), "%s", compare_defaults.metric);
	snprintf(dflt_threshold, sizeof(dflt_threshold), "%g; %g on icount", CMP_THRESHOLD_WALL_PCT,
		 CMP_THRESHOLD_ICOUNT_PCT);
	snprintf(dflt_alpha, sizeof(dflt_alpha), "%g", compare_defaults.alpha);
	fprintf(f, "usage: gupharness compare BASE NEW [options]\n\n"
		"BASE and NEW name a run id (12 or #12), a run label, or a kernel.\n\noptions:\n");
	opt_help(f, &table);
	fprintf(f, "   %-22s %s (default text)\n", "--format FMT", compare_formats_list());
	fprintf(f, "\nexit status: 0 no regression, 1 regression, 2 bad input or sides that mix clock modes,\n"
		"host classes or architectures, 7 database error\n"
		"\nexamples:\n   gupharness compare linux-6.1 linux-6.12\n"
		"   gupharness compare '#1' '#2' --metric put --format json\n");
}

static int parse(int argc, char **argv, struct cmp_args *a)
{
	a->npos = opt_parse(&table, argc, argv, a, a->pos, 2);
	if (a->npos == OPT_HELP) {
		usage(stdout);
		exit(EXIT_OK);
	}
	if (a->npos < 0)
		return -1;
	if (a->npos != 2)
		return error("compare needs BASE and NEW; see 'gupharness compare --help'");
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct cmp_args a = {
		.metric = compare_defaults.metric, .format = "text", .threshold = compare_defaults.threshold_pct,
		.alpha = compare_defaults.alpha,
	};
	struct db_selector base, new;
	struct compare_result r;
	const struct compare_format *fmt;
	struct compare_opts o;
	sqlite3 *db;
	int ret;

	if (parse(argc, argv, &a))
		return EXIT_USAGE;
	if (!(fmt = compare_format_find(a.format))) {
		error("unknown format '%s'; known: %s", a.format, compare_formats_list());
		return EXIT_USAGE;
	}
	db = db_open(a.db ? a.db : default_db_path(), DB_READONLY);
	if (db_resolve_selector(db, a.pos[0], &base)) {
		db_close(db);
		return EXIT_USAGE;
	}
	if (db_resolve_selector(db, a.pos[1], &new)) {
		db_selector_free(&base);
		db_close(db);
		return EXIT_USAGE;
	}
	/* compare_run() holds the rules: one clock mode, host class, architecture
	 * and guest settings on both sides, unless the options allow a mix */
	o = (struct compare_opts){ .metric = a.metric, .threshold_pct = a.threshold, .alpha = a.alpha, .fdr = a.fdr,
				   .allow_mixed = (a.mix_clock ? CMP_MIX_CLOCK : 0u) | (a.mix_host ? CMP_MIX_HOST : 0u) |
						  (a.mix_guest ? CMP_MIX_GUEST : 0u) |
						  (a.cross_arch ? CMP_MIX_ARCH : 0u),
				   .base_arg = a.pos[0], .new_arg = a.pos[1] };
	if ((ret = compare_run(db, &base, &new, &o, &r))) {
		ret = ret == COMPARE_REFUSED ? EXIT_USAGE : EXIT_DB;
	} else if (r.ncases == 0) {
		error("%s and %s have no case in common (%zu only in base, %zu only in new); nothing to compare",
		      base.describe, new.describe, r.only_base, r.only_new);
		compare_result_free(&r);
		ret = EXIT_USAGE;
	} else {
		fmt->emit(stdout, &r);
		if (fflush(stdout))
			die(EXIT_IO, "cannot write the comparison to stdout");
		ret = r.counts[CMP_REGRESSED] ? EXIT_FAIL : EXIT_OK;
		compare_result_free(&r);
	}
	db_selector_free(&base);
	db_selector_free(&new);
	db_close(db);
	return ret;
}
