/*
 * matrix: parse a matrix file (harness/MATRIX.md) with jansson and expand it
 * into cases (guestplan.c turns a chosen subset into a guest plan). Every axis is one
 * row of the axes[] table: its name, how a JSON value sets it on a case, how
 * two cases compare on it (exclude rules) and its default. The gupbench argv
 * is built in the bench's key order (bench/PROTOCOL.md), so a case id reads
 * exactly like the key the bench will report for it. Also `matrix show`.
 */
#include "harness/guest/matrix.h"
#include "harness/guest/axes.h"
#include "bench/hugetlb.h"
#include "bench/options.h"
#include "bench/workload.h"
#include "lib/jsonkeys.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- parsing ---- */

struct parser {
	const char *source;
	char *err;
	size_t errlen;
	struct matrix *m;
	struct matrix_case base;    /* top-level repeats/warmup/fifo */
	int selftest_twins;
	size_t max_cases, cap;      /* the limit; m->cases' allocated length */
	const char **ids;           /* open-addressing set of case ids (into m->cases) */
	size_t nids_cap;            /* a power of two, at least twice m->n */
};

/* ---- the id set: duplicate checks in O(1), so expansion is linear ---- */

static size_t id_hash(const char *s)
{
	size_t h = 14695981039346656037ULL;   /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static const char **id_slot(const char **ids, size_t cap, const char *id)
{
	size_t i = id_hash(id) & (cap - 1);

	while (ids[i] && strcmp(ids[i], id))
		i = (i + 1) & (cap - 1);
	return &ids[i];
}

/* 1 if id was new (and is now in the set), 0 if already there. */
static int id_insert(struct parser *p, const char *id)
{
	const char **slot;

	if (2 * (p->m->n + 1) > p->nids_cap) {
		size_t cap = p->nids_cap ? 2 * p->nids_cap : 64;
		const char **ids = xcalloc(cap, sizeof(*ids));

		for (size_t i = 0; i < p->nids_cap; i++)
			if (p->ids[i])
				*id_slot(ids, cap, p->ids[i]) = p->ids[i];
		free(p->ids);
		p->ids = ids;
		p->nids_cap = cap;
	}
	slot = id_slot(p->ids, p->nids_cap, id);
	if (*slot)
		return 0;
	*slot = id;
	return 1;
}

static int perr(struct parser *p, const char *fmt, ...) ATTR_PRINTF(2, 3);
static int perr(struct parser *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s: %s", p->source, msg);
	return -1;
}

static int add_case(struct parser *p, struct matrix_case *c, const char *id, const char *where, int dup_ok)
{
	struct matrix *m = p->m;

	if (c->hugetlb_kb != HUGETLB_NONE)
		c->thp = THP_SYSTEM;   /* THP does not apply to hugetlb memory */
	case_collapse(c);
	case_build_argv(c);
	c->id = id ? xstrdup(id) : case_key(c);
	if (c->selftest) {
		char *t = xasprintf("%s/selftest", c->id);

		free(c->id);
		c->id = t;
	}
	if (!id_insert(p, c->id)) {
		if (dup_ok) {
			case_free(c);
			return 0;
		}
		case_free(c);
		return perr(p, "%s: duplicate case id '%s'; give it its own \"id\"", where, id ? id : "");
	}
	if (m->n == p->max_cases) {
		case_free(c);
		return perr(p, "%s: the matrix expands to more than %zu cases; narrow it or raise the cap with --max-cases",
			    where, p->max_cases);
	}
	if (m->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		m->cases = xrealloc(m->cases, p->cap * sizeof(*m->cases));
	}
	m->cases[m->n++] = *c;
	return 0;
}

/* Set an axis from a scalar, reporting the JSON path on error. */
static int set_axis(struct parser *p, const struct axis *ax, struct matrix_case *c, json_t *v,
		    const char *where)
{
	char why[200];

	if (ax->set(c, v, why, sizeof(why))) {
		char *txt = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		int r = perr(p, "%s: %s is not a valid %s: %s", where, txt ? txt : "?", ax->name, why);

		free(txt);
		return r;
	}
	return 0;
}

/* Cross product of the axis values in obj (scalars or arrays) over base;
 * axes missing from obj take their defaults. counter[] walks the product. */
static int expand(struct parser *p, json_t *obj, const char *path, const struct matrix_case *base,
		  const char *id, int dup_ok)
{
	json_t *vals[MATRIX_NAXES];
	size_t cnt[MATRIX_NAXES], at[MATRIX_NAXES] = { 0 }, total = 1;

	for (size_t i = 0; i < MATRIX_NAXES; i++) {
		json_t *v = obj ? json_object_get(obj, matrix_axes[i].name) : NULL;

		if (!v)
			v = json_loads(matrix_axes[i].dflt, JSON_DECODE_ANY, NULL);
		else
			json_incref(v);
		if (json_is_array(v) && json_array_size(v) == 0) {
			for (size_t j = 0; j <= i; j++)
				json_decref(j == i ? v : vals[j]);
			return perr(p, "%s.%s: an empty list leaves no cases", path, matrix_axes[i].name);
		}
		vals[i] = v;
		cnt[i] = json_is_array(v) ? json_array_size(v) : 1;
		total = total > SIZE_MAX / cnt[i] ? SIZE_MAX : total * cnt[i];
	}
	/* Refuse before building any: a typo must not ask for days of work. */
	if (total > p->max_cases - p->m->n) {
		for (size_t i = 0; i < MATRIX_NAXES; i++)
			json_decref(vals[i]);
		if (total == SIZE_MAX)
			return perr(p, "%s: this entry expands to more cases than can be counted; the cap is %zu (--max-cases)",
				    path, p->max_cases);
		if (p->m->n)
			return perr(p, "%s: this entry expands to %zu cases, %zu with the ones before it: more than the cap"
				    " of %zu; narrow the axes or raise the cap with --max-cases", path, total,
				    total + p->m->n, p->max_cases);
		return perr(p, "%s: this entry expands to %zu cases, more than the cap of %zu; narrow the axes or raise"
			    " the cap with --max-cases", path, total, p->max_cases);
	}
	if (id && total != 1) {
		for (size_t i = 0; i < MATRIX_NAXES; i++)
			json_decref(vals[i]);
		return perr(p, "%s.id: an \"id\" names one case, but this entry expands to %zu", path, total);
	}
	int rc = 0;

	for (size_t k = 0; k < total && !rc; k++) {
		struct matrix_case c;

		case_copy(&c, base);
		for (size_t i = 0; i < MATRIX_NAXES && !rc; i++) {
			json_t *v = json_is_array(vals[i]) ? json_array_get(vals[i], at[i]) : vals[i];
			char *where = json_is_array(vals[i])
				? xasprintf("%s.%s[%zu]", path, matrix_axes[i].name, at[i])
				: xasprintf("%s.%s", path, matrix_axes[i].name);

			rc = set_axis(p, &matrix_axes[i], &c, v, where);
			free(where);
		}
		if (rc) {
			case_free(&c);
			break;
		}
		rc = add_case(p, &c, id, path, dup_ok);
		for (size_t i = MATRIX_NAXES; i-- > 0;) {
			if (++at[i] < cnt[i])
				break;
			at[i] = 0;
		}
	}
	for (size_t i = 0; i < MATRIX_NAXES; i++)
		json_decref(vals[i]);
	return rc;
}

/* An exclude rule: every key an axis, each value a scalar or a list of
 * alternatives. Checked once, so matching cannot fail later. */
static int check_rule(struct parser *p, json_t *rule, const char *path)
{
	const char *key;
	json_t *v;

	if (!json_is_object(rule) || json_object_size(rule) == 0)
		return perr(p, "%s: expected a non-empty object of axis values", path);
	json_object_foreach(rule, key, v) {
		const struct axis *ax = axis_find(key);
		size_t n = json_is_array(v) ? json_array_size(v) : 1;

		if (!ax)
			return perr(p, "%s.%s: not an axis (workload, cmd, size_mb, nr_pages, thp, hugetlb, write, shared, numa_node, threads, file)",
				    path, key);
		for (size_t i = 0; i < n; i++) {
			struct matrix_case t = { 0 };
			char *where = xasprintf("%s.%s", path, key);
			int rc = set_axis(p, ax, &t, json_is_array(v) ? json_array_get(v, i) : v, where);

			free(where);
			free(t.file);
			if (rc)
				return -1;
		}
	}
	return 0;
}

static int rule_matches(json_t *rule, const struct matrix_case *c)
{
	const char *key;
	json_t *v;

	json_object_foreach(rule, key, v) {
		const struct axis *ax = axis_find(key);
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		int any = 0;

		for (size_t i = 0; i < n && !any; i++) {
			struct matrix_case t;
			char why[200];

			case_copy(&t, c);
			ax->set(&t, json_is_array(v) ? json_array_get(v, i) : v, why, sizeof(why));
			if (t.hugetlb_kb != HUGETLB_NONE)
				t.thp = THP_SYSTEM;
			case_collapse(&t);
			any = ax->same(&t, c);
			free(t.file);
		}
		if (!any)
			return 0;
	}
	return 1;
}

static int get_count(struct parser *p, json_t *obj, const char *key, const char *path, long max, int *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return perr(p, "%s%s: expected an integer from 0 to %ld", path, key, max);
	*out = (int)json_integer_value(v);
	return 0;
}

static const char *const top_keys[] = {
	"name", "description", "arch", "repeats", "warmup", "fifo", "selftest", "setup", "axes", "include", "exclude",
};
static const char *const include_keys[] = { "id", "repeats", "warmup", "fifo" };

/* The document's scalar keys: name, arch, the base case's counts, selftest, setup. */
static int parse_header(struct parser *p, json_t *doc)
{
	struct matrix *m = p->m;
	json_t *v;
	const char *key;

	if (!json_is_object(doc))
		return perr(p, "the matrix must be a JSON object");
	key = jsonkeys_unknown(doc, top_keys, N_ELEMS(top_keys), sizeof(*top_keys));
	if (key)
		return perr(p, "'%s' is not a matrix key (name, description, arch, repeats, warmup, fifo, selftest, setup, axes, include, exclude)", key);
	v = json_object_get(doc, "name");
	if (v && !json_is_string(v))
		return perr(p, "name: expected a string");
	if (v)
		m->name = xstrdup(json_string_value(v));
	v = json_object_get(doc, "arch");
	if (v && !(json_is_string(v) && arch_lookup(json_string_value(v))))
		return perr(p, "arch: expected one of %s", arch_names());
	if (v)
		m->arch = xstrdup(json_string_value(v));
	p->base.repeats = 1;
	p->base.write = TRI_DEFAULT;
	p->base.numa_node = -1;
	p->base.threads = 1;
	if (get_count(p, doc, "repeats", "", 100000, &p->base.repeats) ||
	    get_count(p, doc, "warmup", "", 100000, &p->base.warmup) ||
	    get_count(p, doc, "fifo", "", 99, &p->base.fifo))
		return -1;
	if (p->base.repeats < 1)
		return perr(p, "repeats: must be at least 1");
	v = json_object_get(doc, "selftest");
	if (v && !json_is_boolean(v))
		return perr(p, "selftest: expected true or false");
	p->selftest_twins = json_is_true(v);
	v = json_object_get(doc, "setup");
	if (v && !json_is_object(v))
		return perr(p, "setup: expected an object (thp_enabled, thp_defrag, hugetlb)");
	if (v)
		m->setup_json = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	return 0;
}

/* exclude removes from the cross product; include entries are explicit */
static void drop_excluded(struct matrix *m, json_t *exc)
{
	json_t *v;
	size_t i;

	for (size_t k = 0; k < m->n;) {
		int drop = 0;

		json_array_foreach(exc, i, v)
			drop |= rule_matches(v, &m->cases[k]);
		if (!drop) {
			k++;
			continue;
		}
		case_free(&m->cases[k]);
		memmove(&m->cases[k], &m->cases[k + 1], (m->n - k - 1) * sizeof(*m->cases));
		m->n--;
	}
}

/* One entry of "include": axes and counts over the base case. */
static int parse_include(struct parser *p, json_t *v, size_t i)
{
	char *path = xasprintf("include[%zu]", i);
	struct matrix_case b;
	json_t *id = json_object_get(v, "id");
	const char *k2;
	json_t *v2;
	int rc = 0;

	if (!json_is_object(v)) {
		free(path);
		return perr(p, "include[%zu]: expected an object", i);
	}
	json_object_foreach(v, k2, v2)
		if (!axis_find(k2) && jsonkeys_find(include_keys, N_ELEMS(include_keys), sizeof(*include_keys), k2) < 0 && !rc)
			rc = perr(p, "%s.%s: not an axis or one of id, repeats, warmup, fifo", path, k2);
	if (!rc && id && !json_is_string(id))
		rc = perr(p, "%s.id: expected a string", path);
	case_copy(&b, &p->base);
	if (!rc) {
		char *pre = xasprintf("%s.", path);

		rc = get_count(p, v, "repeats", pre, 100000, &b.repeats) ||
		     get_count(p, v, "warmup", pre, 100000, &b.warmup) ||
		     get_count(p, v, "fifo", pre, 99, &b.fifo);
		free(pre);
	}
	if (!rc)
		rc = expand(p, v, path, &b, json_string_value(id), 0);
	free(b.file);
	free(path);
	return rc ? -1 : 0;
}

/* "selftest": true adds the kernel selftest's twin of every case it can run */
static int add_selftest_twins(struct parser *p)
{
	struct matrix *m = p->m;
	size_t n = m->n;

	for (size_t k = 0; k < n; k++) {
		struct matrix_case t;

		/* the selftest knows neither explicit hugetlb sizes, NUMA nodes nor workloads */
		if (m->cases[k].hugetlb_kb > 0 || m->cases[k].numa_node >= 0 ||
		    !workload_is_gup_test(m->cases[k].workload))
			continue;
		case_copy(&t, &m->cases[k]);
		t.selftest = 1;
		if (add_case(p, &t, NULL, "selftest", 1))
			return -1;
	}
	return 0;
}

static int parse_doc(struct parser *p, json_t *doc)
{
	json_t *v, *axobj, *inc, *exc;
	const char *key;
	size_t i;

	if (parse_header(p, doc))
		return -1;
	axobj = json_object_get(doc, "axes");
	if (axobj && !json_is_object(axobj))
		return perr(p, "axes: expected an object");
	json_object_foreach(axobj, key, v)
		if (!axis_find(key))
			return perr(p, "axes.%s: not an axis (workload, cmd, size_mb, nr_pages, thp, hugetlb, write, shared, numa_node, threads, file)", key);
	exc = json_object_get(doc, "exclude");
	if (exc && !json_is_array(exc))
		return perr(p, "exclude: expected a list of rules");
	json_array_foreach(exc, i, v) {
		char *path = xasprintf("exclude[%zu]", i);
		int rc = check_rule(p, v, path);

		free(path);
		if (rc)
			return -1;
	}
	inc = json_object_get(doc, "include");
	if (inc && !json_is_array(inc))
		return perr(p, "include: expected a list of cases");
	if (!axobj && !inc)
		return perr(p, "no cases: give \"axes\" or \"include\"");
	if (axobj && expand(p, axobj, "axes", &p->base, NULL, 1))
		return -1;
	drop_excluded(p->m, exc);
	json_array_foreach(inc, i, v)
		if (parse_include(p, v, i))
			return -1;
	if (p->m->n == 0)
		return perr(p, "the exclude rules leave no cases");
	return p->selftest_twins ? add_selftest_twins(p) : 0;
}

int matrix_set_max_cases(void *dst, const char *arg)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || *end || end == arg || v < 1 || arg[0] == '-')
		return -1;
	*(size_t *)dst = (size_t)v;
	return 0;
}

