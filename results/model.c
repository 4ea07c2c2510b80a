/*
 * model: boot-variance estimates, adjusted intervals and verdicts for the
 * cases of one comparison (see model.h for the model and why the boot is
 * the unit). Log medians throughout, so the threshold and the interval are
 * symmetric on a log scale and a ratio is exp() of a difference.
 */
#include "results/model.h"
#include "lib/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *alloc0(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

/* Welford over the logs of x[i] > 0 (those with want[i] == keep, or all when want is NULL). */
static size_t log_welford(const double *x, const unsigned char *want, int keep, size_t n, double *mean, double *ss)
{
	size_t k = 0;

	*mean = *ss = 0.0;
	for (size_t i = 0; i < n; i++) {
		double y, dl;

		if (!(x[i] > 0.0) || (want && !!want[i] != keep))
			continue;
		y = log(x[i]);
		dl = y - *mean;
		*mean += dl / (double)++k;
		*ss += dl * (y - *mean);
	}
	return k;
}

void model_history_add(struct model_history *h, const double *med, const unsigned char *compared, size_t n)
{
	double mean, ss, cmean, css;
	size_t k = log_welford(med, NULL, 0, n, &mean, &ss), kc = log_welford(med, compared, 1, n, &cmean, &css);

	if (k >= 2) {
		struct model_group *g = realloc(h->g, (h->ng + 1) * sizeof(*g));

		if (!g)
			abort();
		h->g = g;
		h->g[h->ng++] = (struct model_group){ .ss = ss, .df = (double)(k - 1), .x = exp(mean) };
		/* what the compared boots add beyond their own spread: the other
		 * boots of the build, and how tonight's boots sit among them */
		h->ss_other += fmax(0.0, ss - css);
		h->df_other += (double)(k - 1) - (kc > 1 ? (double)(kc - 1) : 0.0);
	}
}

void model_history_free(struct model_history *h)
{
	free(h->g);
	memset(h, 0, sizeof(*h));
}

/* Per case: the sides' mean log medians and sums of squares. */
struct cstat {
	int ok;
	double mb, mn, ssb, ssn, min;
	double dfb, dfn;
};

static void case_stats(const struct model_case *c, struct cstat *s, struct model_fit *f, double res)
{
	size_t kb = log_welford(c->base, NULL, 0, c->nbase, &s->mb, &s->ssb);
	size_t kn = log_welford(c->new, NULL, 0, c->nnew, &s->mn, &s->ssn);

	*f = (struct model_fit){ .p = 1.0, .p_adj = 1.0, .nbase = c->nbase, .nnew = c->nnew };
	s->ok = c->nbase && c->nnew && kb == c->nbase && kn == c->nnew;
	if (!s->ok)
		return;
	s->min = INFINITY;
	for (size_t i = 0; i < c->nbase; i++)
		s->min = fmin(s->min, c->base[i]);
	for (size_t i = 0; i < c->nnew; i++)
		s->min = fmin(s->min, c->new[i]);
	s->dfb = (double)(c->nbase - 1);
	s->dfn = (double)(c->nnew - 1);
	f->d = s->mn - s->mb;
	/* medians are whole microseconds (halves at most): a boot sd below one
	 * step of the smallest median cannot be told from zero */
	f->floor = res / s->min;
}

/*
 * Smyth's moderated variances: s2[i] (with df[i], 0 allowed) shrunk towards
 * a prior s0^2 with d0 df fitted over the cases that have df; out[i] and
 * odf[i] get the moderated variance and its df, capped at the total df.
 * Fewer than three cases with df: each keeps its own, and a case without
 * any gets the pooled variance.
 */
