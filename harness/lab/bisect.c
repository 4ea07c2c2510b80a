/*
 * bisect: the halving over a first-parent commit line, skip handling as
 * `git bisect skip`, the good/bad decision from two comparisons, and the
 * state's JSON form for resume. Pure: no processes, files or database.
 * See bisect.h.
 */
#include "harness/lab/bisect.h"
#include "lib/util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const bisect_mark_names[BISECT_NMARKS] = { "untested", "good", "bad", "skip" };

static void make_id(struct bisect *b)
{
	const char *parts[] = { b->source, b->db, b->case_key, b->matrix, b->metric, b->arch, b->clock,
				b->steps[0].sha, b->steps[b->n - 1].sha };
	size_t cap = 0, n = 0;
	char *buf, hex[65];

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		cap += strlen(parts[i]) + 1;
	buf = xmalloc(cap);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		memcpy(buf + n, parts[i], strlen(parts[i]) + 1);   /* NUL-separated: no collision by concatenation */
		n += strlen(parts[i]) + 1;
	}
	sha256_hex(buf, n, hex);
	memcpy(b->id, hex, 8);
	b->id[8] = '\0';
	free(buf);
}

static void set_params(struct bisect *b, const struct bisect_params *p)
{
	b->source = xstrdup(p->source ? p->source : "");
	b->db = xstrdup(p->db ? p->db : "");
	b->case_key = xstrdup(p->case_key ? p->case_key : "");
	b->matrix = xstrdup(p->matrix ? p->matrix : "");
	b->metric = xstrdup(p->metric ? p->metric : "get");
	b->arch = xstrdup(p->arch ? p->arch : "");
	b->clock = xstrdup(p->clock ? p->clock : "");
}

void bisect_init(struct bisect *b, const struct bisect_params *p, const char *const *shas,
		 const char *const *subjects, size_t n)
{
	if (n < 2)
		BUG("a bisection needs its two ends");
	memset(b, 0, sizeof(*b));
	set_params(b, p);
	b->steps = xcalloc(n, sizeof(*b->steps));
	b->n = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(b->steps[i].sha, sizeof(b->steps[i].sha), "%s", shas[i]);
		b->steps[i].subject = xstrdup(subjects && subjects[i] ? subjects[i] : "");
		b->steps[i].value = NAN;
	}
	b->steps[0].mark = BISECT_GOOD;
	b->steps[n - 1].mark = BISECT_BAD;
	make_id(b);
}

void bisect_free(struct bisect *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->steps[i].subject);
		free(b->steps[i].why);
	}
	free(b->steps);
	free(b->source);
	free(b->db);
	free(b->case_key);
	free(b->matrix);
	free(b->metric);
	free(b->arch);
	free(b->clock);
	memset(b, 0, sizeof(*b));
}

/* lo: last good step; hi: first bad step (the ends guarantee both exist). */
static void range(const struct bisect *b, size_t *lo, size_t *hi)
{
	*lo = 0;
	*hi = b->n - 1;
	for (size_t i = 0; i < b->n; i++)
		if (b->steps[i].mark == BISECT_GOOD)
			*lo = i;
	for (size_t i = b->n; i-- > 0;)
		if (b->steps[i].mark == BISECT_BAD)
			*hi = i;
}

enum bisect_outcome bisect_outcome(const struct bisect *b, size_t *lo, size_t *hi)
{
	range(b, lo, hi);
	for (size_t i = *lo + 1; i < *hi; i++)
		if (b->steps[i].mark == BISECT_UNTESTED)
			return BISECT_RUNNING;
	return *hi == *lo + 1 ? BISECT_FOUND : BISECT_ONLY_SKIPPED;
}

long bisect_next(const struct bisect *b)
{
	size_t lo, hi;
	long best = -1;
	size_t bestd = 0;

	if (bisect_outcome(b, &lo, &hi) != BISECT_RUNNING)
		return -1;
	/* distances doubled, so the middle of an even range is exact */
	for (size_t i = lo + 1; i < hi; i++) {
		size_t twice = 2 * i, mid2 = lo + hi;
		size_t d = twice > mid2 ? twice - mid2 : mid2 - twice;

		if (b->steps[i].mark == BISECT_UNTESTED && (best < 0 || d < bestd)) {
			best = (long)i;
			bestd = d;
		}
	}
	return best;
}

