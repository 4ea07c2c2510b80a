/*
 * Unit tests of results/changepoint: the energy statistic against hand
 * values, a step hidden in noise found at its index with its size, pure
 * noise, constant and short series giving nothing, and reproducibility.
 */
#include "changepoint.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>

/* Deterministic Gaussian noise (Box-Muller over a 64-bit LCG). */
static uint64_t lcg;
static double uniform(void)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((double)(lcg >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
	return sqrt(-2.0 * log(uniform())) * cos(2.0 * M_PI * uniform());
}

/* n nights around base with relative noise cv; from night step on, times (1 + jump). */
static void series(double *x, size_t n, double base, double cv, size_t step, double jump, uint64_t seed)
{
	lcg = seed;
	for (size_t i = 0; i < n; i++)
		x[i] = base * (i >= step ? 1.0 + jump : 1.0) * (1.0 + cv * gauss());
}

int main(void)
{
	struct cp_params p;
	struct cp_change *ch, *ch2;
	double x[64];
	size_t k, k2, noisy = 0, noisy_raw = 0;

	tap_plan(26);
	cp_params_default(&p);

	{
		double h[] = { 0, 0, 1, 1 };

		is_near(cp_energy_q(h, 4, 2), 2.0, 1e-12, "Q of {0,0|1,1} is 2");
		is_near(cp_energy_q(h, 4, 1), 0.5, 1e-12, "Q of {0|0,1,1} is 0.5");
	}

	series(x, 14, 1000.0, 0.02, 9, 0.30, 42);
	k = cp_detect(x, 14, &p, &ch);
	is_int(k, 1, "a +30%% step in 2%% noise over 14 nights is one change");
	if (k == 1) {
		is_int(ch[0].index, 9, "found at the night the step was injected");
		ok(ch[0].size_pct > 25.0 && ch[0].size_pct < 35.0, "size %.1f%% is about +30%%", ch[0].size_pct);
		ok(ch[0].p_value <= p.alpha, "p %.4f within alpha", ch[0].p_value);
		ok(ch[0].before_median > 950 && ch[0].before_median < 1050, "before median %.0f about 1000",
		   ch[0].before_median);
	}
	free(ch);

	series(x, 14, 1000.0, 0.02, 4, -0.50, 7);
	k = cp_detect(x, 14, &p, &ch);
	is_int(k, 1, "a -50%% step (an improvement) is one change");
	if (k == 1) {
		is_int(ch[0].index, 4, "improvement found at night 4");
		ok(ch[0].size_pct < -45.0 && ch[0].size_pct > -55.0, "size %.1f%% is about -50%%", ch[0].size_pct);
	}
	free(ch);

	series(x, 14, 1000.0, 0.02, 11, 0.30, 3);
	k = cp_detect(x, 14, &p, &ch);
	is_int(k, 1, "a step three nights before the end is found");
	if (k == 1)
		is_int(ch[0].index, 11, "at night 11");
	free(ch);

	/* Two steps in a longer history: both, in order. */
	lcg = 99;
	for (size_t i = 0; i < 40; i++)
		x[i] = (i < 15 ? 500.0 : i < 28 ? 650.0 : 520.0) * (1.0 + 0.03 * gauss());
	k = cp_detect(x, 40, &p, &ch);
	is_int(k, 2, "two steps in 40 nights are two changes");
	if (k == 2) {
		is_int(ch[0].index, 15, "first at night 15");
		is_int(ch[1].index, 28, "second at night 28");
		ok(ch[0].size_pct > 20 && ch[1].size_pct < -15, "sizes %+.1f%% and %+.1f%%",
		   ch[0].size_pct, ch[1].size_pct);
	}
	free(ch);

	/* Pure noise: a size threshold of 5% leaves nothing in any of 50
	 * fortnights; the test alone (alpha 0.01) may wrongly fire rarely. */
	p.min_size_pct = 5.0;
	for (uint64_t s = 1; s <= 50; s++) {
		struct cp_params raw = p;

		series(x, 14, 2300.0, 0.02, 99, 0.0, s * 1000 + 1);
		noisy += cp_detect(x, 14, &p, &ch);
		free(ch);
		raw.min_size_pct = 0.0;
		noisy_raw += cp_detect(x, 14, &raw, &ch);
		free(ch);
	}
	is_int(noisy, 0, "50 noise-only fortnights report no change beyond 5%%");
	ok(noisy_raw <= 3, "the permutation test alone fires %zu times in 50 (alpha 0.01)", noisy_raw);

	series(x, 14, 1000.0, 0.02, 9, 0.03, 42);
	k = cp_detect(x, 14, &p, &ch);
	is_int(k, 0, "a +3%% step is below a 5%% threshold");
	free(ch);
	p.min_size_pct = 0.0;

	for (size_t i = 0; i < 20; i++)
		x[i] = 378.5;
	k = cp_detect(x, 20, &p, &ch);
	is_int(k, 0, "a constant series has no change");
	ok(ch == NULL, "and allocates nothing");

	x[0] = 1; x[1] = 1; x[2] = 9; x[3] = 9; x[4] = 9;
	is_int(cp_detect(x, 5, &p, &ch), 0, "5 nights are too few for segments of 3");
	is_int(cp_detect(x, 0, &p, &ch), 0, "an empty series has no change");
	is_int(cp_detect(x, 1, &p, &ch), 0, "a single night has no change");

	series(x, 14, 1000.0, 0.02, 7, 0.2, 5);
	x[3] = NAN;
	is_int(cp_detect(x, 14, &p, &ch), 0, "a NaN night is refused, not guessed around");

	series(x, 20, 1000.0, 0.05, 10, 0.15, 11);
	k = cp_detect(x, 20, &p, &ch);
	k2 = cp_detect(x, 20, &p, &ch2);
	ok(k == k2 && (!k || (ch[0].index == ch2[0].index && ch[0].p_value == ch2[0].p_value)),
	   "the same series gives the same answer (fixed seed)");
	free(ch);
	free(ch2);
	return tap_done();
}