static void moderate(const double *s2, const double *df, size_t n, double *out, double *odf, double *d0,
		     double *s0)
{
	double emean = 0, evar = 0, tri = 0, ss = 0, dsum = 0, *e = alloc0(n, sizeof(*e));
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (df[i] > 0 && s2[i] > 0) {
			e[k] = log(s2[i]) - stats_digamma(df[i] / 2) + log(df[i] / 2);
			emean += e[k++];
			tri += stats_trigamma(df[i] / 2);
			ss += s2[i] * df[i];
			dsum += df[i];
		}
	*d0 = 0;
	*s0 = dsum > 0 ? sqrt(ss / dsum) : 0;
	if (k >= 3) {
		emean /= (double)k;
		for (size_t i = 0; i < k; i++)
			evar += (e[i] - emean) * (e[i] - emean) / (double)(k - 1);
		evar -= tri / (double)k;
		/* no more spread than sampling gives: all cases alike, the pooled variance */
		*d0 = evar > 0 ? 2.0 * stats_trigamma_inverse(evar) : INFINITY;
		if (evar > 0)
			*s0 = sqrt(exp(emean + stats_digamma(*d0 / 2) - log(*d0 / 2)));
	}
	for (size_t i = 0; i < n; i++) {
		int own = df[i] > 0 && s2[i] > 0;

		out[i] = isinf(*d0) || !own ? *s0 * *s0 : (*d0 * *s0 * *s0 + df[i] * s2[i]) / (*d0 + df[i]);
		odf[i] = fmin(own ? *d0 + df[i] : dsum, dsum);
	}
	free(e);
}

/* The model's boot variance of log median x. */
static double icount_var(const struct model_family *m, double x)
{
	return (m->a_us / x) * (m->a_us / x) + m->r * m->r;
}

/*
 * A spread far wider than the model's (ss over df of log medians at x): a
 * case whose boots step between levels of their own (DESIGN: the 5-repeat
 * THP shared -n 1 cases, ~721 us) rather than drift by the few us any case
 * may (a timer interrupt in the measured window or not). Judged against
 * the larger of the model and its conservative default, the envelope of
 * such drift, and family-wise over the class's groups (F-test p < 0.001 /
 * groups): icount drift is discrete and heavier-tailed than the fitted
 * normal, which alone, per group, called a tenth of vmtests-gup's cases
 * steppers, among them a 7 us drift on a 13,367 us case.
 */
static int icount_steps(double ss, double df, double x, const struct model_family *m, double groups)
{
	struct model_family def = { .a_us = MODEL_ICOUNT_A_US, .r = MODEL_ICOUNT_R };
	double v = fmax(icount_var(m, x), icount_var(&def, x));

	double p = stats_f_sf(ss / df / v, df, m->icount_fitted ? m->fit_df : 1e6);

	return df > 0 && p < 0.001 / fmax(groups, 1.0);
}

/* The icount noise model's negative log likelihood over every group (but
 * those ref's model finds stepping, judged over `groups`). */
static double icount_nll(const struct model_case *c, size_t n, double a, double r, const struct model_family *ref,
			 double groups)
{
	double nll = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; c[i].hist && j < c[i].hist->ng; j++) {
			const struct model_group *g = &c[i].hist->g[j];
			double v = (a / g->x) * (a / g->x) + r * r;

			if (!ref || !icount_steps(g->ss, g->df, g->x, ref, groups))
				nll += g->ss / v + g->df * log(v);
		}
	return nll;
}

/* a and r by maximum likelihood on a log grid (a from half the resolution:
 * whole-us medians), twice: over every group but those stepping beyond the
 * default, then over every group but those stepping beyond the first fit
 * (or the default, whichever is wider; icount_steps): a stepping case can
 * neither widen everyone's interval nor, by inflating the fit, hide. */
static void icount_model(const struct model_case *c, size_t n, double res, struct model_family *fam)
{
	fam->fit_df = fam->fit_groups = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; c[i].hist && j < c[i].hist->ng; j++) {
			fam->fit_df += c[i].hist->g[j].df;
			fam->fit_groups++;
		}
	fam->icount_fitted = fam->fit_df >= MODEL_ICOUNT_MIN_DF;
	fam->a_us = MODEL_ICOUNT_A_US;
	fam->r = MODEL_ICOUNT_R;
	if (!fam->icount_fitted)
		return;
	for (int pass = 0; pass < 2; pass++) {
		struct model_family ref = *fam;
		double best = INFINITY;

		ref.icount_fitted = pass;
		for (double a = res / 2; a < 1e5; a *= 1.2)
			for (double r = 0; r < 0.5; r = r > 0 ? r * 1.2 : 1e-6) {
				double nll = icount_nll(c, n, a, r, &ref, fam->fit_groups);

				if (nll < best) {
					best = nll;
					fam->a_us = a;
					fam->r = r;
				}
			}
	}
}

