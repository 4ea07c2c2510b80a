/* long file: split pending: the matrix file reader, case expansion, guest sizing (docs/architecture.md) */
/*
 * matrix: parse a matrix file (harness/MATRIX.md) with jansson, expand it
 * into cases and turn a chosen subset into a guest plan. Every axis is one
 * row of the axes[] table: its name, how a JSON value sets it on a case, how
 * two cases compare on it (exclude rules) and its default. The gupbench argv
 * is built in the bench's key order (bench/PROTOCOL.md), so a case id reads
 * exactly like the key the bench will report for it. Also `matrix show`.
 */
#include "harness/guest/matrix.h"
#include "bench/hugetlb.h"
#include "bench/options.h"
#include "bench/workload.h"
#include "lib/jsonkeys.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- axis values ---- */

/*
 * The words of the matrix file are its own ("on", "none", "default"); what
 * they mean to the bench, and every flag of a case's argv, come from the
 * bench's tables (bench/options.c, workload.c, hugetlb.c): a case is turned
 * into the bench's options struct and its argv is the bench's own key.
 */
static const struct { const char *name; int mode; } thps[] = {
	{ "on", THP_ON }, { "off", THP_OFF }, { "system", THP_SYSTEM },
};

/* The commands a matrix may ask for: the benchmarks and basic tests. */
static const enum gup_cmd matrix_cmds[] = { CMD_GUP_FAST, CMD_PIN_FAST, CMD_PIN_LONGTERM, CMD_GUP_BASIC, CMD_PIN_BASIC };

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
/* Guest RAM floor: THP is off by default below 512 MiB (see plan sizing). */
#define GUEST_MIN_MEM_MB 1024

typedef int (*set_fn)(struct matrix_case *c, json_t *v, char *why, size_t len);

static int want_int(json_t *v, long min, long *out, char *why, size_t len)
{
	if (!json_is_integer(v) || json_integer_value(v) < min) {
		snprintf(why, len, "expected an integer >= %ld", min);
		return -1;
	}
	*out = (long)json_integer_value(v);
	return 0;
}

static int set_workload(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	const char *s = json_string_value(v);

	if (s && (c->workload = workload_find(s)))
		return 0;
	snprintf(why, len, "expected a gupbench workload ('gupbench --workload help')");
	return -1;
}

