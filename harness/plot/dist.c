/*
 * dist: `plot dist SEL [SEL...]`: every sample of every case, per
 * selection: a box of its quartiles and the samples themselves (warm-ups
 * marked), each as its deviation from the median of its case and
 * selection; PAGE_CASES cases a chart.
 */
#include "harness/plot/chart.h"
#include "harness/plot/gnuplot.h"
#include "lib/stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const side_colours = "#4a78b5 #e6842e #5aa469 #8e6bb0";

/* Deterministic jitter in [-0.5, 0.5) so points do not hide one another. */
static double jitter(size_t i, size_t k)
{
	uint64_t s = (uint64_t)i << 32 ^ (uint64_t)k;

	return (double)(stats_splitmix(&s) >> 11) / 9007199254740992.0 - 0.5;
}

/* Percent deviation from a median: the dist chart's y axis. */
static double dev_pct(double v, double med)
{
	return med > 0 ? 100.0 * (v / med - 1.0) : 0.0;
}

static void box_row(FILE *f, double xpos, const struct dvec *d, int side)
{
	struct box b;
	char ml[32];

	stats_box(d->v, d->n, &b);
	plot_time_label(b.median, ml, sizeof(ml));
	fprintf(f, "%.4f\t%.4f\t%.4f\t0\t%.4f\t%.4f\t%d\t%zu\t%s\t%.6g\n", xpos, dev_pct(b.whisker_lo, b.median),
		dev_pct(b.q1, b.median), dev_pct(b.q3, b.median), dev_pct(b.whisker_hi, b.median), side + 1, d->n,
		ml, b.median);
}

/* The samples block: each sample's deviation from its case's median,
 * jittered sideways (warm-ups flagged); widens [*lo, *hi]; returns the
 * number of warm-up samples. */
static size_t dist_samples(FILE *f, struct pset *sets, int nsets, const char **keys, size_t nk, double slot,
			   double *lo_out, double *hi_out)
{
	double lo = *lo_out, hi = *hi_out;
	size_t nwarm = 0;

	for (size_t i = 0; i < nk; i++)
		for (int s = 0; s < nsets; s++) {
			const struct pcase *c = plot_find_case(&sets[s], keys[i]);
			double xc = (double)(i + 1) - 0.4 + slot * (s + 0.5), med, d;

			if (!c || !c->v.n)
				continue;
			med = stats_median(c->v.v, c->v.n);
			for (size_t k = 0; k < c->w.n; k++) {
				d = dev_pct(c->w.v[k], med);
				fprintf(f, "%.4f\t%.4f\t%d\t1\t%.6g\n", xc + 0.6 * slot * jitter(i * 8 + s, k), d, s + 1,
					c->w.v[k]);
				lo = fmin(lo, d);
				hi = fmax(hi, d);
				nwarm++;
			}
			for (size_t k = 0; k < c->v.n; k++) {
				d = dev_pct(c->v.v[k], med);
				fprintf(f, "%.4f\t%.4f\t%d\t0\t%.6g\n", xc + 0.6 * slot * jitter(i * 8 + s, k + 4096), d,
					s + 1, c->v.v[k]);
				lo = fmin(lo, d);
				hi = fmax(hi, d);
			}
		}
	*lo_out = lo;
	*hi_out = hi;
	return nwarm;
}

/* The tick-label block: one description and key per case. */
static void dist_ticks(FILE *f, struct pset *sets, int nsets, const char **keys, size_t nk)
{
	for (size_t i = 0; i < nk; i++) {
		const struct pcase *c = NULL;
		char *desc;

		for (int s = 0; s < nsets && !c; s++)
			c = plot_find_case(&sets[s], keys[i]);
		desc = plot_case_desc(c);
		fprintf(f, "%zu\t", i + 1);
		gnuplot_field(f, desc);
		fputc('\t', f);
		gnuplot_field(f, c->key);
		fputc('\n', f);
		free(desc);
	}
}

/*
 * One chart of up to PAGE_CASES cases. Kernels of one case can differ by a
 * factor of 40 while their noise is a few percent, so on a shared time axis
 * every box is a flat line: y is each sample's deviation from the median of
 * its own case and kernel, and the median itself is printed under its box.
 */
