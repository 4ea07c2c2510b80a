/*
 * test_model: the boot-aware model and the statistics under it against
 * answers computed by hand from closed forms: Student's t for 1, 2 and 3
 * degrees of freedom has an elementary CDF, so every expected value below
 * comes from log/sqrt/atan, not from the code under test. Covers the
 * pooled t-interval, the unbalanced 1-vs-3 case, history pooling, the
 * spread bound, the icount floor, Holm's adjustment, the verdict rule and
 * the boots-needed advice.
 */
#include "results/model.h"
#include "lib/stats.h"
#include "tap.h"

#include <math.h>
#include <string.h>

/* P(T > t) for 1, 2 and 3 degrees of freedom, t >= 0 (textbook closed forms). */
static double sf1(double t) { return 0.5 - atan(t) / M_PI; }
static double sf2(double t) { return 0.5 - t / (2.0 * sqrt(t * t + 2.0)); }
static double sf3(double t)
{
	double u = t / sqrt(3.0);

	return 0.5 - (atan(u) + u / (1.0 + u * u)) / M_PI;
}

static void test_t(void)
{
	is_near(stats_t_sf(2.0, 1), sf1(2.0), 1e-12, "t sf, 1 df, t = 2");
	is_near(stats_t_sf(2.0, 2), sf2(2.0), 1e-12, "t sf, 2 df, t = 2");
	is_near(stats_t_sf(1.5, 3), sf3(1.5), 1e-12, "t sf, 3 df, t = 1.5");
	is_near(stats_t_sf(-1.5, 3), 1.0 - sf3(1.5), 1e-12, "t sf is symmetric");
	is_near(stats_t_sf(1.959963984540054, INFINITY), 0.025, 1e-12, "infinite df is the normal");
	/* 2 df: t_q = (2q - 1) sqrt(2 / (4 q (1 - q))) */
	is_near(stats_t_quantile(0.975, 2), 0.95 * sqrt(2.0 / (4 * 0.975 * 0.025)), 1e-9, "t quantile 0.975, 2 df");
	is_near(stats_t_quantile(0.975, 1), tan(M_PI * 0.475), 1e-8, "t quantile 0.975, 1 df (Cauchy)");
	is_near(stats_t_quantile(0.025, 2), -0.95 * sqrt(2.0 / (4 * 0.975 * 0.025)), 1e-9, "lower quantile");
}

static void test_holm(void)
{
	double p[] = { 0.01, 0.04, 0.03, 0.005 }, adj[4], q[] = { 0.5, 0.6 }, qa[2];

	/* sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 -> running max */
	stats_holm(p, 4, adj);
	is_near(adj[3], 0.02, 1e-15, "Holm: smallest p times m");
	is_near(adj[0], 0.03, 1e-15, "Holm: second times m - 1");
	is_near(adj[2], 0.06, 1e-15, "Holm: third times m - 2");
	is_near(adj[1], 0.06, 1e-15, "Holm: 4 x 0.04 would be 0.04, the running max keeps 0.06");
	stats_holm(q, 2, qa);
	ok(qa[0] == 1.0 && qa[1] == 1.0, "Holm caps at 1 (%g, %g)", qa[0], qa[1]);
}

/* base {100, 110}, new {120, 130}, no database: 2 df from the sides. */
static void test_pooled(void)
{
	double b[] = { 100, 110 }, n[] = { 120, 130 };
	double lb = log(1.1), ln = log(130.0 / 120.0), s = sqrt((lb * lb / 2 + ln * ln / 2) / 2);
	double d = 0.5 * log(120.0 * 130.0 / (100.0 * 110.0)), tq = 0.95 * sqrt(2.0 / (4 * 0.975 * 0.025));
	struct model_input in = { .base = b, .nbase = 2, .new = n, .nnew = 2, .resolution_us = 1, .confidence = 0.95 };
	struct model_fit f;

	ok(model_fit(&in, &f) == 0 && f.ok, "2 v 2 boots fit");
	is_int(f.source, MODEL_POOLED, "variance pooled from the sides");
	is_near(f.df, 2, 0, "df = (2 - 1) + (2 - 1)");
	is_near(f.s, s, 1e-12, "pooled sd of log medians");
	is_near(f.d, d, 1e-12, "difference of mean log medians");
	is_near(f.se, s, 1e-12, "se = s sqrt(1/2 + 1/2)");
	is_near(f.lo, d - tq * s, 1e-9, "interval low = d - t(0.975, 2) se");
	is_near(f.hi, d + tq * s, 1e-9, "interval high");
	is_near(f.p, 2 * sf2(d / s), 1e-10, "p = 2 P(T2 > d / se)");
}