static int set_cmd(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	const char *s = json_string_value(v);

	if (s && *s == '-')
		s++;
	size_t n = N_ELEMS(matrix_cmds), at;

	for (size_t i = 0; s && i < n; i++) {
		const struct gup_cmd_info *ci = gup_cmd_info(matrix_cmds[i]);

		if (!strcmp(s, ci->flag + 1) || !strcmp(s, ci->name)) {
			c->cmd = matrix_cmds[i];
			return 0;
		}
	}
	at = (size_t)snprintf(why, len, "expected one of");
	for (size_t i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(why + at, len - at, "%s %s", i ? "," : "", gup_cmd_info(matrix_cmds[i])->flag + 1);
	for (size_t i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(why + at, len - at, "%s%s", i ? ", " : " (or ", gup_cmd_info(matrix_cmds[i])->name);
	if (at < len)
		snprintf(why + at, len - at, ")");
	return -1;
}

static int set_size(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	return want_int(v, 1, &c->size_mb, why, len);
}

static int set_nr(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	if (want_int(v, -1, &c->nr_pages, why, len) || !c->nr_pages) {
		snprintf(why, len, "expected an integer >= 1, or -1 for the whole range");
		return -1;
	}
	return 0;
}

static int set_thp(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	const char *s = json_string_value(v);

	for (size_t i = 0; s && i < N_ELEMS(thps); i++)
		if (!strcmp(s, thps[i].name)) {
			c->thp = thps[i].mode;
			return 0;
		}
	snprintf(why, len, "expected \"on\", \"off\" or \"system\"");
	return -1;
}

static int set_hugetlb(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	const char *s = json_string_value(v);

	if (s && !strcmp(s, "none"))
		c->hugetlb_kb = HUGETLB_NONE;
	else if (s && !strcmp(s, "default"))
		c->hugetlb_kb = HUGETLB_DEFAULT;
	else if (s && hugetlb_size_parse(s))
		c->hugetlb_kb = (long)hugetlb_size_parse(s);
	else {
		snprintf(why, len, "expected one of none, default, %s", hugetlb_size_list());
		return -1;
	}
	return 0;
}

static int set_write(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	if (json_is_boolean(v))
		c->write = json_is_true(v);
	else if (json_is_null(v) || (json_is_string(v) && !strcmp(json_string_value(v), "default")))
		c->write = TRI_DEFAULT;
	else {
		snprintf(why, len, "expected true, false or \"default\"");
		return -1;
	}
	return 0;
}

static int set_shared(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	if (!json_is_boolean(v)) {
		snprintf(why, len, "expected true or false");
		return -1;
	}
	c->shared = json_is_true(v);
	return 0;
}

static int set_numa(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	long n = -1;

	if (!json_is_null(v) && want_int(v, -1, &n, why, len))
		return -1;
	c->numa_node = (int)n;
	return 0;
}

static int set_threads(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	long n;

	if (want_int(v, 1, &n, why, len))
		return -1;
	c->threads = (int)n;
	return 0;
}

static int set_file(struct matrix_case *c, json_t *v, char *why, size_t len)
{
	if (!json_is_null(v) && !(json_is_string(v) && *json_string_value(v))) {
		snprintf(why, len, "expected a path or null");
		return -1;
	}
	free(c->file);
	c->file = json_is_null(v) ? NULL : xstrdup(json_string_value(v));
	return 0;
}

static int same_file(const struct matrix_case *a, const struct matrix_case *b)
{
	if (!a->file || !b->file)
		return a->file == b->file;
	return !strcmp(a->file, b->file);
}

#define SAME(field) static int same_##field(const struct matrix_case *a, const struct matrix_case *b) \
	{ return a->field == b->field; }
SAME(workload) SAME(cmd) SAME(size_mb) SAME(nr_pages) SAME(thp) SAME(hugetlb_kb) SAME(write) SAME(shared)
SAME(numa_node) SAME(threads)

static const struct axis {
	const char *name;
	set_fn set;
	int (*same)(const struct matrix_case *a, const struct matrix_case *b);
	const char *dflt;        /* JSON text */
} axes[] = {
	{ "workload",  set_workload, same_workload,  "\"gup_test\"" },
	{ "cmd",       set_cmd,     same_cmd,        "\"u\"" },
	{ "size_mb",   set_size,    same_size_mb,    "128" },
	{ "nr_pages",  set_nr,      same_nr_pages,   "1" },
	{ "thp",       set_thp,     same_thp,        "\"system\"" },
	{ "hugetlb",   set_hugetlb, same_hugetlb_kb, "\"none\"" },
	{ "write",     set_write,   same_write,      "\"default\"" },
	{ "shared",    set_shared,  same_shared,     "false" },
	{ "numa_node", set_numa,    same_numa_node,  "-1" },
	{ "threads",   set_threads, same_threads,    "1" },
	{ "file",      set_file,    same_file,       "null" },
};

static const struct axis *axis_find(const char *name)
{
	for (size_t i = 0; i < N_ELEMS(axes); i++)
		if (!strcmp(axes[i].name, name))
			return &axes[i];
	return NULL;
}

/* ---- building cases ---- */

/* The bench's options for the case: what the same argv will mean in the guest. */
static void case_opts(const struct matrix_case *c, struct bench_opts *o)
{
	opts_defaults(o);
	o->workload = c->workload;
	o->cmd = (enum gup_cmd)c->cmd;
	o->size_mb = (unsigned long)c->size_mb;
	o->nr_pages = c->nr_pages < 0 ? 0 : (unsigned long)c->nr_pages;   /* 0: -n -1 */
	o->nr_pages_set = 1;
	o->thp = c->hugetlb_kb == HUGETLB_NONE ? c->thp : THP_SYSTEM;
	o->hugetlb = c->hugetlb_kb != HUGETLB_NONE;
	o->hugetlb_kb = c->hugetlb_kb > 0 ? (unsigned long)c->hugetlb_kb : 0;
	o->write = c->write != 0;
	o->shared = c->shared;
	o->threads = (unsigned long)c->threads;
	if (c->file)
		o->file = c->file;
	o->numa_node = c->selftest ? -1 : c->numa_node;
}

static void push_word(void *sv, const char *word)
{
	strvec_push(sv, word);
}

/* The bench's key for the case (bench/options.c renders it), then the
 * options that are not part of the key. */
static void build_argv(struct matrix_case *c)
{
	struct strvec s = STRVEC_INIT;
	struct bench_opts o;

	case_opts(c, &o);
	opts_key_words(&o, push_word, &s);
	strvec_push(&s, "-r");
	strvec_pushf(&s, "%d", c->repeats);
	if (c->warmup > 0 && !c->selftest) {
		strvec_push(&s, "--warmup");
		strvec_pushf(&s, "%d", c->warmup);
	}
	if (c->fifo > 0 && !c->selftest) {
		strvec_push(&s, "--fifo");
		strvec_pushf(&s, "%d", c->fifo);
	}
	c->argv = strvec_detach(&s);
}

/* The case's key as the bench will report it. */
static char *case_key(const struct matrix_case *c)
{
	struct bench_opts o;
	char key[4096];

	case_opts(c, &o);
	opts_key(&o, key, sizeof(key));
	return xstrdup(key);
}

static void case_free(struct matrix_case *c)
{
	free(c->id);
	strvec_free_argv(c->argv);
	free(c->file);
	memset(c, 0, sizeof(*c));
}

static void case_copy(struct matrix_case *dst, const struct matrix_case *src)
{
	*dst = *src;
	dst->id = NULL;
	dst->argv = NULL;
	dst->file = src->file ? xstrdup(src->file) : NULL;
}

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

/* Axes a workload does not take fall back to their defaults (and then collapse as duplicates). */
static void collapse(struct matrix_case *c)
{
	unsigned a = c->workload->accepts;

	if (!(a & OC_GUP)) {
		c->cmd = CMD_GUP_FAST;
		c->write = TRI_DEFAULT;
		c->threads = 1;
		free(c->file);
		c->file = NULL;
	}
	if (!(a & OC_NPAGES))
		c->nr_pages = 1;
	if (!(a & OC_HUGETLB)) {
		c->hugetlb_kb = HUGETLB_NONE;
		c->shared = 0;
	}
}

static int add_case(struct parser *p, struct matrix_case *c, const char *id, const char *where, int dup_ok)
{
	struct matrix *m = p->m;

	if (c->hugetlb_kb != HUGETLB_NONE)
		c->thp = THP_SYSTEM;   /* THP does not apply to hugetlb memory */
	collapse(c);
	build_argv(c);
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
	json_t *vals[N_ELEMS(axes)];
	size_t cnt[N_ELEMS(axes)], at[N_ELEMS(axes)] = { 0 }, total = 1;

	for (size_t i = 0; i < N_ELEMS(axes); i++) {
		json_t *v = obj ? json_object_get(obj, axes[i].name) : NULL;

		if (!v)
			v = json_loads(axes[i].dflt, JSON_DECODE_ANY, NULL);
		else
			json_incref(v);
		if (json_is_array(v) && json_array_size(v) == 0) {
			for (size_t j = 0; j <= i; j++)
				json_decref(j == i ? v : vals[j]);
			return perr(p, "%s.%s: an empty list leaves no cases", path, axes[i].name);
		}
		vals[i] = v;
		cnt[i] = json_is_array(v) ? json_array_size(v) : 1;
		total = total > SIZE_MAX / cnt[i] ? SIZE_MAX : total * cnt[i];
	}
	/* Refuse before building any: a typo must not ask for days of work. */
	if (total > p->max_cases - p->m->n) {
		for (size_t i = 0; i < N_ELEMS(axes); i++)
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
		for (size_t i = 0; i < N_ELEMS(axes); i++)
			json_decref(vals[i]);
		return perr(p, "%s.id: an \"id\" names one case, but this entry expands to %zu", path, total);
	}
	int rc = 0;

	for (size_t k = 0; k < total && !rc; k++) {
		struct matrix_case c;

		case_copy(&c, base);
		for (size_t i = 0; i < N_ELEMS(axes) && !rc; i++) {
			json_t *v = json_is_array(vals[i]) ? json_array_get(vals[i], at[i]) : vals[i];
			char *where = json_is_array(vals[i])
				? xasprintf("%s.%s[%zu]", path, axes[i].name, at[i])
				: xasprintf("%s.%s", path, axes[i].name);

			rc = set_axis(p, &axes[i], &c, v, where);
			free(where);
		}
		if (rc) {
			case_free(&c);
			break;
		}
		rc = add_case(p, &c, id, path, dup_ok);
		for (size_t i = N_ELEMS(axes); i-- > 0;) {
			if (++at[i] < cnt[i])
				break;
			at[i] = 0;
		}
	}
	for (size_t i = 0; i < N_ELEMS(axes); i++)
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
			collapse(&t);
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

/* ---- plans ---- */

static long case_hugetlb_kb(const struct matrix_case *c, const struct arch_info *a)
{
	return c->hugetlb_kb == HUGETLB_DEFAULT ? a->default_hugetlb_kb : c->hugetlb_kb;
}

/* Seconds a case may take under TCG: time to fault in and pin its memory
 * once per repeat, generously, plus a fixed allowance for the fork. Small
 * hugetlb pages cost per page (0.4 ms each more: see docs/lab-figures.md). */
static double case_seconds(const struct matrix_case *c, const struct arch_info *a)
{
	long kb = case_hugetlb_kb(c, a);
	double pages = kb > 0 ? (double)c->size_mb * 1024 / (double)kb : 0;
	double mb = (double)c->size_mb, rounds = c->repeats + c->warmup;

	/* a migration moves whole pages (all of a 1G page for a 64 MiB
	 * range), once more untimed to put the range on its first node */
	if (c->workload->nodes && kb > 0) {
		mb = ceil(pages) * (double)kb / 1024;
		rounds += 1;
	}
	return 30.0 + (c->workload->tcg_s_per_mb * mb + 0.0004 * pages) * rounds * c->threads;
}

long plan_boot_huge(const struct plan_needs *needs, long kb)
{
	for (int i = 0; i < needs->n_boot_huge; i++)
		if (needs->boot_huge[i].kb == kb)
			return needs->boot_huge[i].pages;
	return 0;
}

/* Move the sizes the arch reserves at boot out of a setup.hugetlb object. */
static void take_boot_sizes(json_t *huge, const struct arch_info *arch, struct plan_needs *needs)
{
	const char *k;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(huge, tmp, k, v) {
		long kb = atol(k);

		int i;

		if (kb <= arch->boot_hugetlb_above_kb || needs->n_boot_huge >= BOOT_HUGETLB_MAX)
			continue;
		/* kept sorted by size: the command line reads the same every time */
		for (i = needs->n_boot_huge++; i > 0 && needs->boot_huge[i - 1].kb > kb; i--)
			needs->boot_huge[i] = needs->boot_huge[i - 1];
		needs->boot_huge[i] = (struct boot_hugetlb){ kb, (long)json_integer_value(v) };
		json_object_del(huge, k);
	}
}

/* derived: enough pages of each size for the largest case using it */
static json_t *derived_hugetlb(const struct matrix *m, const size_t *idx, size_t n,
			       const struct arch_info *arch)
{
	json_t *huge = json_object();

	for (size_t i = 0; i < n; i++) {
		const struct matrix_case *c = &m->cases[idx[i]];
		long kb = case_hugetlb_kb(c, arch);

		if (kb <= 0 || !arch_offers_hugetlb(arch, kb))
			continue;
		char *k = xasprintf("%ldkB", kb);
		long want = (c->size_mb * 1024 + kb - 1) / kb * (long)c->workload->hugetlb_copies;
		json_t *have = json_object_get(huge, k);

		if (!have || json_integer_value(have) < want)
			json_object_set_new(huge, k, json_integer(want));
		free(k);
	}
	return huge;
}

/* The setup's hugetlb pages (given or derived), the boot-time sizes moved
 * to needs; returns the MiB they take. */
static long plan_hugetlb(const struct matrix *m, const size_t *idx, size_t n, const struct arch_info *arch,
			 json_t *setup, struct plan_needs *needs)
{
	json_t *huge = json_object_get(setup, "hugetlb"), *v;
	const char *k;
	long huge_mb = 0;

	if (huge)
		json_incref(huge);
	else
		huge = derived_hugetlb(m, idx, n, arch);
	take_boot_sizes(huge, arch, needs);
	json_object_foreach(huge, k, v)
		huge_mb += (long)(json_integer_value(v) * atol(k) / 1024);
	for (int i = 0; i < needs->n_boot_huge; i++)
		huge_mb += needs->boot_huge[i].pages * needs->boot_huge[i].kb / 1024;
	if (json_object_size(huge))
		json_object_set(setup, "hugetlb", huge);
	else
		json_object_del(setup, "hugetlb");
	json_decref(huge);
	return huge_mb;
}

/* Guest RAM for the plan: hugetlb pages, the largest plain buffer, NUMA nodes. */
static void size_memory(struct plan_needs *needs, long huge_mb, long max_plain_mb, long max_node)
{
	long step;

	needs->mem_mb = 256 + huge_mb + max_plain_mb + max_plain_mb / 8;
	if (max_node >= 1) {
		long per_node = 64 + max_plain_mb + max_plain_mb / 8;

		needs->numa_nodes = (int)max_node + 1;
		if (needs->mem_mb < per_node * needs->numa_nodes)
			needs->mem_mb = per_node * needs->numa_nodes;
	}
	/* Boot-time 1G pages need free 1G-aligned blocks. Below 4 GiB the pc
	 * machine's RAM stops just short of 3 GiB and holds the kernel and the
	 * initrd (QEMU puts it just below 2 GiB); arm64's first GiB holds
	 * them. The kernel deals the pages round robin over the nodes, but a
	 * node without a free block silently gives its page to another: with
	 * the RAM split evenly from address 0, node 0 must reach past its low
	 * 3 GiB by its share of pages, plus room at its top for its own early
	 * allocations (memmap, NODE_DATA). Else move_pages_migrate finds both
	 * pages on node 1 and nowhere to move. */
	if (plan_boot_huge(needs, 1048576) > 0) {
		long nodes = needs->numa_nodes > 1 ? needs->numa_nodes : 1;
		long share = (plan_boot_huge(needs, 1048576) + nodes - 1) / nodes;
		long floor = nodes * (3072 + 1024 * share + 512);

		needs->mem_mb += 1024;
		if (needs->mem_mb < floor)
			needs->mem_mb = floor;
	}
	/* Below 512 MiB of RAM the kernel switches THP off at boot
	 * (hugepage_init), and "-t" would then measure small pages: stay
	 * well above that line. */
	if (needs->mem_mb < GUEST_MIN_MEM_MB)
		needs->mem_mb = GUEST_MIN_MEM_MB;
	/* whole 128 MiB steps for every node */
	step = 128L * (needs->numa_nodes > 1 ? needs->numa_nodes : 1);
	needs->mem_mb = (needs->mem_mb + step - 1) / step * step;
}

char *matrix_plan(const struct matrix *m, const size_t *idx, size_t n,
		  const struct arch_info *arch, struct plan_needs *needs)
{
	json_t *plan = json_object(), *cases = json_array(), *setup;
	long max_plain_mb = 0, max_node = -1, huge_mb;
	char *out;

	memset(needs, 0, sizeof(*needs));
	needs->cpus = 1;
	setup = m->setup_json ? json_loads(m->setup_json, 0, NULL) : json_object();
	huge_mb = plan_hugetlb(m, idx, n, arch, setup, needs);
	needs->boot_timeout = 60.0 + 0.002 * (double)huge_mb;
	for (size_t i = 0; i < n; i++) {
		const struct matrix_case *c = &m->cases[idx[i]];
		json_t *o = json_object(), *a = json_array();
		double s = case_seconds(c, arch);

		for (char **w = c->argv; *w; w++)
			json_array_append_new(a, json_string(*w));
		json_object_set_new(o, "id", json_string(c->id));
		json_object_set_new(o, c->selftest ? "selftest" : "argv", a);
		json_array_append_new(cases, o);
		if (c->hugetlb_kb == HUGETLB_NONE && c->size_mb > max_plain_mb)
			max_plain_mb = c->size_mb;
		if (c->numa_node > max_node)
			max_node = c->numa_node;
		if ((int)c->workload->nodes - 1 > max_node)
			max_node = (int)c->workload->nodes - 1;
		if (c->threads > needs->cpus)
			needs->cpus = c->threads;
		needs->selftest |= c->selftest;
		needs->total_timeout += s;
		if (s > needs->case_timeout)
			needs->case_timeout = s;
	}
	needs->total_timeout += needs->boot_timeout;
	size_memory(needs, huge_mb, max_plain_mb, max_node);
	json_object_set_new(plan, "format", json_string("gupbench-plan-1"));
	if (json_object_size(setup))
		json_object_set(plan, "setup", setup);
	json_object_set_new(plan, "cases", cases);
	json_decref(setup);
	out = json_dumps(plan, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(plan);
	if (!out)
		die(EXIT_FAIL, "out of memory writing a plan");
	return out;
}
