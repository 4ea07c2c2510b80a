/*
 * heatmap: `plot heatmap BASE NEW --x AXIS --y AXIS`: the ratio of the
 * medians new/base of each case spread over two matrix axes (the axes'
 * table is here), one chart per combination of the axes not drawn.
 */
#include "harness/plot/chart.h"
#include "harness/plot/gnuplot.h"
#include "lib/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A matrix axis: the case attribute a heatmap can spread cases over. */
struct axis {
	const char *name, *label;
	/* The value as text; *num gets a sort key (NAN sorts as text). */
	void (*value)(const struct pcase *c, char *buf, size_t len, double *num);
};

static void ax_size(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = c->size_mb;
	snprintf(buf, len, "%g", c->size_mb);
}

static void ax_pages(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = (double)c->nr_pages;
	snprintf(buf, len, "%lld", c->nr_pages);
}

static void ax_cmd(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = NAN;
	snprintf(buf, len, "%s", c->cmd);
}

static void ax_mem(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = NAN;
	plot_mem_label(c, buf, len);
}

static void ax_write(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = (double)c->write;
	snprintf(buf, len, "%s", c->write ? "write" : "read");
}

static void ax_shared(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = (double)c->shared;
	snprintf(buf, len, "%s", c->shared ? "shared" : "private");
}

static void ax_threads(const struct pcase *c, char *buf, size_t len, double *num)
{
	*num = (double)c->threads;
	snprintf(buf, len, "%lld", c->threads);
}

static const struct axis axes[] = {
	{ "size_mb", "buffer size (MiB)", ax_size },
	{ "nr_pages", "pages per call (-n)", ax_pages },
	{ "cmd", "command", ax_cmd },
	{ "mem", "memory (THP / hugetlb)", ax_mem },
	{ "write", "access", ax_write },
	{ "shared", "mapping", ax_shared },
	{ "threads", "threads", ax_threads },
};
#define NAXES (sizeof(axes) / sizeof(axes[0]))

static const struct axis *find_axis(const char *name)
{
	for (size_t i = 0; i < NAXES; i++)
		if (!strcmp(axes[i].name, name))
			return &axes[i];
	return NULL;
}

/*
 * The values of the axes not drawn: cases sharing them share a heatmap.
 * vary, when given, limits the text to the axes flagged in it (those that
 * differ between cases), for titles and file names.
 */
static char *facet_of(const struct pcase *c, const struct axis *ax, const struct axis *ay, const int *vary)
{
	char *s = xstrdup(""), *t;

	for (size_t i = 0; i < NAXES; i++) {
		char v[64];
		double num;

		if (&axes[i] == ax || &axes[i] == ay || (vary && !vary[i]))
			continue;
		axes[i].value(c, v, sizeof(v), &num);
		t = xasprintf("%s%s%s=%s", s, *s ? ", " : "", axes[i].name, v);
		free(s);
		s = t;
	}
	if (plot_file_backed(c) && (!vary || vary[NAXES])) {
		t = xasprintf("%s, file", s);
		free(s);
		s = t;
	}
	return s;
}

struct level {
	char text[64];
	double num;
};

static int level_cmp(const void *a, const void *b)
{
	const struct level *x = a, *y = b;

	if (!isnan(x->num) && !isnan(y->num))
		return (x->num > y->num) - (x->num < y->num);
	return strcmp(x->text, y->text);
}

/* Index of the value in the sorted distinct levels; adds it on first sight. */
static size_t level_add(struct level **l, size_t *n, const char *text, double num)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*l)[i].text, text))
			return i;
	*l = xrealloc(*l, (*n + 1) * sizeof(**l));
	snprintf((*l)[*n].text, sizeof((*l)[*n].text), "%s", text);
	(*l)[*n].num = num;
	return (*n)++;
}

static size_t level_find(const struct level *l, size_t n, const char *text)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].text, text))
			return i;
	BUG("level not collected");
}

