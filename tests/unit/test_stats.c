/*
 * test_stats: the statistics module against values computed by hand (the
 * working is in the comments), including the edge cases compare relies on:
 * empty sides, n = 1, identical samples and tied ranks.
 */
#include "stats.h"
#include "tap.h"

static void test_summary(void)
{
	const double x[] = { 4, 1, 3, 2 };
	struct summary s;

	stats_summary(x, 4, &s);
	is_int(s.n, 4, "summary n");
	is_near(s.mean, 2.5, 1e-12, "mean of 1..4 is 2.5");
	is_near(s.median, 2.5, 1e-12, "median of 1..4 interpolates to 2.5");
	/* sum of squared deviations 2.25+0.25+0.25+2.25 = 5, / 3 */
	is_near(s.stddev, sqrt(5.0 / 3.0), 1e-12, "sample stddev uses n-1");
	is_near(s.min, 1, 0, "min");
	is_near(s.max, 4, 0, "max");
	is_near(x[0], 4, 0, "input not modified");

	stats_summary(x, 1, &s);
	is_near(s.stddev, 0, 0, "n=1: stddev 0");
	is_near(s.median, 4, 0, "n=1: median is the value");
	stats_summary(x, 0, &s);
	ok(s.n == 0 && s.mean == 0 && s.median == 0, "n=0: all zero");
}

static void test_quantile(void)
{
	const double x[] = { 10, 20, 30, 40, 50 };

	/* type 7: h = (n-1)q = 4 * 0.1 = 0.4 -> 10 + 0.4 * 10 */
	is_near(stats_quantile(x, 5, 0.1), 14, 1e-12, "q0.1 of 10..50 is 14");
	is_near(stats_quantile(x, 5, 0.5), 30, 1e-12, "q0.5 is the median");
	is_near(stats_quantile(x, 5, 0.0), 10, 0, "q0 is min");
	is_near(stats_quantile(x, 5, 1.0), 50, 0, "q1 is max");
	is_near(stats_median(x, 4), 25, 1e-12, "median of even n averages the middle two");
}

static void test_mann_whitney(void)
{
	const double lo[] = { 1, 2, 3 }, hi[] = { 4, 5, 6 };
	const double a[] = { 1, 2, 2, 3 }, b[] = { 2, 3, 4, 4 };
	double ten_a[10], ten_b[10], same[5] = { 7, 7, 7, 7, 7 }, u, p;

	/* Total separation 3 vs 3: U = 0, exact P(U <= 0) = 1/C(6,3) = 1/20, two-sided 0.1. */
	p = stats_mann_whitney_p(lo, 3, hi, 3, &u);
	is_near(u, 0, 0, "U = 0 for total separation");
	is_near(p, 0.1, 1e-12, "exact 3v3 total separation p = 0.1");
	p = stats_mann_whitney_p(hi, 3, lo, 3, &u);
	is_near(u, 9, 0, "U = n1*n2 when the first side is larger");
	is_near(p, 0.1, 1e-12, "symmetric p");

	/* 10 v 10 total separation: exact 2 / C(20,10) = 2 / 184756. */
	for (int i = 0; i < 10; i++) {
		ten_a[i] = 2300 + i;
		ten_b[i] = 91500 + i;
	}
	is_near(stats_mann_whitney_p(ten_a, 10, ten_b, 10, NULL), 2.0 / 184756.0, 1e-15,
		"exact 10v10 total separation p = 1.0825e-5");

	/*
	 * Ties: pooled 1,2,2,2,3,3,4,4 -> ranks 1, 3,3,3, 5.5,5.5, 7.5,7.5.
	 * a = {1,2,2,3}: R1 = 1+3+3+5.5 = 12.5, U = 12.5 - 10 = 2.5.
	 * ties: t=3 (24), t=2 (6), t=2 (6) -> 36; var = 16/12 * (9 - 36/56) = 11.142857.
	 * z = (|2.5 - 8| - 0.5) / sqrt(11.142857) = 5 / 3.338092 = 1.497862; p = erfc(z/sqrt2).
	 */
	p = stats_mann_whitney_p(a, 4, b, 4, &u);
	is_near(u, 2.5, 1e-12, "U with ties uses midranks");
	is_near(p, erfc(1.4978623 / sqrt(2.0)), 1e-6, "tie-corrected normal p = 0.1342");
	is_near(p, 0.13417, 1e-4, "tie-corrected p by hand");

	/* Large untied samples use the normal approximation: 11 v 11 separated.
	 * U = 0, mu = 60.5, var = 121*23/12 = 231.9167, z = 60/15.2288 = 3.93990. */
	{
		double x[11], y[11];

		for (int i = 0; i < 11; i++) {
			x[i] = i;
			y[i] = 100 + i;
		}
		is_near(stats_mann_whitney_p(x, 11, y, 11, NULL), erfc(3.9399 / sqrt(2.0)), 1e-6,
			"normal approximation with continuity correction beyond n=10");
	}

	is_near(stats_mann_whitney_p(same, 5, same, 5, &u), 1.0, 0, "identical samples: p = 1");
	is_near(stats_mann_whitney_p(lo, 0, hi, 3, &u), 1.0, 0, "empty side: p = 1");
	is_near(stats_mann_whitney_p(lo, 3, hi, 0, NULL), 1.0, 0, "empty other side: p = 1");
	/* n = 1 each: U = 0, exact P = 1/2, two-sided 1. */
	is_near(stats_mann_whitney_p(lo, 1, hi, 1, NULL), 1.0, 1e-12, "n=1 each: p = 1");
}