int bisect_mark(struct bisect *b, size_t i, enum bisect_mark m, double value, int boots, const char *why)
{
	struct bisect_step *s;

	if (i >= b->n || m == BISECT_UNTESTED || m >= BISECT_NMARKS)
		BUG("bisect_mark: no such step or mark");
	s = &b->steps[i];
	if (i != 0 && i != b->n - 1) {
		/* good means "before the change": no bad step may precede it, no good one follow a bad */
		for (size_t j = 0; j < b->n; j++)
			if ((m == BISECT_GOOD && j < i && b->steps[j].mark == BISECT_BAD) ||
			    (m == BISECT_BAD && j > i && b->steps[j].mark == BISECT_GOOD))
				return -1;
		s->mark = m;
	}
	s->value = value;
	s->boots = boots;
	free(s->why);
	s->why = why ? xstrdup(why) : NULL;
	if (!s->order)
		s->order = ++b->measured;
	return 0;
}

size_t bisect_left(const struct bisect *b)
{
	size_t lo, hi, left = 0;

	range(b, &lo, &hi);
	for (size_t i = lo + 1; i < hi; i++)
		left += b->steps[i].mark == BISECT_UNTESTED;
	return left;
}

int bisect_steps_bound(const struct bisect *b)
{
	size_t left = bisect_left(b);
	int k = 0;

	/* halving: k measurements settle up to 2^k - 1 untested commits */
	while (((size_t)1 << k) < left + 1)
		k++;
	return k;
}

char *bisect_label(const struct bisect *b, size_t i)
{
	return xasprintf("bisect-%s-%.12s", b->id, b->steps[i].sha);
}

enum bisect_mark bisect_decide(enum cmp_verdict vs_good, enum cmp_verdict vs_bad, const char **why)
{
	if (vs_good == CMP_INCONCLUSIVE || vs_bad == CMP_INCONCLUSIVE) {
		*why = "a comparison with an end is inconclusive";
		return BISECT_UNTESTED;
	}
	if (vs_good != CMP_REGRESSED && vs_bad == CMP_IMPROVED) {
		*why = vs_good == CMP_UNCHANGED ? "like the good end, faster than the bad end"
						: "faster than both ends";
		return BISECT_GOOD;
	}
	if (vs_good == CMP_REGRESSED && vs_bad != CMP_IMPROVED) {
		*why = vs_bad == CMP_UNCHANGED ? "slower than the good end, like the bad end"
					       : "slower than both ends";
		return BISECT_BAD;
	}
	if (vs_good == CMP_REGRESSED)
		*why = "between the ends: slower than the good end, faster than the bad end";
	else
		*why = "like both ends: they cannot be told apart here";
	return BISECT_SKIP;
}

static json_t *step_json(const struct bisect_step *s)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:i}", "sha", s->sha, "subject", s->subject,
			      "mark", bisect_mark_names[s->mark], "order", s->order, "boots", s->boots);

	json_object_set_new(j, "value", isnan(s->value) ? json_null() : json_real(s->value));
	json_object_set_new(j, "why", s->why ? json_string(s->why) : json_null());
	return j;
}

char *bisect_dump(const struct bisect *b)
{
	json_t *steps = json_array(), *j;
	char *text;

	for (size_t i = 0; i < b->n; i++)
		json_array_append_new(steps, step_json(&b->steps[i]));
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o}", "format", "gupbench-bisect-1",
		      "id", b->id, "source", b->source, "db", b->db, "case", b->case_key, "matrix", b->matrix, "metric",
		      b->metric, "arch", b->arch, "clock", b->clock, "measured", b->measured, "steps", steps);
	text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!text)
		BUG("cannot serialise a bisection");
	return text;
}

static int mark_by_name(const char *name)
{
	for (int m = 0; m < BISECT_NMARKS; m++)
		if (name && !strcmp(name, bisect_mark_names[m]))
			return m;
	return -1;
}