/* An axis's levels over the cases, sorted. */
static void collect_levels(const struct axis *ax, const struct pcase **bc, size_t nc, struct level **l, size_t *n)
{
	for (size_t i = 0; i < nc; i++) {
		char v[64];
		double num;

		ax->value(bc[i], v, sizeof(v), &num);
		level_add(l, n, v, num);
	}
	qsort(*l, *n, sizeof(**l), level_cmp);
}

/* A data block of tick labels: index and text of each level. */
static void level_ticks(FILE *f, const struct level *l, size_t n)
{
	fprintf(f, "\n\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%zu\t", i);
		gnuplot_field(f, l[i].text);
		fputc('\n', f);
	}
}

/* Block 0: one cell per case (the first of any that share one); widens
 * *maxlog; returns how many cases were left out as sharing a cell. */
static int heatmap_cells(struct plot_ctx *x, FILE *f, struct pset *new, const struct axis *ax,
			 const struct axis *ay, const struct pcase **bc, size_t nc, const struct level *xl,
			 size_t nx, size_t ny, const struct level *yl, unsigned char *filled, double *maxlog)
{
	int dup = 0;

	for (size_t i = 0; i < nc; i++) {
		const struct pcase *n = plot_find_case(new, bc[i]->key);
		double bm = stats_median(bc[i]->v.v, bc[i]->v.n), nm = stats_median(n->v.v, n->v.n);
		char xv[64], yv[64], rl[48];
		size_t xi, yi;
		double num, lr = log2(nm / bm);
		enum cmp_verdict v = plot_verdict_of(x, bc[i]->key);

		ax->value(bc[i], xv, sizeof(xv), &num);
		ay->value(bc[i], yv, sizeof(yv), &num);
		xi = level_find(xl, nx, xv);
		yi = level_find(yl, ny, yv);
		if (filled[xi * ny + yi]++) {
			dup++;
			continue;
		}
		plot_ratio_label(bm, nm, rl, sizeof(rl));
		if (isfinite(lr))
			*maxlog = fmax(*maxlog, fabs(lr));
		fprintf(f, "%zu\t%zu\t%.6g\t%.6g\t%s\t%s\t", xi, yi, lr, nm / bm, rl, cmp_verdict_names[v]);
		gnuplot_field(f, xv);
		fputc('\t', f);
		gnuplot_field(f, yv);
		fputc('\t', f);
		gnuplot_field(f, bc[i]->key);
		fputc('\n', f);
	}
	return dup;
}

static void heatmap_facet(struct plot_ctx *x, struct pset *base, struct pset *new, const struct axis *ax,
			  const struct axis *ay, const char *facet, const char *facet_name,
			  const struct pcase **bc, size_t nc)
{
	struct level *xl = NULL, *yl = NULL;
	size_t nx = 0, ny = 0, dlen = 0, plen = 0;
	char *data = NULL, *pbuf = NULL, *stem, *title, *sub, *extra, *foot, *t;
	FILE *f, *p;
	double maxlog = 1;
	int dup = 0;
	unsigned char *filled;

	collect_levels(ax, bc, nc, &xl, &nx);
	collect_levels(ay, bc, nc, &yl, &ny);
	filled = xcalloc(nx * ny, 1);
	f = open_memstream(&data, &dlen);
	dup = heatmap_cells(x, f, new, ax, ay, bc, nc, xl, nx, ny, yl, filled, &maxlog);
	/* Blocks 1 and 2: the tick labels of the x and y levels. */
	level_ticks(f, xl, nx);
	level_ticks(f, yl, ny);
	fclose(f);
	if (dup)
		warning("heatmap '%s': %d case(s) share a cell with another (they differ in flags that are not"
			" an axis); the first is drawn", facet, dup);

	p = open_memstream(&pbuf, &plen);
	extra = xasprintf("%s_by_%s%s%s", ax->name, ay->name, *facet_name ? "_" : "", facet_name);
	stem = plot_stem("heatmap", base->arg, new->arg, extra);
	title = xasprintf("GUP %s ratio %s / %s over %s and %s", x->o.metric->what, new->kernels,
			  base->kernels, ax->name, ay->name);
	sub = plot_measured_line(x, base, new);
	gnuplot_str(p, "title", title);
	gnuplot_str(p, "subtitle", sub);
	t = xasprintf("cases with %s", facet);
	gnuplot_str(p, "facet", t);
	free(t);
	t = plot_verdict_rule();
	foot = xasprintf("cell: median(new)/median(base) of the non-warm-up repeats; blue faster, red slower,"
			 " white equal (log2 colour scale)\n%s", t);
	free(t);
	gnuplot_str(p, "footnote", foot);
	gnuplot_str(p, "xlabel", ax->label);
	gnuplot_str(p, "ylabel", ay->label);
	gnuplot_num(p, "nx", (double)nx);
	gnuplot_num(p, "ny", (double)ny);
	gnuplot_num(p, "cbmax", ceil(maxlog));
	plot_chart(x, "heatmap", stem, title, data, dlen, p, &pbuf, &plen, (int)fmax(800, 250 + nx * 120),
		   (int)fmax(560, 260 + ny * 70));
	free(data);
	free(stem);
	free(title);
	free(sub);
	free(extra);
	free(foot);
	free(xl);
	free(yl);
	free(filled);
}