/* 1 boot against 3: unbalanced sides still give an interval. */
static void test_unbalanced(void)
{
	double b[] = { 1000 }, n[] = { 2000, 2100, 1900 }, y[3], m = 0, ss = 0, s, se, d;
	struct model_input in = { .base = b, .nbase = 1, .new = n, .nnew = 3, .resolution_us = 1, .confidence = 0.95 };
	struct model_fit f;
	struct model_rule r = { .threshold_pct = 5, .alpha = 0.05, .family = 1 };
	char why[400];

	for (int i = 0; i < 3; i++)
		m += (y[i] = log(n[i])) / 3;
	for (int i = 0; i < 3; i++)
		ss += (y[i] - m) * (y[i] - m);
	s = sqrt(ss / 2);
	se = s * sqrt(1.0 + 1.0 / 3);
	d = m - log(1000);
	ok(model_fit(&in, &f) == 0 && f.ok, "1 v 3 boots fit");
	is_near(f.df, 2, 0, "df 2, all from the 3-boot side");
	is_near(f.se, se, 1e-12, "se = s sqrt(1/1 + 1/3)");
	is_near(f.p, 2 * sf2(d / se), 1e-10, "p from t with 2 df");
	is_int(model_decide(&f, f.p, &r, why, sizeof(why)), MODEL_SLOWER, "2x slower, 1 v 3 boots: slower");
	ok(strstr(why, "1 v 3 boots") != NULL, "why names the boots per side: %s", why);
}

/* History: three kernels seen twice each give 3 df to a 1 v 1 comparison. */
static void test_history(void)
{
	double k1[] = { 100, 110 }, k2[] = { 200, 220 }, k3[] = { 50, 55 }, b[] = { 100 }, n[] = { 200 };
	double s = log(1.1) / sqrt(2.0), se = s * sqrt(2.0), d = log(2.0);
	struct model_history h = { 0 };
	struct model_input in = { .base = b, .nbase = 1, .new = n, .nnew = 1, .hist = &h, .resolution_us = 1,
				  .confidence = 0.95 };
	struct model_fit f;
	struct model_rule r = { .threshold_pct = 5, .alpha = 0.05, .family = 1 };
	char why[400];

	ok(model_fit(&in, &f) == 0 && !f.ok && f.source == MODEL_NONE, "1 v 1, nothing else: no estimate");
	is_int(model_decide(&f, 1.0, &r, why, sizeof(why)), MODEL_UNSURE, "no estimate: inconclusive, not unchanged");
	ok(strstr(why, "no boot-variance estimate") && strstr(why, "--repeat-boots 3"), "says why and what to do: %s", why);
	model_history_add(&h, b, 1, 1);
	model_history_add(&h, n, 1, 1);
	is_int(h.singles, 0, "the compared kernels' single boots stay out of the spread bound");
	model_history_add(&h, k1, 2, 0);
	model_history_add(&h, k2, 2, 0);
	model_history_add(&h, k3, 2, 0);
	ok(model_fit(&in, &f) == 0 && f.ok && f.source == MODEL_POOLED, "history pooled");
	is_near(f.df, 3, 0, "3 df: one per kernel seen twice");
	is_near(f.s, s, 1e-12, "s = ln(1.1) / sqrt 2");
	is_near(f.p, 2 * sf3(d / se), 1e-10, "p = 2 P(T3 > ln 2 / se)");
	is_int(model_decide(&f, f.p, &r, why, sizeof(why)), MODEL_SLOWER, "2x slower from one boot each: slower");
	ok(strstr(why, "pooled within 3 kernels over 6 boots (0 compared, 6 of history), 3 df"),
	   "why names the variance source: %s", why);
}

