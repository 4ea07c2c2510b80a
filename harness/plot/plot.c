/*
 * plot: the entry of the chart library (plot.h): the kinds' table, the
 * options resolved from their strings, and plot_draw(), which loads the
 * selections (cases.c), runs the kind (one file each), and updates index.md
 * in the output directory, which lists each chart with its title and the
 * gnuplot command that redraws it from the files beside it. Nothing is
 * cached: a chart is always a function of the database, so rerunning the
 * command redraws it. A failure is recorded once (status and message) and
 * ends the drawing; the caller decides whether it ends the program.
 */
#include "harness/plot/chart.h"
#include "lib/spawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct plot_format plot_formats[] = {
	{ "png", FMT_PNG },
	{ "svg", FMT_SVG },
	{ "both", FMT_PNG | FMT_SVG },
};

/* ---- the index ---- */

/*
 * index.md holds one section per chart, headed by its stem; a redraw
 * replaces its own sections and keeps the others.
 */
static void write_index(struct plot_ctx *x)
{
	char *path = xasprintf("%s/index.md", x->out), *old = read_file(path, NULL), *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *sec;

	fprintf(f, "# gupbench charts\n\nDrawn by `gupharness plot` from the result database; rerun the same"
		" command to redraw from the database, or run the listed gnuplot command in this directory"
		" to redraw from the data files beside it.\n");
	for (sec = old ? strstr(old, "\n## ") : NULL; sec; ) {
		const char *next = strstr(sec + 1, "\n## ");
		const char *eol = strchr(sec + 4, '\n');
		size_t seclen = next ? (size_t)(next - sec) : strlen(sec);
		int replaced = 0;

		for (size_t i = 0; i < x->nd && eol; i++)
			if ((size_t)(eol - sec - 4) == strlen(x->d[i].stem) && !strncmp(sec + 4, x->d[i].stem, eol - sec - 4))
				replaced = 1;
		if (!replaced)
			fwrite(sec, 1, seclen, f);
		sec = next;
	}
	for (size_t i = 0; i < x->nd; i++) {
		const struct drawn *d = &x->d[i];

		fprintf(f, "\n## %s\n\n%s (%s)\n\n", d->stem, d->title, d->kind);
		if (x->o.formats & FMT_PNG)
			fprintf(f, "![%s](%s.png)\n\n", d->kind, d->stem);
		if (x->o.formats & FMT_PNG)
			fprintf(f, "- image: %s.png\n", d->stem);
		if (x->o.formats & FMT_SVG)
			fprintf(f, "- vector: %s.svg\n", d->stem);
		fprintf(f, "- data: %s.dat, variables: %s.params.gp\n", d->stem, d->stem);
		fprintf(f, "- from the database: `gupharness %s`\n", x->cmdline);
		fprintf(f, "- redraw: `gnuplot -e \"fmt='png'\" %s.params.gp %s/%s.gp`\n", d->stem, x->plotdir, d->kind);
	}
	fclose(f);
	if (write_file_atomic(path, buf, len) < 0)
		plot_fail(x, EXIT_IO, "cannot write '%s': %s; pass --out with a writable directory", path,
			  strerror(errno));
	else if (!x->o.quiet)
		printf("%s\n", path);
	free(path);
	free(old);
	free(buf);
}

/* ---- the library's entry (plot.h) ---- */

const struct plot_kind plot_kinds[] = {
	{ "beforeafter", 2, 2, plot_beforeafter, "BASE NEW",
	  "median per case, base and new side by side, with intervals, ratios and verdicts" },
	{ "dist", 1, 4, plot_dist, "SEL [SEL...]", "every sample per case and kernel, warm-ups marked" },
	{ "heatmap", 2, 2, plot_heatmap, "BASE NEW", "ratio new/base over two matrix axes (--x, --y)" },
	{ "history", 0, 1, plot_history, "[SEL]", "one case's median over runs, with change points" },
};
const size_t plot_nkinds = sizeof(plot_kinds) / sizeof(plot_kinds[0]);