/* Each source pooled over the cases; the F-tests that say which to trust. */
static void wall_sources(const struct model_case *c, const struct cstat *cs, size_t n, struct model_family *fam)
{
	double ss[3] = { 0 }, df[3] = { 0 }, dt;

	for (size_t i = 0; i < n; i++) {
		if (!cs[i].ok)
			continue;
		ss[0] += cs[i].ssb;
		df[0] += cs[i].dfb;
		ss[1] += cs[i].ssn;
		df[1] += cs[i].dfn;
		if (c[i].hist) {
			ss[2] += c[i].hist->ss_other;
			df[2] += c[i].hist->df_other;
		}
	}
	fam->df_base = df[0], fam->df_new = df[1], fam->df_hist = df[2];
	fam->sd_base = df[0] > 0 ? sqrt(ss[0] / df[0]) : 0;
	fam->sd_new = df[1] > 0 ? sqrt(ss[1] / df[1]) : 0;
	fam->sd_hist = df[2] > 0 ? sqrt(ss[2] / df[2]) : 0;
	if (df[0] > 0 && df[1] > 0 && ss[0] > 0 && ss[1] > 0) {
		double fb = (ss[0] / df[0]) / (ss[1] / df[1]);

		fam->sides_differ = 2.0 * fmin(stats_f_sf(fb, df[0], df[1]), stats_f_sf(1.0 / fb, df[1], df[0])) < 0.05;
	}
	dt = df[0] + df[1];
	if (df[2] > 0 && ss[2] > 0 && dt > 0)
		fam->hist_p = stats_f_sf(((ss[0] + ss[1]) / dt) / (ss[2] / df[2]), dt, df[2]);
	fam->hist_used = df[2] > 0 && !fam->sides_differ && fam->hist_p >= 0.05;
}

/* One side's (side 0 base, 1 new, 2 both) per-case variance and df, floored. */
static void side_var(const struct model_case *c, const struct cstat *cs, const struct model_fit *f, int side,
		     int hist, double *s2, double *df)
{
	double ss = side == 1 ? cs->ssn : side == 0 ? cs->ssb : cs->ssb + cs->ssn;

	*df = side == 1 ? cs->dfn : side == 0 ? cs->dfb : cs->dfb + cs->dfn;
	if (hist && c->hist) {
		ss += c->hist->ss_other;
		*df += c->hist->df_other;
	}
	*s2 = *df > 0 ? fmax(ss / *df, f->floor * f->floor) : 0;
}

/* The per-case variances moderate() reads (s2, df) and writes (v, vdf). */
struct var_sets {
	double *s2, *df, *v, *vdf;
};

static struct var_sets var_sets_alloc(size_t n)
{
	return (struct var_sets){ alloc0(n, sizeof(double)), alloc0(n, sizeof(double)), alloc0(n, sizeof(double)),
				  alloc0(n, sizeof(double)) };
}

static void var_sets_free(struct var_sets *w)
{
	free(w->s2);
	free(w->df);
	free(w->v);
	free(w->vdf);
}

/*
 * icount, per case: the model's variance at the case's smaller median x.
 * A case with boots of one build in the class is then moderated: its own
 * spread relative to the model, u = s^2 / model, is shrunk towards a prior
 * fitted over the cases (moderate(), as on the wall clock), so a case that
 * drifts more than most widens its interval by what its boots show, with
 * the df that evidence has, and a one-df spread that happens to be wide
 * does not decide alone. A case whose spread the model cannot explain at
 * all (icount_steps) keeps its own variance and its own df.
 */
static void icount_fit(const struct model_case *c, const struct cstat *cs, size_t n, double res,
		       struct model_fit *f, struct model_family *fam)
{
	struct var_sets w = var_sets_alloc(n);
	double *ss = alloc0(n, sizeof(*ss)), *hdf = alloc0(n, sizeof(*hdf)), *vm = alloc0(n, sizeof(*vm));
	double groups = 0;
	unsigned char *steps = alloc0(n, 1);

