/*
 * test_stats: the statistics module against values computed by hand (the
 * working is in the comments), including the edge cases compare relies on:
 * empty sides, n = 1 and identical samples (the t distribution and Holm are
 * tested with the model, in test_model.c).
 */
#include "lib/stats.h"
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

static void test_geomean(void)
{
	const double x[] = { 1, 4, 16 }, y[] = { 2, -1, 0, 8 };

	is_near(stats_geomean(x, 3), 4, 1e-12, "geomean of 1,4,16 is 4");
	is_near(stats_geomean(y, 4), 4, 1e-12, "non-positive values ignored");
	is_near(stats_geomean(y, 0), 0, 0, "empty: 0");
}

int main(void)
{
	tap_plan(18);
	test_summary();
	test_quantile();
	test_geomean();
	return tap_done();
}
