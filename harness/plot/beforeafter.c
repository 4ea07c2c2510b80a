/*
 * beforeafter: `plot beforeafter BASE NEW`: per case measured on both
 * sides, the two medians side by side on a log axis with their 95%
 * intervals, the ratio in words, compare's verdict as the bar colour and
 * any published figure for the case beside them; PAGE_CASES cases a chart.
 */
#include "harness/plot/chart.h"
#include "harness/plot/gnuplot.h"
#include "results/references.h"
#include "lib/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ref {
	int have;
	double before, after;
	char *series, *environment;
};

/* A published figure for this key and metric (selftest cases match too). */
static void find_ref(struct plot_ctx *x, const char *key, struct ref *r)
{
	struct reference_figure f;

	memset(r, 0, sizeof(*r));
	if (reference_find(x->db, key, x->o.metric->name, &f) == 1) {
		r->have = 1;
		r->before = f.before_us;
		r->after = f.after_us;
		r->series = f.series;
		r->environment = f.environment;
	}
}

static double positive_or_inf(double v)
{
	return v > 0 ? v : INFINITY;
}

/* One before/after bar pair's data line (with its published figures, if
 * any); widens the y range [*lo, *hi]; returns the pair's verdict. */
static enum cmp_verdict beforeafter_row(struct plot_ctx *x, FILE *f, size_t i, const struct pcase *b,
					const struct pcase *n, double *lo, double *hi, int *has_ref,
					char **refnote)
{
	double bm = stats_median(b->v.v, b->v.n), nm = stats_median(n->v.v, n->v.n);
	double blo, bhi, nlo, nhi;
	char bl[32], nl[32], ratio[48], rbl[32] = "", ral[32] = "", rr[64] = "";
	char *desc = plot_case_desc(b);
	enum cmp_verdict v = plot_verdict_of(x, b->key);
	struct ref r;

	stats_median_ci(b->v.v, b->v.n, &blo, &bhi);
	stats_median_ci(n->v.v, n->v.n, &nlo, &nhi);
	plot_time_label(bm, bl, sizeof(bl));
	plot_time_label(nm, nl, sizeof(nl));
	plot_ratio_label(bm, nm, ratio, sizeof(ratio));
	find_ref(x, b->key, &r);
	if (r.have) {
		char rl[48];

		*has_ref = 1;
		plot_time_label(r.before, rbl, sizeof(rbl));
		plot_time_label(r.after, ral, sizeof(ral));
		plot_ratio_label(r.before, r.after, rl, sizeof(rl));
		snprintf(rr, sizeof(rr), "published: %s", rl);
		if (!*refnote)
			*refnote = xasprintf("published bars: '%s' (%s)", r.series,
					     *r.environment ? r.environment : "environment not stated");
		*lo = fmin(*lo, fmin(positive_or_inf(r.before), positive_or_inf(r.after)));
		*hi = fmax(*hi, fmax(r.before, r.after));
	}
	/* A log axis: a zero time (below the timer's resolution) sits on the floor. */
	*lo = fmin(*lo, fmin(positive_or_inf(blo), positive_or_inf(nlo)));
	*hi = fmax(*hi, fmax(bhi, nhi));
	fprintf(f, "%zu\t", i + 1);
	gnuplot_field(f, desc);
	fputc('\t', f);
	gnuplot_field(f, b->key);
	fprintf(f, "\t%.6g\t%.6g\t%.6g\t%zu\t%s", bm, blo, bhi, b->v.n, bl);
	fprintf(f, "\t%.6g\t%.6g\t%.6g\t%zu\t%s", nm, nlo, nhi, n->v.n, nl);
	fprintf(f, "\t%s\t%s\t%u", ratio, cmp_verdict_names[v], plot_verdict_rgb[v]);
	if (r.have)
		fprintf(f, "\t%.6g\t%.6g\t%s\t%s\t%s\n", r.before, r.after, rbl, ral, rr);
	else
		fprintf(f, "\tNaN\tNaN\t\t\t\n");
	free(desc);
	free(r.series);
	free(r.environment);
	return v;
}

/* Pixels per case: the bars, or the widest tick label (description or key,
 * about 7.5 px a character) when that is wider, so that labels never overlap. */
static double case_slot_px(const struct pcase **pairs, size_t np, int has_ref)
{
	double px = has_ref ? 250 : 190;

	for (size_t i = 0; i < np; i++) {
		char *desc = plot_case_desc(pairs[2 * i]);

		px = fmax(px, 7.5 * (double)(fmax(strlen(desc), strlen(pairs[2 * i]->key)) + 2));
		free(desc);
	}
	return px;
}