/* One step from JSON; -1 when a field is missing or wrong. */
static int load_step(json_t *js, struct bisect_step *s)
{
	const char *sha = json_string_value(json_object_get(js, "sha"));
	const char *subj = json_string_value(json_object_get(js, "subject"));
	const char *why = json_string_value(json_object_get(js, "why"));
	json_t *v = json_object_get(js, "value");
	int m = mark_by_name(json_string_value(json_object_get(js, "mark")));

	if (!sha || strlen(sha) != 40 || strspn(sha, "0123456789abcdef") != 40 || !subj || m < 0 ||
	    !json_is_integer(json_object_get(js, "order")) || (v && !json_is_null(v) && !json_is_number(v)))
		return -1;
	memcpy(s->sha, sha, 41);
	s->subject = xstrdup(subj);
	s->why = why ? xstrdup(why) : NULL;
	s->mark = (enum bisect_mark)m;
	s->order = (int)json_integer_value(json_object_get(js, "order"));
	s->boots = (int)json_integer_value(json_object_get(js, "boots"));
	s->value = v && json_is_number(v) ? json_number_value(v) : NAN;
	return 0;
}

/* The loaded state makes sense: ends marked, every good before every bad, the id matches. */
static const char *check_loaded(struct bisect *b, const char *id)
{
	char want[9];
	size_t lastgood = 0, firstbad = b->n - 1;

	if (b->steps[0].mark != BISECT_GOOD || b->steps[b->n - 1].mark != BISECT_BAD)
		return "its ends are not marked good and bad";
	for (size_t i = 0; i < b->n; i++)
		if (b->steps[i].mark == BISECT_GOOD)
			lastgood = i;
	for (size_t i = b->n; i-- > 0;)
		if (b->steps[i].mark == BISECT_BAD)
			firstbad = i;
	if (lastgood > firstbad)
		return "a good step follows a bad one";
	memcpy(want, b->id, sizeof(want));
	make_id(b);
	if (strcmp(want, b->id) || strcmp(id, b->id))
		return "its id does not match its parameters";
	return NULL;
}

int bisect_load(const char *text, const char *what, struct bisect *b)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err), *steps;
	struct bisect_params p;
	const char *id, *fmt, *bad = NULL;

	memset(b, 0, sizeof(*b));
	if (!j)
		return error("bisection state '%s' is not JSON (line %d: %s); remove it to start afresh", what,
			     err.line, err.text);
	fmt = json_string_value(json_object_get(j, "format"));
	id = json_string_value(json_object_get(j, "id"));
	steps = json_object_get(j, "steps");
	p = (struct bisect_params){ json_string_value(json_object_get(j, "source")),
				    json_string_value(json_object_get(j, "db")),
				    json_string_value(json_object_get(j, "case")),
				    json_string_value(json_object_get(j, "matrix")),
				    json_string_value(json_object_get(j, "metric")),
				    json_string_value(json_object_get(j, "arch")),
				    json_string_value(json_object_get(j, "clock")) };
	if (!fmt || strcmp(fmt, "gupbench-bisect-1") || !id || strlen(id) != 8 || !p.source || !p.db || !p.case_key ||
	    !p.matrix || !p.metric || !p.arch || !p.clock || !json_is_array(steps) || json_array_size(steps) < 2)
		bad = "a field is missing or of the wrong kind";
	if (!bad) {
		set_params(b, &p);
		b->n = json_array_size(steps);
		b->steps = xcalloc(b->n, sizeof(*b->steps));
		b->measured = (int)json_integer_value(json_object_get(j, "measured"));
		snprintf(b->id, sizeof(b->id), "%s", id);
		for (size_t i = 0; i < b->n && !bad; i++)
			if (load_step(json_array_get(steps, i), &b->steps[i]))
				bad = "a step is missing a field or has a bad sha or mark";
		if (!bad)
			bad = check_loaded(b, id);
	}
	json_decref(j);
	if (bad) {
		bisect_free(b);
		return error("bisection state '%s' is damaged: %s; remove it to start afresh", what, bad);
	}
	return 0;
}
