/*
 * comparecmd: `gupharness compare BASE NEW`, the CI gate. Parses options
 * from a table, resolves BASE and NEW (run id, run label or kernel name),
 * runs the comparison engine (results/compare.c) and hands its struct to
 * the chosen sink on stdout. Exit 0: nothing regressed; 1: something did;
 * 2: bad input (EXIT_USAGE), 7: database trouble.
 */
#include "commands.h"
#include "compare.h"
#include "db.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct cmp_args {
	const char *db, *metric, *format;
	double threshold, boot_noise;
	unsigned iterations;
	const char *pos[2];
	int npos;
};

static int set_str(struct cmp_args *a, size_t off, const char *v)
{
	*(const char **)((char *)a + off) = v;
	return 0;
}

static int set_pct(struct cmp_args *a, size_t off, const char *v)
{
	char *end;
	double d = strtod(v, &end);

	if (*end || end == v || d < 0 || d >= 100)
		return -1;
	*(double *)((char *)a + off) = d;
	return 0;
}

static int set_uint(struct cmp_args *a, size_t off, const char *v)
{
	char *end;
	unsigned long u = strtoul(v, &end, 10);

	if (*end || end == v || u < 100 || u > 1000000)
		return -1;
	*(unsigned *)((char *)a + off) = (unsigned)u;
	return 0;
}

static const struct cmp_option {
	const char *name;
	int (*set)(struct cmp_args *a, size_t off, const char *v);
	size_t off;
	const char *arg, *help;
} options[] = {
	{ "--db",         set_str,  offsetof(struct cmp_args, db),         "FILE",
	  "database (default $GUPBENCH_DB or results/gupbench.db)" },
	{ "--metric",     set_str,  offsetof(struct cmp_args, metric),     "get|put", "which time" },
	{ "--threshold",  set_pct,  offsetof(struct cmp_args, threshold),  "PCT", "smallest change that counts" },
	{ "--boot-noise", set_pct,  offsetof(struct cmp_args, boot_noise), "PCT",
	  "threshold when each side is a single boot (boot medians measured 21% apart)" },
	{ "--iterations", set_uint, offsetof(struct cmp_args, iterations), "N", "bootstrap resamples" },
	{ "--format",     set_str,  offsetof(struct cmp_args, format),     "FMT", NULL },
};

/* " (default X)" for an option with a compare default, from compare_defaults. */
static const char *option_default(const struct cmp_option *o, char *buf, size_t len)
{
	const struct compare_opts *d = &compare_defaults;

	buf[0] = '\0';
	if (o->off == offsetof(struct cmp_args, metric))
		snprintf(buf, len, " (default %s)", d->metric);
	else if (o->off == offsetof(struct cmp_args, threshold))
		snprintf(buf, len, " (default %g)", d->threshold_pct);
	else if (o->off == offsetof(struct cmp_args, boot_noise))
		snprintf(buf, len, " (default %g)", d->boot_noise_pct);
	else if (o->off == offsetof(struct cmp_args, iterations))
		snprintf(buf, len, " (default %u)", d->iterations);
	return buf;
}

static void usage(FILE *f)
{
	char dflt[64];

	fprintf(f, "usage: gupharness compare BASE NEW [options]\n\n"
		"BASE and NEW name a run id (12 or #12), a run label, or a kernel.\n\noptions:\n");
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		char left[40];

		snprintf(left, sizeof(left), "%s %s", options[i].name, options[i].arg);
		if (options[i].help)
			fprintf(f, "   %-22s %s%s\n", left, options[i].help, option_default(&options[i], dflt, sizeof(dflt)));
		else
			fprintf(f, "   %-22s %s (default text)\n", left, compare_formats_list());
	}
	fprintf(f, "\nexit status: 0 no regression, 1 regression, 2 bad input, 7 database error\n");
}

static int parse(int argc, char **argv, struct cmp_args *a)
{
	for (int i = 1; i < argc; i++) {
		const struct cmp_option *o = NULL;
		const char *v = NULL, *eq = strchr(argv[i], '=');
		size_t nlen = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			exit(EXIT_OK);
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			if (a->npos == 2)
				return error("unexpected argument '%s'; compare takes BASE and NEW only", argv[i]);
			a->pos[a->npos++] = argv[i];
			continue;
		}
		for (size_t k = 0; k < sizeof(options) / sizeof(options[0]); k++)
			if (strlen(options[k].name) == nlen && !strncmp(argv[i], options[k].name, nlen))
				o = &options[k];
		if (!o)
			return error("unknown option '%s'; see 'gupharness compare --help'", argv[i]);
		v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!v)
			return error("option '%s' needs a value (%s)", o->name, o->arg);
		if (o->set(a, o->off, v))
			return error("bad value '%s' for '%s' (%s)", v, o->name, o->arg);
	}
	if (a->npos != 2)
		return error("compare needs BASE and NEW; see 'gupharness compare --help'");
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct cmp_args a = {
		.metric = compare_defaults.metric, .format = "text", .threshold = compare_defaults.threshold_pct,
		.boot_noise = compare_defaults.boot_noise_pct, .iterations = compare_defaults.iterations,
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
	if (strcmp(a.metric, "get") && strcmp(a.metric, "put")) {
		error("unknown metric '%s'; known: get, put", a.metric);
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
	o = (struct compare_opts){ .metric = a.metric, .threshold_pct = a.threshold, .boot_noise_pct = a.boot_noise,
				   .iterations = a.iterations, .seed = compare_defaults.seed, .base_arg = a.pos[0], .new_arg = a.pos[1] };
	if (compare_run(db, &base, &new, &o, &r)) {
		ret = EXIT_DB;
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