static void test_ratio_ci(void)
{
	const double a[] = { 100, 100, 100, 100 }, b[] = { 50, 50, 50, 50 };
	double x[10], y[10], lo = 0, hi = 0, lo2 = 0, hi2 = 0;

	ok(stats_ratio_ci(a, 4, b, 4, 1000, 1, &lo, &hi) == 0, "ratio CI computed");
	is_near(lo, 0.5, 1e-12, "constant samples: CI low is the ratio");
	is_near(hi, 0.5, 1e-12, "constant samples: CI high is the ratio");
	ok(stats_ratio_ci(a, 1, b, 4, 1000, 1, &lo, &hi) == -1, "n=1 side: no CI");
	ok(stats_ratio_ci(a, 0, b, 4, 1000, 1, &lo, &hi) == -1, "empty side: no CI");

	for (int i = 0; i < 10; i++) {
		x[i] = 1000 + 10 * i;
		y[i] = 2000 + 20 * i;
	}
	stats_ratio_ci(x, 10, y, 10, 2000, 7, &lo, &hi);
	stats_ratio_ci(x, 10, y, 10, 2000, 7, &lo2, &hi2);
	ok(lo == lo2 && hi == hi2, "same seed, same interval");
	/* every resampled median of y is exactly 2x the same-rank one of x only on
	 * average; the interval must straddle 2 and stay within the extremes. */
	ok(lo < 2.0 && hi > 2.0, "CI contains the true ratio 2 (%.4f..%.4f)", lo, hi);
	ok(lo >= 2000.0 / 1090.0 && hi <= 2180.0 / 1000.0, "CI within the extreme ratios");
}

static void test_geomean(void)
{
	const double x[] = { 1, 4, 16 }, y[] = { 2, -1, 0, 8 };

	is_near(stats_geomean(x, 3), 4, 1e-12, "geomean of 1,4,16 is 4");
	is_near(stats_geomean(y, 4), 4, 1e-12, "non-positive values ignored");
	is_near(stats_geomean(y, 0), 0, 0, "empty: 0");
}

int main(void)
{
	tap_plan(39);
	test_summary();
	test_quantile();
	test_mann_whitney();
	test_ratio_ci();
	test_geomean();
	return tap_done();
}