int matrix_parse(const char *text, const char *source, size_t max_cases, struct matrix *m, char *err, size_t errlen)
{
	struct parser p = { .source = source, .err = err, .errlen = errlen, .m = m,
			    .max_cases = max_cases ? max_cases : MATRIX_MAX_CASES };
	json_error_t je;
	json_t *doc;
	int rc;

	memset(m, 0, sizeof(*m));
	doc = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(err, errlen, "%s:%d:%d: %s", source, je.line, je.column, je.text);
		return -1;
	}
	m->text = xstrdup(text);
	rc = parse_doc(&p, doc);
	json_decref(doc);
	free(p.ids);
	if (!rc && !m->name) {
		const char *b = strrchr(source, '/');
		char *dot;

		m->name = xstrdup(b ? b + 1 : source);
		dot = strrchr(m->name, '.');
		if (dot && dot != m->name)
			*dot = '\0';
	}
	if (rc)
		matrix_free(m);
	return rc;
}

int matrix_load(const char *path, size_t max_cases, struct matrix *m, char *err, size_t errlen)
{
	char *text = read_file(path, NULL);
	int rc;

	if (!text) {
		memset(m, 0, sizeof(*m));
		snprintf(err, errlen, "cannot read matrix '%s': %s", path, strerror(errno));
		return -1;
	}
	rc = matrix_parse(text, path, max_cases, m, err, errlen);
	free(text);
	return rc;
}

void matrix_free(struct matrix *m)
{
	for (size_t i = 0; i < m->n; i++)
		case_free(&m->cases[i]);
	free(m->cases);
	free(m->name);
	free(m->text);
	free(m->setup_json);
	free(m->arch);
	memset(m, 0, sizeof(*m));
}

long matrix_find(const struct matrix *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->cases[i].id, id))
			return (long)i;
	return -1;
}

int matrix_select(struct matrix *m, const char *const *ids, size_t nids, char *err, size_t errlen)
{
	size_t w = 0;

	for (size_t k = 0; k < nids; k++)
		if (matrix_find(m, ids[k]) < 0) {
			snprintf(err, errlen, "%s: no case '%s'; 'gupharness matrix show' lists the case ids",
				 m->name, ids[k]);
			return -1;
		}
	for (size_t i = 0; i < m->n; i++) {
		int keep = 0;

		for (size_t k = 0; k < nids && !keep; k++)
			keep = !strcmp(m->cases[i].id, ids[k]);
		if (keep)
			m->cases[w++] = m->cases[i];
		else
			case_free(&m->cases[i]);
	}
	m->n = w;
	return 0;
}