int plot_heatmap(struct plot_ctx *x, struct pset *sets, int nsets)
{
	struct pset *base = &sets[0], *new = &sets[1];
	const struct axis *ax = find_axis(x->o.x_axis), *ay = find_axis(x->o.y_axis);
	char **facets = NULL;
	size_t nf = 0;
	int vary[NAXES + 1] = { 0 };

	(void)nsets;
	if (!ax || !ay || ax == ay) {
		error("heatmap axes '%s' and '%s' must be two different ones of:", x->o.x_axis, x->o.y_axis);
		for (size_t i = 0; i < NAXES; i++)
			fprintf(stderr, "   %-9s %s\n", axes[i].name, axes[i].label);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < base->n; i++) {
		const struct pcase *n = plot_find_case(new, base->c[i].key);

		if (n && n->v.n && base->c[i].v.n) {
			char *fc = facet_of(&base->c[i], ax, ay, NULL);
			size_t k;

			/* Which axes differ between cases, for short names. */
			for (size_t a = 0; a < NAXES; a++) {
				char v0[64], v1[64];
				double num;

				axes[a].value(&base->c[0], v0, sizeof(v0), &num);
				axes[a].value(&base->c[i], v1, sizeof(v1), &num);
				vary[a] |= strcmp(v0, v1) != 0;
			}
			vary[NAXES] |= strcmp(base->c[0].file, base->c[i].file) != 0;

			for (k = 0; k < nf && strcmp(facets[k], fc); k++)
				;
			if (k == nf) {
				facets = xrealloc(facets, (nf + 1) * sizeof(*facets));
				facets[nf++] = fc;
			} else {
				free(fc);
			}
		}
	}
	if (!nf)
		plot_no_data(x, xasprintf("no case measured on both '%s' and '%s'", base->arg, new->arg));
	if (x->status || plot_compare_sets(x, base, new)) {
		for (size_t k = 0; k < nf; k++)
			free(facets[k]);
		free(facets);
		return x->status;
	}
	for (size_t k = 0; k < nf; k++) {
		const struct pcase **bc = xcalloc(base->n, sizeof(*bc));
		size_t nc = 0;
		char *name = NULL;

		for (size_t i = 0; i < base->n; i++) {
			const struct pcase *n = plot_find_case(new, base->c[i].key);
			char *fc;

			if (!n || !n->v.n || !base->c[i].v.n)
				continue;
			fc = facet_of(&base->c[i], ax, ay, NULL);
			if (!strcmp(fc, facets[k])) {
				if (!nc)
					name = facet_of(&base->c[i], ax, ay, vary);
				bc[nc++] = &base->c[i];
			}
			free(fc);
		}
		if (!x->status)
			heatmap_facet(x, base, new, ax, ay, facets[k], name, bc, nc);
		free(name);
		free(bc);
		free(facets[k]);
	}
	free(facets);
	return x->status;
}


void plot_axis_names(FILE *f)
{
	for (size_t i = 0; i < NAXES; i++)
		fprintf(f, " %s", axes[i].name);
}
