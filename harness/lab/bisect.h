/*
 * bisect: the bisection itself, as pure state and decisions with no I/O,
 * so a mock measurement can drive it in tests. `gupharness bisect` (the
 * command) builds, boots and compares; this module only says which commit
 * to measure next, what a pair of comparisons means, and when it is over.
 *
 * The commits are the first-parent line from the good end to the bad end,
 * oldest first: steps[0] is the good end, steps[n-1] the bad end, both
 * marked at the start. Each measured step is marked good, bad or skip (as
 * `git bisect skip`: a build failure, or a measurement that cannot decide).
 * The range still open is (lo, hi): lo the last good step, hi the first bad
 * one. The next step is the untested one nearest the middle of that range
 * (ties go to the older), so a range of n commits takes at most
 * ceil(log2(n)) measurements without skips; with skips it takes the nearest
 * untested neighbour, as git does. It ends when no untested step is left
 * in the range: the first bad commit is steps[hi] when nothing between is
 * left, otherwise it is one of the skipped steps in (lo, hi] (as git's
 * "there are only 'skip'ped commits left to test").
 *
 * The state (parameters, every step's mark, value and reason) round-trips
 * through JSON, written next to the database for resume. The id is a hash
 * of the parameters, so the same command line finds the same bisection.
 * Every measurement is stored under the label "bisect-<id>-<sha12>"
 * (bisect_label), so `compare` and `db list` see which bisection and which
 * commit a run belongs to.
 */
#ifndef GUPBENCH_BISECT_H
#define GUPBENCH_BISECT_H

#include "results/compare.h"

#include <stddef.h>

enum bisect_mark { BISECT_UNTESTED, BISECT_GOOD, BISECT_BAD, BISECT_SKIP, BISECT_NMARKS };
extern const char *const bisect_mark_names[BISECT_NMARKS];   /* "untested", "good", "bad", "skip" */

struct bisect_step {
	char sha[41];
	char *subject;
	enum bisect_mark mark;
	int order;               /* 1, 2, ... in the order measured; 0: never measured */
	double value;            /* median of the metric in us; NAN: no value */
	int boots;               /* boots the value came from */
	char *why;               /* why this mark: the verdicts, or the build failure */
};

/* What the bisection is of, and where its measurements go: the id hashes all of it. */
struct bisect_params {
	const char *source;      /* the git tree, absolute */
	const char *db;          /* the database, absolute: another database is another bisection */
	const char *case_key;    /* the matrix case measured */
	const char *matrix;      /* the matrix file's sha256, or "" */
	const char *metric;      /* "get" or "put" */
	const char *arch, *clock;
};

struct bisect {
	char id[9];              /* 8 hex digits */
	char *source, *db, *case_key, *matrix, *metric, *arch, *clock;
	struct bisect_step *steps;
	size_t n;
	int measured;            /* steps measured so far (the last order given) */
};

enum bisect_outcome {
	BISECT_RUNNING,          /* an untested step is left in the range */
	BISECT_FOUND,            /* steps[hi] is the first bad commit */
	BISECT_ONLY_SKIPPED,     /* the first bad commit is one of the skipped ones in (lo, hi] */
};

/*
 * Start a bisection of commits shas[0..n) (n >= 2, oldest first, shas[0]
 * the good end); subjects may be NULL. Computes the id.
 */
void bisect_init(struct bisect *b, const struct bisect_params *p, const char *const *shas,
		 const char *const *subjects, size_t n);
void bisect_free(struct bisect *b);

/* Index of the step to measure next, or -1 when the bisection is over. */
long bisect_next(const struct bisect *b);

/*
 * Record step i's measurement and mark (value NAN when there is none, why a
 * short phrase or NULL). The ends can be given a value but keep their mark.
 * Returns 0, or -1 when the mark contradicts the range (a good step after a
 * bad one): the measurement is then not monotonic, and nothing changes.
 */
int bisect_mark(struct bisect *b, size_t i, enum bisect_mark m, double value, int boots, const char *why);

/* Where it stands: lo = last good step, hi = first bad step. */
enum bisect_outcome bisect_outcome(const struct bisect *b, size_t *lo, size_t *hi);

/* Untested steps left in the open range, and the most measurements that can still take. */
size_t bisect_left(const struct bisect *b);
int bisect_steps_bound(const struct bisect *b);

/* "bisect-<id>-<first 12 of sha>", freshly allocated. */
char *bisect_label(const struct bisect *b, size_t i);

/*
 * A step's mark from its comparison with each end (lower time is better):
 * unchanged against the good end and improved against the bad end: good;
 * regressed against the good end and unchanged against the bad end: bad.
 * When either verdict is inconclusive, BISECT_UNTESTED: more boots may
 * decide. Anything else (between the ends, or like both) is BISECT_SKIP.
 * *why gets a static phrase.
 */
enum bisect_mark bisect_decide(enum cmp_verdict vs_good, enum cmp_verdict vs_bad, const char **why);

/* The state as JSON text (freshly allocated), and back: 0, or -1 after an "error:" line. */
char *bisect_dump(const struct bisect *b);
int bisect_load(const char *text, const char *what, struct bisect *b);

#endif