const struct plot_kind *plot_kind_find(const char *name)
{
	for (size_t i = 0; i < plot_nkinds; i++)
		if (!strcmp(plot_kinds[i].name, name))
			return &plot_kinds[i];
	return NULL;
}

int plot_opts_resolve(struct plot_opts *o)
{
	char *end;

	o->formats = FMT_PNG | FMT_SVG;
	if (o->format_arg) {
		o->formats = 0;
		for (size_t i = 0; i < sizeof(plot_formats) / sizeof(plot_formats[0]); i++)
			if (!strcmp(plot_formats[i].name, o->format_arg))
				o->formats = plot_formats[i].mask;
		if (!o->formats)
			return error("unknown format '%s'; use png, svg or both", o->format_arg), EXIT_USAGE;
	}
	o->metric = &sample_metrics[0];
	if (o->metric_arg && !(o->metric = sample_metric_find(o->metric_arg)))
		return error("unknown metric '%s'; use get or put", o->metric_arg), EXIT_USAGE;
	if (o->alpha_arg) {
		o->alpha = strtod(o->alpha_arg, &end);
		if (*end || end == o->alpha_arg || !(o->alpha > 0 && o->alpha < 1))
			return error("--alpha '%s' is not a probability; use e.g. 0.05", o->alpha_arg), EXIT_USAGE;
	}
	if (o->min_change_arg) {
		o->min_change = strtod(o->min_change_arg, &end);
		if (*end || end == o->min_change_arg || !(o->min_change >= 0 && o->min_change < 1000))
			return error("--min-change '%s' is not a percentage; use e.g. 5", o->min_change_arg),
			       EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The output directory, created and writable. */
static void open_out(struct plot_ctx *x)
{
	x->out = x->o.out_dir ? xstrdup(x->o.out_dir) : user_path("plots/out", "plots");
	if (mkdir_p(x->out, 0777) < 0)
		plot_fail(x, EXIT_IO, "cannot create output directory '%s': %s; pass --out with a writable directory",
			  x->out, strerror(errno));
	else if (access(x->out, W_OK) < 0)
		plot_fail(x, EXIT_IO, "cannot write to output directory '%s': %s; pass --out with a writable directory",
			  x->out, strerror(errno));
}

static void ctx_free(struct plot_ctx *x, struct pset *sets, int nsets)
{
	for (int i = 0; i < nsets; i++)
		plot_set_free(&sets[i]);
	for (size_t i = 0; i < x->nd; i++) {
		free(x->d[i].stem);
		free(x->d[i].kind);
		free(x->d[i].title);
	}
	free(x->d);
	if (x->have_cmp)
		compare_result_free(&x->cmp);
	free(x->out);
	free(x->plotdir);
	if (x->db)
		db_close(x->db);
}

int plot_draw(const struct plot_opts *o, const struct plot_kind *k, const char *const *sel, int nsel,
	      const char *cmdline, char **err)
{
	struct plot_ctx x = { .o = *o, .cmdline = (char *)cmdline };
	struct pset sets[4];
	int nsets = 0;

	if (!have_program("gnuplot"))
		plot_fail(&x, EXIT_ENV, "'gnuplot' not found on PATH; install it with 'apt-get install gnuplot-nox'");
	if (!x.status) {
		if (!x.o.db_path)
			x.o.db_path = default_db_path();
		x.db = db_open(x.o.db_path, DB_READONLY);
		nsets = plot_load_sets(&x, sel, nsel, sets);
	}
	if (!x.status)
		open_out(&x);
	if (!x.status) {
		x.plotdir = data_path("plots");
		x.status = k->fn(&x, sets, nsets);
	}
	if (!x.status)
		write_index(&x);
	ctx_free(&x, sets, nsets);
	if (err)
		*err = x.err;
	else
		free(x.err);
	return x.status;
}
