/*
 * test_plot: the pure pieces of harness/plot/cases.c. Ratio labels (the words a
 * reader takes from a chart), time labels, file-name sanitising, and the
 * order-statistic interval of the median against exact binomial ranks.
 */
#include "harness/plot/plot.h"
#include "lib/stats.h"
#include "lib/util.h"
#include "tap.h"

static void ratio(double b, double n, const char *want)
{
	char buf[64];

	plot_ratio_label(b, n, buf, sizeof(buf));
	is_str(buf, want, "ratio label %g -> %g", b, n);
}

static void name(const char *in, const char *want)
{
	char buf[64];

	sanitize_name(in, buf, sizeof(buf));
	is_str(buf, want, "sanitised '%s'", in);
}

int main(void)
{
	double x[20], lo, hi;
	char buf[32];

	tap_plan(34);
	/* The seed's published figures and the numbers measured here. */
	ratio(13992.5, 378.5, "37x faster");
	ratio(91500, 2300, "40x faster");
	ratio(97000, 270000, "2.8x slower");
	ratio(100, 130, "1.3x slower");
	ratio(100, 104, "1.04x slower");
	ratio(104, 100, "1.04x faster");
	ratio(1000, 1001, "same (1.00x)");
	ratio(10, 100, "10x slower");
	ratio(0, 100, "n/a");
	ratio(100, -1, "n/a");

	plot_time_label(13992.5, buf, sizeof(buf));
	is_str(buf, "13992 us", "time label rounds to whole us");
	plot_time_label(378.5, buf, sizeof(buf));
	is_str(buf, "378 us", "time label 378.5 (round half to even)");
	plot_time_label(4.25, buf, sizeof(buf));
	is_str(buf, "4.2 us", "time label below 10 us keeps a decimal");

	name("linux-6.12", "linux-6.12");
	name("-L -m 512 -n 1024 -t", "L_m_512_n_1024_t");
	name("selftest: -L -m 128 -H", "selftest_L_m_128_H");
	name("linux-6.12+gupbench-no-thp-batch", "linux-6.12+gupbench-no-thp-batch");
	name("a/../../etc", "a_.._.._etc");
	name("#12", "12");
	name("--", "x");
	name("", "x");
	{
		char small[6];

		sanitize_name("linux-6.12", small, sizeof(small));
		is_str(small, "linux", "sanitised name truncated to the buffer");
	}

	/* Exact binomial ranks: n=10 -> x(2)..x(9) (97.9%), n=6 -> min..max (96.9%). */
	is_int(stats_median_ci_rank(5), 0, "n=5 has no 95%% order-statistic interval");
	is_int(stats_median_ci_rank(6), 1, "n=6 rank 1");
	is_int(stats_median_ci_rank(10), 2, "n=10 rank 2");
	is_int(stats_median_ci_rank(20), 6, "n=20 rank 6");
	is_int(stats_median_ci_rank(100), 40, "n=100 rank 40");

	for (int i = 0; i < 10; i++)
		x[i] = 100 + 10 * ((i * 7) % 10);   /* 100..190 shuffled */
	ok(stats_median_ci(x, 10, &lo, &hi) == 0, "interval for n=10");
	is_near(lo, 110, 1e-9, "n=10 lower bound is the 2nd smallest");
	is_near(hi, 180, 1e-9, "n=10 upper bound is the 9th smallest");
	ok(stats_median_ci(x, 5, &lo, &hi) < 0, "n=5 reports no interval");
	ok(lo <= hi, "n=5 falls back to the range");
	for (int i = 0; i < 20; i++)
		x[i] = 1000 + i;
	stats_median_ci(x, 20, &lo, &hi);
	is_near(lo, 1005, 1e-9, "n=20 lower bound is x(6)");
	is_near(hi, 1014, 1e-9, "n=20 upper bound is x(15)");
	return tap_done();
}