	icount_model(c, n, res, fam);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; cs[i].ok && c[i].hist && j < c[i].hist->ng; j++) {
			ss[i] += c[i].hist->g[j].ss;
			hdf[i] += c[i].hist->g[j].df;
			groups++;
		}
	for (size_t i = 0; i < n; i++) {
		if (!cs[i].ok)
			continue;
		vm[i] = icount_var(fam, exp(fmin(cs[i].mb, cs[i].mn)));
		steps[i] = icount_steps(ss[i], hdf[i], exp(fmin(cs[i].mb, cs[i].mn)), fam, groups);
		if (hdf[i] > 0 && !steps[i]) {
			w.s2[i] = fmax(ss[i] / hdf[i], f[i].floor * f[i].floor) / vm[i];
			w.df[i] = hdf[i];
		}
	}
	moderate(w.s2, w.df, n, w.v, w.vdf, &fam->d0, &fam->s0);
	for (size_t i = 0; i < n; i++) {
		double v = vm[i], df = fam->icount_fitted ? fam->fit_df : INFINITY;

		if (!cs[i].ok)
			continue;
		if (steps[i]) {
			v = ss[i] / hdf[i];
			df = hdf[i];
		} else if (fam->icount_fitted && w.df[i] > 0) {
			v = vm[i] * w.v[i];
			df = fmin(w.vdf[i], fam->fit_df);
		}
		f[i].source = MODEL_ICOUNT;
		f[i].own = steps[i];
		f[i].s = sqrt(v);
		f[i].se = f[i].s * sqrt(1.0 / (double)c[i].nbase + 1.0 / (double)c[i].nnew);
		f[i].df = df;
		f[i].ok = 1;
	}
	var_sets_free(&w);
	free(ss);
	free(hdf);
	free(vm);
	free(steps);
}

/* Welch: each side its own moderated variance. */
static void wall_welch(const struct model_case *c, const struct cstat *cs, size_t n, struct model_fit *f,
		       struct model_family *fam)
{
	struct var_sets w = var_sets_alloc(2 * n);
	double *s2 = w.s2, *df = w.df, *v = w.v, *vdf = w.vdf, d0n, s0n;

	for (size_t i = 0; i < n; i++) {
		side_var(&c[i], &cs[i], &f[i], 0, 0, &s2[i], &df[i]);
		side_var(&c[i], &cs[i], &f[i], 1, 0, &s2[n + i], &df[n + i]);
	}
	moderate(s2, df, n, v, vdf, &fam->d0, &fam->s0);
	moderate(s2 + n, df + n, n, v + n, vdf + n, &d0n, &s0n);
	fam->d0 = fmin(fam->d0, d0n);
	fam->s0 = sqrt((fam->s0 * fam->s0 + s0n * s0n) / 2);
	for (size_t i = 0; i < n; i++) {
		double vb = v[i] / (double)c[i].nbase, vn = v[n + i] / (double)c[i].nnew;

		if (!cs[i].ok || !(vb + vn > 0))
			continue;
		f[i].s = sqrt((v[i] + v[n + i]) / 2);
		f[i].se = sqrt(vb + vn);
		f[i].df = (vb + vn) * (vb + vn) / (vb * vb / vdf[i] + vn * vn / vdf[n + i]);
		f[i].source = MODEL_POOLED;
		f[i].ok = 1;
	}
	var_sets_free(&w);
}

/* One variance for both sides (and the history when it is consistent), moderated. */
static void wall_pooled(const struct model_case *c, const struct cstat *cs, size_t n, struct model_fit *f,
			struct model_family *fam)
{
	struct var_sets w = var_sets_alloc(n);
	double *s2 = w.s2, *df = w.df, *v = w.v, *vdf = w.vdf;

	for (size_t i = 0; i < n; i++)
		side_var(&c[i], &cs[i], &f[i], 2, fam->hist_used, &s2[i], &df[i]);
	moderate(s2, df, n, v, vdf, &fam->d0, &fam->s0);
	for (size_t i = 0; i < n; i++) {
		if (!cs[i].ok || !(v[i] > 0 && vdf[i] > 0))
			continue;
		f[i].s = sqrt(v[i]);
		f[i].se = f[i].s * sqrt(1.0 / (double)c[i].nbase + 1.0 / (double)c[i].nnew);
		f[i].df = vdf[i];
		f[i].source = MODEL_POOLED;
		f[i].ok = 1;
	}
	var_sets_free(&w);
}

/*
 * No boot repeated tonight: the cross-case spread of the changes (median
 * absolute deviation from their median, robust to a minority of real
 * changes) guards the estimate. lambda = (median |z| / 0.6745)^2 widens
 * every interval when > 1, and when an F-test finds it clearly above 1 the
 * interval takes the spread's degrees of freedom too (the MAD is 37%
 * efficient: 0.37 m); a case with no estimate at all takes the spread
 * itself.
 */
