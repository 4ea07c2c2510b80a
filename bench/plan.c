/*
 * plan: parsing and validation of plans, and applying their setup. The
 * document stays loaded while the plan runs: case argv strings point into it.
 */
#include "bench/plan.h"
#include "lib/diag.h"
#include "lib/jsonkeys.h"
#include "bench/knobs.h"
#include "bench/workload.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const thp_enabled_values[] = { "always", "madvise", "never", NULL };
static const char *const thp_defrag_values[] = { "always", "defer", "defer+madvise", "madvise", "never", NULL };

static int one_of(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(v, *list))
			return 1;
	return 0;
}

static int bad(char *err, size_t len, const char *name, const char *fmt, const char *what)
{
	char msg[256];

	fmt_into(msg, sizeof(msg), fmt, what);
	fmt_into(err, len, "plan '%s': %s", name, msg);
	return -1;
}

static int check_keys(json_t *obj, const char *const *allowed, const char *name, const char *where,
		      char *err, size_t len)
{
	const char *k = jsonkeys_unknown(obj, allowed, JSONKEYS_TO_NULL, sizeof(*allowed));

	if (k) {
		fmt_into(err, len, "plan '%s': unknown key '%s' in %s", name, k, where);
		return -1;
	}
	return 0;
}

static int parse_setup(json_t *setup, struct plan *p, const char *name, char *err, size_t len)
{
	static const char *const keys[] = { "thp_enabled", "thp_defrag", "hugetlb", NULL };
	json_t *v, *h;
	const char *k;

	if (!json_is_object(setup))
		return bad(err, len, name, "%s must be an object", "'setup'");
	if (check_keys(setup, keys, name, "'setup'", err, len))
		return -1;
	v = json_object_get(setup, "thp_enabled");
	if (v && (!json_is_string(v) || !one_of(json_string_value(v), thp_enabled_values)))
		return bad(err, len, name, "%s must be \"always\", \"madvise\" or \"never\"", "setup.thp_enabled");
	p->thp_enabled = v ? json_string_value(v) : NULL;
	v = json_object_get(setup, "thp_defrag");
	if (v && (!json_is_string(v) || !one_of(json_string_value(v), thp_defrag_values)))
		return bad(err, len, name, "%s must be always, defer, defer+madvise, madvise or never",
			   "setup.thp_defrag");
	p->thp_defrag = v ? json_string_value(v) : NULL;
	h = json_object_get(setup, "hugetlb");
	if (!h)
		return 0;
	if (!json_is_object(h))
		return bad(err, len, name, "%s must map \"<N>kB\" to a page count", "setup.hugetlb");
	p->hugetlb = xcalloc(json_object_size(h), sizeof(*p->hugetlb));
	json_object_foreach(h, k, v) {
		struct plan_hugetlb *e = &p->hugetlb[p->nr_hugetlb];
		char tail[8];

		if (sscanf(k, "%lukB%7s", &e->kb, tail) != 1 || !e->kb || strstr(k, "kB") != k + strlen(k) - 2)
			return bad(err, len, name, "setup.hugetlb key '%s' is not a size like \"2048kB\"", k);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return bad(err, len, name, "setup.hugetlb '%s' wants a page count from 0", k);
		e->size = k;
		e->nr = (long)json_integer_value(v);
		p->nr_hugetlb++;
	}
	return 0;
}

static int parse_case(json_t *c, size_t idx, struct plan *p, const char *name, char *err, size_t len)
{
	static const char *const keys[] = { "id", "argv", "selftest", "timeout_s", NULL };
	struct plan_case *pc = &p->cases[idx];
	json_t *id = json_object_get(c, "id"), *argv, *v, *t;
	char where[96], why[256];
	size_t i;

	fmt_into(where, sizeof(where), "cases[%zu]", idx);
	if (!json_is_object(c))
		return bad(err, len, name, "%s must be an object", where);
	if (check_keys(c, keys, name, where, err, len))
		return -1;
	if (!json_is_string(id) || !*json_string_value(id))
		return bad(err, len, name, "%s needs a non-empty string \"id\"", where);
	pc->id = json_string_value(id);
	for (i = 0; i < idx; i++)
		if (!strcmp(p->cases[i].id, pc->id))
			return bad(err, len, name, "case id '%s' is used twice", pc->id);
	argv = json_object_get(c, "argv");
	v = json_object_get(c, "selftest");
	if (!!argv == !!v)
		return bad(err, len, name, "case '%s' needs exactly one of \"argv\" and \"selftest\"", pc->id);
	pc->selftest = !!v;
	if (v)
		argv = v;
	if (!json_is_array(argv))
		return bad(err, len, name, "case '%s': argv must be an array of strings", pc->id);
	pc->argc = (int)json_array_size(argv);
	pc->argv = xcalloc((size_t)pc->argc + 1, sizeof(char *));
	json_array_foreach(argv, i, v) {
		if (!json_is_string(v))
			return bad(err, len, name, "case '%s': argv must be an array of strings", pc->id);
		pc->argv[i] = (char *)json_string_value(v);
		if (pc->selftest && !strncmp(pc->argv[i], "--", 2)) {
			fmt_into(err, len, "plan '%s': case '%s': '%s' is not a selftest option", name, pc->id,
				 pc->argv[i]);
			return -1;
		}
	}
	t = json_object_get(c, "timeout_s");
	if (t && (!json_is_integer(t) || json_integer_value(t) < 1 || json_integer_value(t) > 86400))
		return bad(err, len, name, "case '%s': timeout_s wants seconds from 1 to 86400", pc->id);
	pc->timeout_s = t ? (unsigned)json_integer_value(t) : PLAN_DEFAULT_TIMEOUT;
	opts_defaults(&pc->opts);
	if (opts_parse(&pc->opts, pc->argc, pc->argv, OPTS_CASE, why, sizeof(why)) ||
	    workload_check(&pc->opts, why, sizeof(why))) {
		fmt_into(err, len, "plan '%s': case '%s': %s", name, pc->id, why);
		return -1;
	}
	return 0;
}

