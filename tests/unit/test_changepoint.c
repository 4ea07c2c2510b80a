/*
 * Unit tests of results/changepoint: the energy statistic against hand
 * values, a step hidden in noise found at its index with its size, pure
 * noise, constant and short series giving nothing, reproducibility, the
 * exact permutation p of a tiny series, the minimum history, per-key seeds
 * and cp_history's per-point values.
 */
#include "results/changepoint.h"
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

	tap_plan(37);
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

	/* Exact permutations: {0,0,1,1} split 2|2 has Q = 2; of the 24 orderings,
	 * 8 put both 0s on one side (2 sides x 2! x 2!), so p = 8/24. */
	{
		struct cp_params e;
		double h[] = { 0, 0, 1, 1 };

		cp_params_default(&e);
		e.min_segment = 2;
		e.alpha = 0.5;
		k = cp_detect(h, 4, &e, &ch);
		is_int(k, 1, "alpha 0.5: {0,0,1,1} has a change");
		if (k == 1)
			is_near(ch[0].p_value, 1.0 / 3.0, 1e-12, "exact p = 8 of 24 orderings");
		free(ch);
		e.alpha = 0.3;
		is_int(cp_detect(h, 4, &e, &ch), 0, "alpha 0.3: the same series cannot reach it");
	}

	/* Minimum history: the smallest n with 2 / C(n, min) <= alpha. */
	{
		struct cp_params m;

		cp_params_default(&m);
		is_int(cp_min_history(&m), 12, "defaults (alpha 0.01, segments of 3): 12 nights (2/C(12,3) = 0.0091)");
		m.alpha = 0.05;
		m.min_segment = 2;
		is_int(cp_min_history(&m), 10, "alpha 0.05, segments of 2: 10 nights (2/C(10,2) = 0.044)");
		cp_params_default(&m);
		series(x, 12, 1000.0, 0.01, 6, 1.0, 42);
		k = cp_detect(x, 12, &m, &ch);
		free(ch);
		is_int(k, 1, "12 nights with a doubling at night 6: found");
		is_int(cp_detect(x + 1, 11, &m, &ch), 0, "the last 11 of them: not tested");
	}

	/* Seeds from the key: the same key, the same draws; cp_history's values
	 * are the medians of each point's boot medians. */
	{
		double b0[] = { 10, 30, 20 }, b1[] = { 5 }, vals[16], v2[16];
		struct cp_point pt[16];

		ok(cp_key_seed("-L -m 512 -n 1024 -t", 1) == cp_key_seed("-L -m 512 -n 1024 -t", 1) &&
		   cp_key_seed("-L -m 512 -n 1024 -t", 1) != cp_key_seed("-L -m 512 -n 1024 -T", 1) &&
		   cp_key_seed("k", 1) != cp_key_seed("k", 2), "key seed: stable per key, differs across keys and seeds");
		pt[0] = (struct cp_point){ b0, 3 };
		pt[1] = (struct cp_point){ b1, 1 };
		cp_history("k", pt, 2, &p, vals, &ch);
		ok(vals[0] == 20 && vals[1] == 5, "point values: median of boot medians (%g, %g)", vals[0], vals[1]);
		free(ch);
		series(x, 16, 1000.0, 0.03, 10, 0.08, 77);
		for (size_t i = 0; i < 16; i++)
			pt[i] = (struct cp_point){ &x[i], 1 };
		k = cp_history("some key", pt, 16, &p, vals, &ch);
		k2 = cp_history("some key", pt, 16, &p, v2, &ch2);
		ok(k == k2 && (!k || ch[0].p_value == ch2[0].p_value), "cp_history: same key, same answer");
		free(ch);
		free(ch2);
		/* two keys draw different permutations: some found change has a different p */
		k2 = 0;
		for (uint64_t sd = 1; sd <= 20 && !k2; sd++) {
			series(x, 16, 1000.0, 0.04, 8, 0.12, sd);
			for (size_t i = 0; i < 16; i++)
				pt[i] = (struct cp_point){ &x[i], 1 };
			k = cp_history("key A", pt, 16, &p, vals, &ch);
			if (k && cp_history("key B", pt, 16, &p, v2, &ch2))
				k2 = ch[0].p_value != ch2[0].p_value;
			free(ch);
			free(ch2);
			ch = ch2 = NULL;
		}
		ok(k2, "different keys, different permutation draws");
	}
	return tap_done();
}
