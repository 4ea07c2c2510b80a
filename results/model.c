/*
 * model: pooled boot-variance estimate, t-interval and verdict for one case
 * (see model.h for the model and why the boot is the unit). Log medians
 * throughout, so the threshold and the interval are symmetric on a log
 * scale and a ratio is exp() of a difference.
 */
#include "results/model.h"
#include "lib/stats.h"

#include <math.h>
#include <stdio.h>

void model_history_add(struct model_history *h, const double *med, size_t n, size_t compared)
{
	double mean = 0.0, ss = 0.0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (med[i] > 0.0) {
			double y = log(med[i]), dl = y - mean;

			k++;
			mean += dl / (double)k;
			ss += dl * (y - mean);
		}
	if (k == 1 && !compared) {
		double dl = mean - h->smean;

		h->singles++;
		h->smean += dl / (double)h->singles;
		h->sm2 += dl * (mean - h->smean);
	} else if (k >= 2) {
		h->boots += k;
		h->compared += compared;
		h->groups++;
		h->ss += ss;
	}
}

/* Mean and sum of squares of the logs of x[0..n); -1 if any x <= 0. */
static int log_moments(const double *x, size_t n, double *mean, double *ss, double *min)
{
	double m = 0.0, s = 0.0;

	for (size_t i = 0; i < n; i++) {
		double y, dl;

		if (!(x[i] > 0.0))
			return -1;
		y = log(x[i]);
		dl = y - m;
		m += dl / (double)(i + 1);
		s += dl * (y - m);
		*min = fmin(*min, x[i]);
	}
	*mean = m;
	*ss = s;
	return 0;
}

/* s^2 and its df, by the first source that has one (model.h). */
static void pick_variance(const struct model_input *in, double ss_sides, struct model_fit *f)
{
	const struct model_history *h = in->hist;
	size_t df = h ? h->boots - h->groups : (in->nbase - 1) + (in->nnew - 1);

	if (df > 0) {
		f->source = MODEL_POOLED;
		f->s = sqrt((h ? h->ss : ss_sides) / (double)df);
		f->df = (double)df;
		f->pooled_boots = h ? h->boots : in->nbase + in->nnew;
		f->pooled_compared = h ? h->compared : in->nbase + in->nnew;
		f->pooled_groups = h ? h->groups : 2;
	} else if (in->icount) {
		f->source = MODEL_ICOUNT;
		f->s = 0.0;
		f->df = INFINITY;
	} else if (h && h->singles >= 3) {
		f->source = MODEL_SPREAD;
		f->s = sqrt(h->sm2 / (double)(h->singles - 1));
		f->df = (double)(h->singles - 1);
		f->pooled_groups = h->singles;
	} else {
		f->source = MODEL_NONE;
	}
}

int model_fit(const struct model_input *in, struct model_fit *f)
{
	double mb, mn, ssb, ssn, min = INFINITY, t;

	*f = (struct model_fit){ .p = 1.0, .nbase = in->nbase, .nnew = in->nnew };
	if (!in->nbase || !in->nnew || log_moments(in->base, in->nbase, &mb, &ssb, &min) ||
	    log_moments(in->new, in->nnew, &mn, &ssn, &min))
		return -1;
	f->d = mn - mb;
	/* Medians are whole microseconds (halves at most): a boot-to-boot sd
	 * below one step of the smallest median cannot be told from zero. */
	f->floor = (in->resolution_us > 0 ? in->resolution_us : 1.0) / min;
	pick_variance(in, ssb + ssn, f);
	if (f->source == MODEL_NONE)
		return 0;
	f->s = fmax(f->s, f->floor);
	f->se = f->s * sqrt(1.0 / (double)in->nbase + 1.0 / (double)in->nnew);
	t = stats_t_quantile(0.5 + in->confidence / 2.0, f->df);
	f->lo = f->d - t * f->se;
	f->hi = f->d + t * f->se;
	f->p = fmin(1.0, 2.0 * stats_t_sf(fabs(f->d) / f->se, f->df));
	f->ok = 1;
	return 0;
}

unsigned model_boots_needed(const struct model_fit *f, const struct model_rule *r)
{
	double delta = log1p(r->threshold_pct / 100.0), ad = fabs(f->d), c, h, k;

	if (!f->ok)
		return 0;
	if (ad >= delta) {
		/* significant at Holm's first (strictest) step */
		c = -stats_t_quantile(r->alpha / (2.0 * (double)(r->family ? r->family : 1)), INFINITY);
		h = ad;
	} else {
		/* the whole interval inside the threshold; at the boundary no
		 * finite K settles it, so aim a quarter threshold inside */
		c = -stats_t_quantile(0.025, INFINITY);
		h = fmax(delta - ad, delta / 4.0);
	}
	k = ceil(2.0 * (c * f->s / h) * (c * f->s / h));
	if (k > 100)
		return 0;
	return k < 2 ? 2 : (unsigned)k;
}

static const char *source_text(const struct model_fit *f, char *buf, size_t len)
{
	switch (f->source) {
	case MODEL_POOLED:
		snprintf(buf, len, "boot sd %.2g%% pooled within %zu kernel%s over %zu boots (%zu compared, %zu of"
			 " history), %.0f df%s", 100.0 * f->s, f->pooled_groups, f->pooled_groups == 1 ? "" : "s",
			 f->pooled_boots, f->pooled_compared, f->pooled_boots - f->pooled_compared, f->df,
			 f->s <= f->floor ? ", at the resolution floor" : "");
		break;
	case MODEL_ICOUNT:
		snprintf(buf, len, "icount clock: boot sd taken as the resolution floor %.2g%%", 100.0 * f->s);
		break;
	case MODEL_SPREAD:
		snprintf(buf, len, "boot sd %.2g%% bounded by the spread of %zu other kernels' single-boot medians,"
			 " %.0f df", 100.0 * f->s, f->pooled_groups, f->df);
		break;
	default:
		snprintf(buf, len, "no boot-variance estimate (no kernel of this case seen in 2 boots on this"
			 " host class and clock)");
	}
	return buf;
}

enum model_call model_decide(const struct model_fit *f, double p_adj, const struct model_rule *r,
			     char *why, size_t len)
{
	double delta = log1p(r->threshold_pct / 100.0);
	enum model_call call = MODEL_UNSURE;
	const char *reason;
	char src[200], settle[160] = "";
	unsigned k;

	if (!f->ok) {
		reason = "inconclusive";
		snprintf(settle, sizeof(settle), "; rerun with --repeat-boots 3 for an estimate");
	} else if (p_adj <= r->alpha && fabs(f->d) >= delta) {
		call = f->d > 0 ? MODEL_SLOWER : MODEL_FASTER;
		reason = "significant after Holm and beyond the threshold";
	} else if (f->lo >= -delta && f->hi <= delta) {
		call = MODEL_SAME;
		reason = "interval within the threshold";
	} else {
		reason = p_adj <= r->alpha ? "significant, but the interval spans the threshold" :
			 "not significant after Holm and the interval spans the threshold";
		k = model_boots_needed(f, r);
		if (k)
			snprintf(settle, sizeof(settle), "; rerun with --repeat-boots %u to settle it", k);
		else
			snprintf(settle, sizeof(settle), "; over 100 boots per side would be needed: raise"
				 " --threshold or use the icount clock");
	}
	snprintf(why, len, "%s: %zu v %zu boots, %s, threshold %g%%%s", reason, f->nbase, f->nnew,
		 source_text(f, src, sizeof(src)), r->threshold_pct, settle);
	return call;
}