static int plan_from_json(json_t *root, const char *name, struct plan *p, char *err, size_t len)
{
	static const char *const keys[] = { "format", "setup", "cases", NULL };
	json_t *fmt, *cases, *setup, *c;
	size_t i;

	p->root = root;
	if (!json_is_object(root))
		return bad(err, len, name, "%s: the plan must be a JSON object", "top level");
	if (check_keys(root, keys, name, "the top level", err, len))
		return -1;
	fmt = json_object_get(root, "format");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), PLAN_FORMAT))
		return bad(err, len, name, "\"format\" must be \"%s\"", PLAN_FORMAT);
	setup = json_object_get(root, "setup");
	if (setup && parse_setup(setup, p, name, err, len))
		return -1;
	cases = json_object_get(root, "cases");
	if (!json_is_array(cases) || !json_array_size(cases))
		return bad(err, len, name, "%s must be a non-empty array", "\"cases\"");
	p->cases = xcalloc(json_array_size(cases), sizeof(*p->cases));
	json_array_foreach(cases, i, c) {
		p->nr_cases = i + 1;
		if (parse_case(c, i, p, name, err, len))
			return -1;
	}
	return 0;
}

/* A plan that fails validation is freed here: the caller gets nothing to free. */
static int plan_from_json_or_free(json_t *root, const char *name, struct plan *p, char *err, size_t len)
{
	if (plan_from_json(root, name, p, err, len) == 0)
		return 0;
	plan_free(p);
	return -1;
}

int plan_parse(const char *text, const char *name, struct plan *p, char *err, size_t len)
{
	json_error_t je;
	json_t *root;

	memset(p, 0, sizeof(*p));
	root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		fmt_into(err, len, "plan '%s' line %d column %d: %s", name, je.line, je.column, je.text);
		return -1;
	}
	return plan_from_json_or_free(root, name, p, err, len);
}

int plan_load(const char *path, struct plan *p, char *err, size_t len)
{
	json_error_t je;
	json_t *root;

	memset(p, 0, sizeof(*p));
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (je.line < 0)
			fmt_into(err, len, "cannot read plan '%s': %s", path, je.text);
		else
			fmt_into(err, len, "plan '%s' line %d column %d: %s", path, je.line, je.column, je.text);
		return -1;
	}
	return plan_from_json_or_free(root, path, p, err, len);
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->nr_cases; i++)
		free(p->cases[i].argv);
	free(p->cases);
	free(p->hugetlb);
	json_decref(p->root);
	memset(p, 0, sizeof(*p));
}

int plan_setup(const struct plan *p, char *err, size_t len)
{
	if (p->thp_enabled && knob_write(THP_ENABLED, p->thp_enabled, err, len))
		return -1;
	if (p->thp_defrag && knob_write(THP_DEFRAG, p->thp_defrag, err, len))
		return -1;
	for (size_t i = 0; i < p->nr_hugetlb; i++) {
		char path[128], nr[32];

		fmt_into(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%s/nr_hugepages", p->hugetlb[i].size);
		fmt_into(nr, sizeof(nr), "%ld", p->hugetlb[i].nr);
		/* a size the kernel does not offer is left to the cases to SKIP */
		if (access(path, F_OK)) {
			warning("hugetlb size '%s' not offered by this kernel: not reserved", p->hugetlb[i].size);
			continue;
		}
		if (knob_write(path, nr, err, len))
			return -1;
	}
	return 0;
}
