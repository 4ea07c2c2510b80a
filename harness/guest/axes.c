/*
 * axes: the matrix's axes, one row each (name, how a JSON value sets it on a
 * case, how two cases compare on it for exclude rules, its default), and a
 * case's argv and id. The words of the matrix file are its own; what they
 * mean and every flag of the argv come from the bench's tables.
 */
#include "harness/guest/axes.h"
#include "bench/hugetlb.h"
#include "bench/options.h"
#include "bench/workload.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

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

static const struct axis axes[] = {
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
_Static_assert(N_ELEMS(axes) == MATRIX_NAXES, "MATRIX_NAXES must count the rows of axes[]");
const struct axis *const matrix_axes = axes;


const struct axis *axis_find(const char *name)
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
void case_build_argv(struct matrix_case *c)
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
char *case_key(const struct matrix_case *c)
{
	struct bench_opts o;
	char key[4096];

	case_opts(c, &o);
	opts_key(&o, key, sizeof(key));
	return xstrdup(key);
}

void case_free(struct matrix_case *c)
{
	free(c->id);
	strvec_free_argv(c->argv);
	free(c->file);
	memset(c, 0, sizeof(*c));
}

void case_copy(struct matrix_case *dst, const struct matrix_case *src)
{
	*dst = *src;
	dst->id = NULL;
	dst->argv = NULL;
	dst->file = src->file ? xstrdup(src->file) : NULL;
}

/* Axes a workload does not take fall back to their defaults (and then collapse as duplicates). */
void case_collapse(struct matrix_case *c)
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