/* Kernels seen once each bound s by their spread (real differences included). */
static void test_spread(void)
{
	double k[] = { 100, 120, 90 }, b[] = { 100 }, n[] = { 100 }, m = 0, ss = 0;
	struct model_history h = { 0 };
	struct model_input in = { .base = b, .nbase = 1, .new = n, .nnew = 1, .hist = &h, .resolution_us = 1,
				  .confidence = 0.95 };
	struct model_fit f;

	for (int i = 0; i < 3; i++) {
		model_history_add(&h, &k[i], 1, 0);
		m += log(k[i]) / 3;
	}
	for (int i = 0; i < 3; i++)
		ss += (log(k[i]) - m) * (log(k[i]) - m);
	ok(model_fit(&in, &f) == 0 && f.ok && f.source == MODEL_SPREAD, "three single-boot kernels: spread bound");
	is_near(f.s, sqrt(ss / 2), 1e-12, "s = sd of their log medians");
	is_near(f.df, 2, 0, "with 2 df");
}

/* icount: one boot each gives a sharp verdict; the floor keeps s above 0. */
static void test_icount(void)
{
	double b[] = { 10000 }, n[] = { 10300 }, same[] = { 5000 }, z[] = { 500, 500 }, y[] = { 600, 600 };
	struct model_input in = { .base = b, .nbase = 1, .new = n, .nnew = 1, .icount = 1, .resolution_us = 1,
				  .confidence = 0.95 };
	struct model_fit f;
	struct model_rule r1 = { .threshold_pct = 1, .alpha = 0.05, .family = 20 }, r5 = r1;
	char why[400];

	r5.threshold_pct = 5;
	ok(model_fit(&in, &f) == 0 && f.ok && f.source == MODEL_ICOUNT, "icount, 1 v 1: fitted");
	is_near(f.s, 1e-4, 1e-15, "s is the floor 1 us / 10000 us");
	ok(isinf(f.df), "normal reference");
	is_int(model_decide(&f, fmin(1, 20 * f.p), &r1, why, sizeof(why)), MODEL_SLOWER,
	       "+3%% from one icount boot each, threshold 1%%: slower");
	is_int(model_decide(&f, fmin(1, 20 * f.p), &r5, why, sizeof(why)), MODEL_SAME,
	       "+3%% with threshold 5%%: unchanged (the interval is inside)");
	ok(strstr(why, "icount clock"), "why names the icount assumption: %s", why);
	in.base = in.new = same;
	ok(model_fit(&in, &f) == 0 && f.d == 0 && f.p == 1.0, "identical icount boots: d 0, p 1");
	is_int(model_decide(&f, 1.0, &r5, why, sizeof(why)), MODEL_SAME, "identical icount boots: unchanged");
	/* identical wall boots: zero variance would mean infinite certainty */
	in = (struct model_input){ .base = z, .nbase = 2, .new = y, .nnew = 2, .resolution_us = 1, .confidence = 0.95 };
	ok(model_fit(&in, &f) == 0 && f.ok, "identical boots per side fit");
	is_near(f.s, 1.0 / 500, 1e-15, "zero spread raised to the floor 1 us / smallest median");
	ok(strstr((model_decide(&f, f.p, &r5, why, sizeof(why)), why), "resolution floor"), "and says so: %s", why);
}

static void test_boots_needed(void)
{
	struct model_fit f = { .ok = 1, .s = 0.05, .d = 0.0 };
	struct model_rule r = { .threshold_pct = 5, .alpha = 0.05, .family = 20 };
	double c = 1.959963984540054, dl = log(1.05);

	/* interval inside +-ln 1.05: K >= 2 (1.96 s / ln 1.05)^2 */
	is_int(model_boots_needed(&f, &r), (long long)ceil(2 * pow(c * 0.05 / dl, 2)), "K to show 'unchanged'");
	/* beyond: significant at Holm's first step, z(1 - 0.05/40) = 3.0233 */
	f.d = 0.1;
	is_int(model_boots_needed(&f, &r), (long long)ceil(2 * pow(3.0233 * 0.05 / 0.1, 2)), "K to show 'regressed'");
	f.s = 0.5;
	f.d = 0.0;
	is_int(model_boots_needed(&f, &r), 0, "over 100 boots: 0, the advice says so");
}

int main(void)
{
	tap_plan(55);
	test_t();
	test_holm();
	test_pooled();
	test_unbalanced();
	test_history();
	test_spread();
	test_icount();
	test_boots_needed();
	return tap_done();
}