static void dist_page(struct plot_ctx *x, struct pset *sets, int nsets, const char **keys, size_t nk,
		      const char *suffix)
{
	char *data = NULL, *pbuf = NULL, *stem, *title, *sub, *names = NULL, *nn;
	size_t dlen = 0, plen = 0, nwarm = 0;
	FILE *f = open_memstream(&data, &dlen), *p = open_memstream(&pbuf, &plen);
	double slot = 0.8 / nsets, lo = 0, hi = 0;

	/* Block 0: boxes; block 1: samples; block 2: tick labels. */
	for (size_t i = 0; i < nk; i++)
		for (int s = 0; s < nsets; s++) {
			const struct pcase *c = plot_find_case(&sets[s], keys[i]);

			if (c && c->v.n)
				box_row(f, (double)(i + 1) - 0.4 + slot * (s + 0.5), &c->v, s);
		}
	fprintf(f, "\n\n");
	nwarm = dist_samples(f, sets, nsets, keys, nk, slot, &lo, &hi);
	fprintf(f, "\n\n");
	dist_ticks(f, sets, nsets, keys, nk);
	fclose(f);

	for (int s = 0; s < nsets; s++) {
		char var[16];

		snprintf(var, sizeof(var), "name%d", s + 1);
		gnuplot_str(p, var, sets[s].kernels);
		nn = xasprintf("%s%s%s", names ? names : "", names ? ", " : "", sets[s].kernels);
		free(names);
		names = nn;
	}
	stem = plot_stem("dist", sets[0].arg, nsets > 1 ? sets[1].arg : NULL, suffix);
	title = xasprintf("GUP %s, every sample per case: %s", x->o.metric->what, names);
	sub = plot_measured_line(x, &sets[0], nsets > 1 ? &sets[1] : NULL);
	gnuplot_str(p, "title", title);
	gnuplot_str(p, "subtitle", sub);
	gnuplot_str(p, "footnote",
		  "y: each sample's deviation from the median of its case and kernel (that median is printed under"
		  " the box); box: quartiles, whiskers: furthest sample within 1.5 IQR\n"
		  "dots: measured repeats (jittered sideways); open triangles: warm-up repeats, excluded from every"
		  " statistic; raw times are in the data file");
	gnuplot_str(p, "ylabel", "deviation from the median (%)");
	gnuplot_str(p, "colours", side_colours);
	gnuplot_num(p, "nsides", nsets);
	gnuplot_num(p, "nwarm", (double)nwarm);
	gnuplot_num(p, "boxwidth", slot * 0.7);
	gnuplot_num(p, "ncases", (double)nk);
	gnuplot_num(p, "ymin", floor(fmin(lo, -5) / 5 - 1) * 5);
	gnuplot_num(p, "ymax", ceil(fmax(hi, 5) / 5 + 1) * 5);
	plot_chart(x, "dist", stem, title, data, dlen, p, &pbuf, &plen, (int)fmax(900, 160 + nk * 90 * (nsets + 1)),
		   650);
	free(data);
	free(stem);
	free(title);
	free(sub);
	free(names);
}

int plot_dist(struct plot_ctx *x, struct pset *sets, int nsets)
{
	const char **keys = NULL;
	size_t nk = 0, pages;

	/* Every key any selection has, in the first selection's order. */
	for (int s = 0; s < nsets; s++)
		for (size_t i = 0; i < sets[s].n; i++) {
			size_t k;

			for (k = 0; k < nk && strcmp(keys[k], sets[s].c[i].key); k++)
				;
			if (k == nk) {
				keys = xrealloc(keys, (nk + 1) * sizeof(*keys));
				keys[nk++] = sets[s].c[i].key;
			}
		}
	pages = (nk + PAGE_CASES - 1) / PAGE_CASES;
	for (size_t pg = 0; pg < pages && !x->status; pg++) {
		size_t first = pg * PAGE_CASES, cnt = nk - first < PAGE_CASES ? nk - first : PAGE_CASES;
		char *suffix = plot_page_suffix(x->o.filter, pg, pages);

		dist_page(x, sets, nsets, keys + first, cnt, suffix);
		free(suffix);
	}
	free(keys);
	return x->status;
}