static void spread_guard(const struct cstat *cs, size_t n, struct model_fit *f, struct model_family *fam)
{
	double *d = alloc0(n, sizeof(*d)), *z = alloc0(n, sizeof(*z)), med, mad, dfx, lambda = 1;
	size_t m = 0, k = 0;

	for (size_t i = 0; i < n; i++)
		if (cs[i].ok)
			d[m++] = f[i].d;
	if (m >= MODEL_SPREAD_MIN_CASES) {
		med = stats_median(d, m);
		for (size_t i = 0; i < m; i++)
			d[i] = fabs(d[i] - med);
		mad = stats_median(d, m) / 0.6745;
		dfx = fmax(1.0, floor(0.37 * (double)m));
		for (size_t i = 0; i < n; i++)
			if (f[i].ok)
				z[k++] = fabs(f[i].d - med) / f[i].se;
		if (k)
			lambda = fmax(1.0, pow(stats_median(z, k) / 0.6745, 2));
		for (size_t i = 0; i < n; i++) {
			double w = sqrt(1.0 / (double)f[i].nbase + 1.0 / (double)f[i].nnew);

			if (!cs[i].ok || (f[i].ok && lambda <= 1))
				continue;
			if (f[i].ok) {
				/* the spread's few df only when it is clearly wider */
				if (stats_f_sf(lambda, dfx, isfinite(f[i].df) ? f[i].df : 1e6) < 0.05)
					f[i].df = fmin(f[i].df, dfx);
				f[i].se *= sqrt(lambda);
				f[i].s *= sqrt(lambda);
			} else {
				f[i].se = fmax(mad, f[i].floor * w);
				f[i].s = f[i].se / w;
				f[i].df = dfx;
				f[i].source = MODEL_SPREAD;
				f[i].ok = 1;
			}
		}
		fam->lambda = lambda;
	}
	free(d);
	free(z);
}

static void wall_fit(const struct model_case *c, const struct cstat *cs, size_t n, struct model_fit *f,
		     struct model_family *fam)
{
	wall_sources(c, cs, n, fam);
	if (fam->sides_differ)
		wall_welch(c, cs, n, f, fam);
	else
		wall_pooled(c, cs, n, f, fam);
	if (fam->df_base + fam->df_new == 0)
		spread_guard(cs, n, f, fam);
}

/* p-values, the family's adjustment and level, and the intervals at that level. */
static void family_adjust(struct model_fit *f, size_t n, const struct model_opts *o, struct model_family *fam)
{
	double *p = alloc0(n, sizeof(*p)), *adj = alloc0(n, sizeof(*adj));
	size_t rejected = 0;

	for (size_t i = 0; i < n; i++) {
		if (f[i].ok) {
			f[i].s = fmax(f[i].s, f[i].floor);
			f[i].se = fmax(f[i].se, f[i].floor * sqrt(1.0 / (double)f[i].nbase + 1.0 / (double)f[i].nnew));
		}
		p[i] = f[i].ok ? fmin(1.0, 2.0 * stats_t_sf(fabs(f[i].d) / f[i].se, f[i].df)) : 1.0;
	}
	if (o->adjust == MODEL_BH) {
		stats_bh(p, n, adj);
		for (size_t i = 0; i < n; i++)
			rejected += adj[i] <= o->alpha;
		fam->level = (double)(rejected ? rejected : 1) * o->alpha / (double)(n ? n : 1);
	} else {
		stats_sidak(p, n, adj);
		fam->level = -expm1(log1p(-o->alpha) / (double)(n ? n : 1));
	}
	for (size_t i = 0; i < n; i++) {
		double t;

		f[i].p = p[i];
		f[i].p_adj = adj[i];
		if (!f[i].ok)
			continue;
		t = stats_t_quantile(1.0 - fam->level / 2.0, f[i].df);
		f[i].lo = f[i].d - t * f[i].se;
		f[i].hi = f[i].d + t * f[i].se;
	}
	free(p);
	free(adj);
}

int model_fit_all(const struct model_case *cases, size_t n, const struct model_opts *o, struct model_fit *fits,
		  struct model_family *fam)
{
	struct cstat *cs = alloc0(n, sizeof(*cs));
	double res = o->resolution_us > 0 ? o->resolution_us : 1.0;

	*fam = (struct model_family){ .m = n, .lambda = 1.0, .hist_p = 1.0 };
	for (size_t i = 0; i < n; i++)
		case_stats(&cases[i], &cs[i], &fits[i], res);
	if (o->icount) {
		for (size_t i = 0; i < n; i++)
			fits[i].floor /= 2.0;   /* the model's a starts at half the resolution */
		icount_fit(cases, cs, n, res, fits, fam);
	} else {
		wall_fit(cases, cs, n, fits, fam);
	}
	family_adjust(fits, n, o, fam);
	free(cs);
	return 0;
}

