/*
 * test_bisect: the bisection state machine driven by a mock measurement
 * (each step answers good, bad or skip from a fixed table). Every position
 * of the first bad commit in lines of 2 to 40 commits is found within
 * ceil(log2(n)) measurements; skipped steps leave the first-bad range as
 * git does; a state saved mid-way and loaded again continues to the same
 * answer without measuring a step twice; a damaged state is refused; a
 * contradicting mark is refused; the decision table from two comparisons.
 */
#include "harness/lab/bisect.h"
#include "tap.h"
#include "lib/util.h"

#include <math.h>
#include <stdlib.h>

#define MAXN 64

/* The mock: step i is bad from first_bad on; skip[i] makes it unmeasurable. */
struct mock {
	size_t first_bad;
	int skip[MAXN];
	int measured[MAXN];     /* how often each step was measured */
	int calls;
};

static enum bisect_mark measure(struct mock *m, size_t i)
{
	m->measured[i]++;
	m->calls++;
	if (m->skip[i])
		return BISECT_SKIP;
	return i >= m->first_bad ? BISECT_BAD : BISECT_GOOD;
}

static const struct bisect_params params = { "/src/linux", "/r/gupbench.db", "-L -m 512 -n 1024 -t", "abc",
					     "get", "x86_64", "icount" };

static void start(struct bisect *b, size_t n)
{
	const char *shas[MAXN];
	char buf[MAXN][41];

	for (size_t i = 0; i < n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%012zx%028d", i + 0xabc000000000, 0);
		shas[i] = buf[i];
	}
	bisect_init(b, &params, shas, NULL, n);
}

/* Measure until done, at most limit steps; returns the number of measurements. */
static int drive(struct bisect *b, struct mock *m, int limit)
{
	long i;
	int steps = 0;

	while (steps < limit && (i = bisect_next(b)) >= 0) {
		bisect_mark(b, (size_t)i, measure(m, (size_t)i), 100.0 + (double)i, 1, NULL);
		steps++;
	}
	return steps;
}

static void exhaustive(void)
{
	int all_found = 1, all_within = 1, worst = 0;

	for (size_t n = 2; n <= 40; n++)
		for (size_t k = 1; k < n; k++) {
			struct bisect b;
			struct mock m = { .first_bad = k };
			size_t lo, hi;
			int bound, steps;

			start(&b, n);
			bound = bisect_steps_bound(&b);
			steps = drive(&b, &m, 100);
			if (bisect_outcome(&b, &lo, &hi) != BISECT_FOUND || hi != k)
				all_found = 0;
			if (steps > bound || (double)steps > ceil(log2((double)(n - 1))))
				all_within = 0;
			worst = steps > worst ? steps : worst;
			bisect_free(&b);
		}
	ok(all_found, "every first bad commit in lines of 2..40 commits is found");
	ok(all_within, "each within ceil(log2(n - 1)) measurements (worst %d)", worst);
}

static void seven(void)
{
	struct bisect b;
	struct mock m = { .first_bad = 3 };
	size_t lo, hi;
	char *label;

	/* the synthetic repository's shape: good end, 6 commits, the third bad */
	start(&b, 7);
	is_int(bisect_steps_bound(&b), 3, "6 commits to test: at most 3 measurements");
	is_int(bisect_next(&b), 3, "the first step is the middle commit");
	is_int(drive(&b, &m, 100), 3, "3 measurements");
	is_int(bisect_outcome(&b, &lo, &hi), BISECT_FOUND, "found");
	is_int((long long)hi, 3, "the first bad commit is the third");
	is_int((long long)lo, 2, "the last good is the second");
	is_int(b.steps[3].order, 1, "steps record the order they were measured in");
	label = bisect_label(&b, 3);
	ok(!strncmp(label, "bisect-", 7) && !strncmp(label + 7, b.id, 8) && label[15] == '-' &&
	   !strcmp(label + 16, "abc000000003"), "labels are bisect-<8 hex id>-<12 of the sha> (got %s)", label);
	free(label);
	bisect_free(&b);
}

static void skips(void)
{
	struct bisect b;
	struct mock m = { .first_bad = 5 };
	size_t lo, hi;

	/* a build failure right before the first bad commit: git's "only skipped left" */
	start(&b, 9);
	m.skip[4] = 1;
	drive(&b, &m, 100);
	is_int(bisect_outcome(&b, &lo, &hi), BISECT_ONLY_SKIPPED, "a skip next to the change: only skipped left");
	ok(lo == 3 && hi == 5, "the first bad commit is 4 or 5 (range %zu..%zu]", lo, hi);
	bisect_free(&b);

	/* skipped steps elsewhere do not hide the answer; each step measured at most once */
	{
		struct mock m2 = { .first_bad = 6 };
		int once = 1;

		start(&b, 12);
		m2.skip[3] = m2.skip[8] = m2.skip[10] = 1;
		drive(&b, &m2, 100);
		for (int i = 0; i < 12; i++)
			once &= m2.measured[i] <= 1;
		is_int(bisect_outcome(&b, &lo, &hi), BISECT_FOUND, "skips away from the change: still found");
		is_int((long long)hi, 6, "the right commit");
		ok(once, "no step is measured twice");
		bisect_free(&b);
	}
	/* all skipped: every commit stays a candidate */
	{
		struct mock m3 = { .first_bad = 2 };

		start(&b, 5);
		for (int i = 1; i < 4; i++)
			m3.skip[i] = 1;
		is_int(drive(&b, &m3, 100), 3, "every inner commit is tried once when all skip");
		is_int(bisect_outcome(&b, &lo, &hi), BISECT_ONLY_SKIPPED, "and the answer is the whole range");
		ok(lo == 0 && hi == 4, "range (0, 4]");
		bisect_free(&b);
	}
}

