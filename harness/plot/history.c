/*
 * history: `plot history [SEL]` and the nightly report's charts: one
 * chart per case, its median per run over time with the band of each
 * run's repeats and the change points cp_history() finds.
 */
#include "harness/plot/chart.h"
#include "harness/plot/gnuplot.h"
#include "results/changepoint.h"
#include "lib/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


/*
 * The run medians and change points, from cp_history: the very call the
 * nightly report makes, so chart and report agree (each run's value is the
 * median of its boots' medians).
 */
static size_t history_changes(const struct pcase *c, const struct cp_params *cpp, double *med,
			      struct cp_change **ch)
{
	struct cp_point *pt = xcalloc(c->ng + 1, sizeof(*pt));
	size_t nch;

	for (size_t i = 0; i < c->ng; i++)
		pt[i] = (struct cp_point){ c->g[i].bmed.v, c->g[i].bmed.n };
	nch = cp_history(c->key, pt, c->ng, cpp, med, ch);
	free(pt);
	return nch;
}

/* One data line per run: its median, the band of its pooled repeats, its tick. */
static void history_points(FILE *f, const struct pcase *c, const double *med, size_t nkern)
{
	size_t every = c->ng > 24 ? (c->ng + 23) / 24 : 1;

	for (size_t i = 0; i < c->ng; i++) {
		const struct pgroup *g = &c->g[i];
		double lo, hi;

		stats_median_ci(g->v.v, g->v.n, &lo, &hi);
		fprintf(f, "%zu\t%.6g\t%.6g\t%.6g\t%zu\t", i + 1, med[i], lo, hi, g->v.n);
		/* Short ticks: the run and its day; the kernel only when it varies
		 * (the title names a single one). */
		if (i % every == 0 || i + 1 == c->ng) {
			fprintf(f, "#%lld %.10s", g->run_id, g->started);
			if (nkern > 1) {
				fputc(' ', f);
				gnuplot_field(f, g->kernel);
			}
		}
		fputc('\t', f);
		gnuplot_field(f, g->kernel);
		fputc('\n', f);
	}
}

static void history_case(struct plot_ctx *x, struct pset *s, const struct pcase *c)
{
	char *data = NULL, *pbuf = NULL, *stem, *title, *sub, *desc, *kernels, *meas, *foot;
	size_t dlen = 0, plen = 0, nch = 0, nkern = 0;
	FILE *f = open_memstream(&data, &dlen), *p;
	double *med = xcalloc(c->ng, sizeof(*med));
	struct cp_params cpp;
	struct cp_change *ch = NULL;

	for (size_t i = 0; i < c->ng; i++)
		if (!i || strcmp(c->g[i].build, c->g[i - 1].build))
			nkern++;
	cp_params_default(&cpp);
	if (x->o.alpha > 0)
		cpp.alpha = x->o.alpha;
	cpp.min_size_pct = x->o.min_change;
	nch = history_changes(c, &cpp, med, &ch);
	history_points(f, c, med, nkern);
	fclose(f);

	p = open_memstream(&pbuf, &plen);
	desc = plot_case_desc(c);
	stem = plot_stem("history", c->key, NULL, s->arg);
	title = xasprintf("GUP %s over runs: %s (%s)", x->o.metric->what, desc, c->key);
	meas = plot_measured_line(x, s, NULL);
	if (nkern > 1)
		kernels = xasprintf("kernels: %s .. %s (%zu change%s of build)", c->g[0].kernel,
				    c->g[c->ng - 1].kernel, nkern - 1, nkern == 2 ? "" : "s");
	else
		kernels = xasprintf("kernel: %s", c->g[0].kernel);
	sub = xasprintf("%s\n%s", meas, kernels);
	gnuplot_str(p, "title", title);
	gnuplot_str(p, "subtitle", sub);
	foot = xasprintf("points: median of each run's per-boot medians (what change points are found on);"
			 " band: 95%% CI of the run's pooled repeats' median (within-boot only)\ndashed lines: change"
			 " points (E-Divisive means, alpha %.2g, %u+ permutations, seeded by the case key, changes"
			 " under %g%% merged away; none below %zu runs), labelled with the change of the median",
			 cpp.alpha, cpp.permutations, cpp.min_size_pct, cp_min_history(&cpp));
	gnuplot_str(p, "footnote", foot);
	gnuplot_str(p, "ylabel", "median time (us)");
	gnuplot_changes(p, ch, nch);
	gnuplot_num(p, "npoints", (double)c->ng);
	plot_chart(x, "history", stem, title, data, dlen, p, &pbuf, &plen, (int)fmax(900, 200 + c->ng * 30), 600);
	free(data);
	free(stem);
	free(title);
	free(sub);
	free(desc);
	free(meas);
	free(foot);
	free(kernels);
	free(med);
	free(ch);
}

int plot_history(struct plot_ctx *x, struct pset *sets, int nsets)
{
	(void)nsets;
	for (size_t i = 0; i < sets[0].n && !x->status; i++)
		if (sets[0].c[i].ng)
			history_case(x, &sets[0], &sets[0].c[i]);
	return x->status;
}