/* The family level as a normal quantile: how many se an interval reaches. */
static double level_z(const struct model_rule *r)
{
	return -stats_t_quantile(r->fam->level / 2.0, INFINITY);
}

unsigned model_boots_needed(const struct model_fit *f, const struct model_rule *r)
{
	double delta = log1p(r->threshold_pct / 100.0), ad = fabs(f->d), c = level_z(r), h, k;

	if (!f->ok)
		return 0;
	/* beyond: an interval clear of 0; inside: an interval inside the
	 * threshold (at the boundary no finite K does, so aim a quarter inside) */
	h = ad >= delta ? ad : fmax(delta - ad, delta / 4.0);
	k = ceil(2.0 * (c * f->s / h) * (c * f->s / h));
	if (k > 100)
		return 0;
	return k < 2 ? 2 : (unsigned)k;
}

static const char *source_text(const struct model_fit *f, const struct model_family *fam, char *buf, size_t len)
{
	int n = 0;

	if (f->source == MODEL_ICOUNT)
		n = snprintf(buf, len, "icount noise model sd sqrt((%.2g us/x)^2 + (%.2g%%)^2) %s, case sd %.2g%%%s",
			     fam->a_us, 100.0 * fam->r, fam->icount_fitted ? "fitted over the class's repeated boots" :
			     "(default: too few repeated boots to fit)", 100.0 * f->s,
			     f->own ? " (its own boots step beyond the model)" : "");
	else if (f->source == MODEL_SPREAD)
		n = snprintf(buf, len, "boot sd %.2g%% from the cross-case spread of the changes (no boot repeated)",
			     100.0 * f->s);
	else if (f->source == MODEL_POOLED)
		n = snprintf(buf, len, "boot sd %.2g%% moderated over %zu cases%s%s", 100.0 * f->s, fam->m,
			     fam->sides_differ ? ", each side its own" : "",
			     fam->hist_used ? ", history pooled" : fam->df_hist > 0 ? ", history not used" : "");
	else
		n = snprintf(buf, len, "no boot-variance estimate (no boot repeated, no history, too few cases)");
	if (f->ok && n > 0 && (size_t)n < len) {
		char df[32] = "inf";

		if (isfinite(f->df))
			snprintf(df, sizeof(df), "%.0f", f->df);
		snprintf(buf + n, len - (size_t)n, ", %s df%s%s", df,
			 fam->lambda > 1 ? ", widened by the cross-case spread" : "",
			 f->s <= f->floor ? ", at the resolution floor" : "");
	}
	return buf;
}

enum model_call model_decide(const struct model_fit *f, const struct model_rule *r, char *why, size_t len)
{
	double delta = log1p(r->threshold_pct / 100.0);
	enum model_call call = MODEL_UNSURE;
	const char *reason;
	char src[240], settle[160] = "";
	unsigned k;

	if (!f->ok) {
		reason = "inconclusive";
		snprintf(settle, sizeof(settle), "; rerun with --repeat-boots 3 for an estimate");
	} else if (f->lo > 0 && f->d >= delta) {
		call = MODEL_SLOWER;
		reason = "interval above 1 and the change beyond the threshold";
	} else if (f->hi < 0 && f->d <= -delta) {
		call = MODEL_FASTER;
		reason = "interval below 1 and the change beyond the threshold";
	} else if (f->lo >= -delta && f->hi <= delta) {
		call = MODEL_SAME;
		reason = "interval within the threshold";
	} else {
		reason = f->lo > 0 || f->hi < 0 ? "changed, but the interval spans the threshold" :
			 "the interval spans the threshold";
		k = model_boots_needed(f, r);
		if (f->own)
			snprintf(settle, sizeof(settle), "; its boots step between levels of their own: boot both"
				 " sides more often (--repeat-boots) to average over the levels");
		else if (k)
			snprintf(settle, sizeof(settle), "; rerun with --repeat-boots %u to settle it", k);
		else
			snprintf(settle, sizeof(settle), "; over 100 boots per side would be needed: raise"
				 " --threshold or use the icount clock");
	}
	snprintf(why, len, "%s: %zu v %zu boots, %s, threshold %g%%%s", reason, f->nbase, f->nnew,
		 source_text(f, r->fam, src, sizeof(src)), r->threshold_pct, settle);
	return call;
}