static void resume(void)
{
	struct bisect b, r;
	struct mock m = { .first_bad = 13 }, m2;
	size_t lo, hi;
	char *text, *again;
	int first, second, fresh;

	start(&b, 33);
	first = drive(&b, &m, 2);
	text = bisect_dump(&b);
	m2 = m;
	is_int(bisect_load(text, "mem", &r), 0, "a state saved after 2 steps loads");
	is_str(r.id, b.id, "the id survives");
	again = bisect_dump(&r);
	is_str(again, text, "dump, load, dump gives the same text");
	second = drive(&r, &m2, 100);
	is_int(bisect_outcome(&r, &lo, &hi), BISECT_FOUND, "the resumed bisection ends");
	is_int((long long)hi, 13, "at the same commit");
	{
		struct bisect f;
		struct mock m3 = { .first_bad = 13 };

		start(&f, 33);
		fresh = drive(&f, &m3, 100);
		bisect_free(&f);
	}
	is_int(first + second, fresh, "resuming costs no extra measurement (%d + %d)", first, second);
	{
		int nan_ok = 1, unmeasured = 0;

		for (size_t i = 1; i + 1 < r.n; i++)
			if (!r.steps[i].order) {
				unmeasured++;
				nan_ok &= isnan(r.steps[i].value) && r.steps[i].mark == BISECT_UNTESTED;
			}
		ok(nan_ok && unmeasured > 20, "the %d steps never measured stay untested without a value", unmeasured);
	}
	is_near(r.steps[16].value, 116.0, 1e-9, "measured values survive the round trip");
	free(again);
	bisect_free(&r);
	bisect_free(&b);

	/* damaged states are refused with a message, not half-loaded */
	ok(bisect_load("{", "x", &r) < 0, "text that is not JSON is refused");
	{
		char *bad = xstrdup(text), *p = strstr(bad, "\"mark\": \"good\"");

		if (p)
			memcpy(p, "\"mark\": \"weak\"", 14);
		ok(p && bisect_load(bad, "x", &r) < 0, "an unknown mark is refused");
		free(bad);
		bad = xstrdup(text);
		p = strstr(bad, "\"case\": \"-L");
		if (p)
			p[10] = 'U';
		ok(p && bisect_load(bad, "x", &r) < 0, "parameters that do not match the id are refused");
		free(bad);
	}
	free(text);
}

static void contradiction(void)
{
	struct bisect b;

	start(&b, 10);
	is_int(bisect_mark(&b, 4, BISECT_BAD, 1, 1, NULL), 0, "step 4 bad");
	ok(bisect_mark(&b, 6, BISECT_GOOD, 1, 1, NULL) < 0, "a good step after a bad one is refused");
	is_int(b.steps[6].mark, BISECT_UNTESTED, "and leaves the step untested");
	is_int(bisect_mark(&b, 2, BISECT_GOOD, 1, 1, NULL), 0, "step 2 good");
	ok(bisect_mark(&b, 1, BISECT_BAD, 1, 1, NULL) < 0, "a bad step before a good one is refused");
	is_int(bisect_mark(&b, 0, BISECT_BAD, 5, 1, NULL), 0, "an end takes a value");
	is_int(b.steps[0].mark, BISECT_GOOD, "but keeps its mark");
	bisect_free(&b);
}

static void decide(void)
{
	const char *why;

	is_int(bisect_decide(CMP_UNCHANGED, CMP_IMPROVED, &why), BISECT_GOOD, "like good, faster than bad: good");
	is_int(bisect_decide(CMP_REGRESSED, CMP_UNCHANGED, &why), BISECT_BAD, "slower than good, like bad: bad");
	is_int(bisect_decide(CMP_IMPROVED, CMP_IMPROVED, &why), BISECT_GOOD, "faster than both: good");
	is_int(bisect_decide(CMP_REGRESSED, CMP_REGRESSED, &why), BISECT_BAD, "slower than both: bad");
	is_int(bisect_decide(CMP_REGRESSED, CMP_IMPROVED, &why), BISECT_SKIP, "between the ends: skip");
	ok(strstr(why, "between") != NULL, "with a reason (%s)", why);
	is_int(bisect_decide(CMP_UNCHANGED, CMP_UNCHANGED, &why), BISECT_SKIP, "like both: skip");
	is_int(bisect_decide(CMP_INCONCLUSIVE, CMP_IMPROVED, &why), BISECT_UNTESTED,
	       "inconclusive: more boots (untested)");
	is_int(bisect_decide(CMP_UNCHANGED, CMP_INCONCLUSIVE, &why), BISECT_UNTESTED,
	       "inconclusive on the other side too");
}

int main(void)
{
	tap_plan(45);
	exhaustive();
	seven();
	skips();
	resume();
	contradiction();
	decide();
	return tap_done();
}