static double floor_decade(double v)
{
	return pow(10.0, floor(log10(v)));
}

static void beforeafter_page(struct plot_ctx *x, struct pset *base, struct pset *new,
			     const struct pcase **pairs, size_t np, const char *suffix)
{
	char *data = NULL, *pbuf = NULL, *stem, *title, *sub, *foot, *refnote = NULL;
	size_t dlen = 0, plen = 0;
	FILE *f = open_memstream(&data, &dlen), *p = open_memstream(&pbuf, &plen);
	double lo_all = INFINITY, hi_all = 0;
	int seen[CMP_NVERDICTS] = { 0 }, has_ref = 0;
	char vlist[64] = "", *rule;

	for (size_t i = 0; i < np; i++)
		seen[beforeafter_row(x, f, i, pairs[2 * i], pairs[2 * i + 1], &lo_all, &hi_all, &has_ref, &refnote)] = 1;
	fclose(f);
	for (size_t v = 0; v < CMP_NVERDICTS; v++)
		if (seen[v])
			snprintf(vlist + strlen(vlist), sizeof(vlist) - strlen(vlist), "%s ", cmp_verdict_names[v]);
	if (!isfinite(lo_all))
		lo_all = fmax(hi_all, 1);

	stem = plot_stem("beforeafter", base->arg, new->arg, suffix);
	title = xasprintf("GUP %s per case: %s (base) vs %s (new)", x->o.metric->what, base->kernels,
			  new->kernels);
	sub = plot_measured_line(x, base, new);
	rule = plot_verdict_rule();
	foot = xasprintf("bars: median of the non-warm-up repeats pooled over boots (n per bar in the data file);"
			 " error bars: 95%% CI of the median from order statistics (exact binomial)\n%s%s%s",
			 rule, refnote ? "\n" : "", refnote ? refnote : "");
	free(rule);
	gnuplot_str(p, "title", title);
	gnuplot_str(p, "subtitle", sub);
	gnuplot_str(p, "footnote", foot);
	gnuplot_str(p, "ylabel", "median " "time (us, log scale)");
	gnuplot_str(p, "base_name", base->kernels);
	gnuplot_str(p, "new_name", new->kernels);
	gnuplot_str(p, "verdicts", vlist);
	gnuplot_num(p, "ymin", floor_decade(lo_all / 1.5));
	gnuplot_num(p, "ymax", hi_all * 4);
	gnuplot_num(p, "ncases", (double)np);
	gnuplot_num(p, "has_ref", has_ref);
	plot_chart(x, "beforeafter", stem, title, data, dlen, p, &pbuf, &plen,
		   (int)fmax(900, 160 + (double)np * case_slot_px(pairs, np, has_ref)), 700);
	free(data);
	free(stem);
	free(title);
	free(sub);
	free(foot);
	free(refnote);
}

int plot_beforeafter(struct plot_ctx *x, struct pset *sets, int nsets)
{
	struct pset *base = &sets[0], *new = &sets[1];
	const struct pcase **pairs = xcalloc(2 * (base->n + 1), sizeof(*pairs));
	size_t np = 0, pages, only = 0;

	(void)nsets;
	for (size_t i = 0; i < base->n; i++) {
		const struct pcase *n = plot_find_case(new, base->c[i].key);

		if (n && base->c[i].v.n && n->v.n) {
			pairs[2 * np] = &base->c[i];
			pairs[2 * np++ + 1] = n;
		} else {
			only++;
		}
	}
	if (!np)
		plot_no_data(x, xasprintf("no case measured on both '%s' and '%s'", base->arg, new->arg));
	if (x->status || plot_compare_sets(x, base, new)) {
		free(pairs);
		return x->status;
	}
	if (only || new->n > np)
		warning("%zu case(s) measured on only one side left out; both sides need the same case key",
			only + (new->n - np));
	pages = (np + PAGE_CASES - 1) / PAGE_CASES;
	for (size_t pg = 0; pg < pages && !x->status; pg++) {
		size_t first = pg * PAGE_CASES, cnt = np - first < PAGE_CASES ? np - first : PAGE_CASES;
		char *suffix = plot_page_suffix(x->o.filter, pg, pages);

		beforeafter_page(x, base, new, pairs + 2 * first, cnt, suffix);
		free(suffix);
	}
	free(pairs);
	return x->status;
}

