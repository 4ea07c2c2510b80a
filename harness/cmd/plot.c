/*
 * cmd/plot: `gupharness plot KIND [SEL...]`. Parses argv from the option
 * table below (the help is generated from it and from plot's table of
 * kinds), checks the kind and its number of selectors, and hands the rest
 * to plot_draw() (plot.c), which prints each image's path on stdout.
 */
#include "harness/cmd/commands.h"
#include "lib/opt.h"
#include "harness/plot/plot.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <stddef.h>
#include <stdlib.h>

static const struct opt options[] = {
	{ "--db",     "FILE",         offsetof(struct plot_opts, db_path),    NULL, "database",
	  DB_DEFAULT_HELP, 0 },
	{ "--out",    "DIR",          offsetof(struct plot_opts, out_dir),    NULL, "where images and index.md go",
	  "plots/out/ in a source tree, else ~/.local/share/gupbench/plots/", 0 },
	{ "--format", "png|svg|both", offsetof(struct plot_opts, format_arg), NULL, "image format", "both", 0 },
	{ "--case",   "FILTER",       offsetof(struct plot_opts, filter),     NULL,
	  "the case whose key or plan id is FILTER, else every case whose key or id contains it", NULL, 0 },
	{ "--metric", "get|put",      offsetof(struct plot_opts, metric_arg), NULL, "which time", "get", 0 },
	{ "--x",      "AXIS",         offsetof(struct plot_opts, x_axis),     NULL, "heatmap x axis", "size_mb", 0 },
	{ "--y",      "AXIS",         offsetof(struct plot_opts, y_axis),     NULL, "heatmap y axis", "nr_pages", 0 },
	{ "--alpha",  "P",            offsetof(struct plot_opts, alpha_arg),  NULL,
	  "significance of history's change points", "0.01, as changepoint.h", 0 },
	{ "--min-change", "PCT",      offsetof(struct plot_opts, min_change_arg), NULL,
	  "history: smallest change kept (nightly passes its change_pct)", "0", 0 },
};

static const struct opt_table table = { "plot", options, sizeof(options) / sizeof(options[0]), 0 };

static void usage(FILE *f)
{
	fprintf(f, "usage: gupharness plot KIND [SEL...] [options]\n\nkinds:\n");
	for (size_t i = 0; i < plot_nkinds; i++)
		fprintf(f, "   %-12s %-13s %s\n", plot_kinds[i].name, plot_kinds[i].args, plot_kinds[i].summary);
	fprintf(f, "\noptions:\n");
	opt_help(f, &table);
	fprintf(f, "\nSEL is a kernel name, a run label or a run id (#12). Heatmap axes:");
	plot_axis_names(f);
	fprintf(f, "\nImages go to --out with an index.md; paths are printed on stdout.\n"
		   "\nexamples:\n   gupharness plot beforeafter linux-6.1 linux-6.12 --format png\n"
		   "   gupharness plot dist linux-6.1 linux-6.12 --case '-L -m 512'\n");
}

int cmd_plot(int argc, char **argv)
{
	struct plot_opts o = { .x_axis = "size_mb", .y_axis = "nr_pages" };
	const char **sel = xcalloc(argc, sizeof(*sel));
	const struct plot_kind *k;
	char *cmdline;
	int nsel, ret = EXIT_USAGE;

	nsel = opt_parse(&table, argc, argv, &o, sel, argc);
	if (nsel == OPT_HELP) {
		usage(stdout);
		exit(EXIT_OK);
	}
	if (nsel == 0)
		usage(stderr);
	else if (nsel < 0)
		;
	else if (!(k = plot_kind_find(sel[0])))
		error("'%s' is not a kind of chart; see 'gupharness plot --help'", sel[0]);
	else if (nsel - 1 < k->min_sel || nsel - 1 > k->max_sel)
		error("'plot %s' takes %s; see 'gupharness plot --help'", k->name, k->args);
	else if ((ret = plot_opts_resolve(&o)) == EXIT_OK) {
		cmdline = argv_to_string(argv);
		ret = plot_draw(&o, k, sel + 1, nsel - 1, cmdline, NULL);
		free(cmdline);
	}
	free(sel);
	return ret;
}
