/*
 * bisect-report: a bisection's outcome as text (one line per commit, the
 * verdict last), JSON (the saved state plus the outcome) or a report like
 * the kernel test robot's bisection mails. See bisect-report.h.
 */
#include "harness/lab/bisect-report.h"
#include "lib/util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *outcome_line(const struct bisect_report *r)
{
	if (r->interrupted)
		return "interrupted";
	return r->outcome == BISECT_FOUND ? "found" : r->outcome == BISECT_ONLY_SKIPPED ? "only skipped left" :
	       "running";
}

static void value(char *buf, size_t n, const struct bisect_step *s)
{
	if (isnan(s->value))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.1f", s->value);
}

static void steps_table(FILE *f, const struct bisect_report *r, const char *indent)
{
	fprintf(f, "%s%-4s %-12s %-8s %12s %5s  %s\n", indent, "step", "commit", "mark", "median_us", "boots",
		"subject");
	for (size_t i = 0; i < r->b->n; i++) {
		const struct bisect_step *s = &r->b->steps[i];
		char v[32], order[8] = "-";

		value(v, sizeof(v), s);
		if (s->order)
			snprintf(order, sizeof(order), "%d", s->order);
		fprintf(f, "%s%-4s %.12s %-8s %12s %5d  %s%s\n", indent, order, s->sha,
			bisect_mark_names[s->mark], v, s->boots, s->subject,
			r->outcome == BISECT_FOUND && i == r->hi ? "  <- first bad" : "");
	}
}

static void emit_text(FILE *f, const struct bisect_report *r)
{
	const struct bisect *b = r->b;

	fprintf(f, "bisection %s of case '%s' (%s_us) in %s\n", b->id, b->case_key, r->metric, r->tree);
	steps_table(f, r, "");
	if (r->outcome == BISECT_FOUND)
		fprintf(f, "first bad commit: %s %s\n", b->steps[r->hi].sha, b->steps[r->hi].subject);
	else if (r->outcome == BISECT_ONLY_SKIPPED) {
		fprintf(f, "only skipped commits left; the first bad commit is one of:\n");
		for (size_t i = r->lo + 1; i <= r->hi; i++)
			fprintf(f, "  %s %s\n", b->steps[i].sha, b->steps[i].subject);
	} else {
		fprintf(f, "not finished (%s): %zu commits left to test\n", outcome_line(r), bisect_left(b));
	}
	fprintf(f, "%d measured steps in all; this invocation: %d builds, %d boots, %.0f s\n", b->measured,
		r->builds, r->boots, r->seconds);
}

static void emit_json(FILE *f, const struct bisect_report *r)
{
	char *state = bisect_dump(r->b);
	json_t *j = json_loads(state, 0, NULL);

	json_object_set_new(j, "outcome", json_string(outcome_line(r)));
	json_object_set_new(j, "first_bad", r->outcome == BISECT_FOUND ?
			    json_string(r->b->steps[r->hi].sha) : json_null());
	json_object_set_new(j, "candidates_from", json_integer((json_int_t)r->lo + 1));
	json_object_set_new(j, "candidates_to", json_integer((json_int_t)r->hi));
	json_object_set_new(j, "tree", json_string(r->tree));
	json_object_set_new(j, "seconds", json_real(r->seconds));
	json_object_set_new(j, "builds", json_integer(r->builds));
	json_object_set_new(j, "boots", json_integer(r->boots));
	json_dumpf(j, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(j);
	free(state);
}

static void reproduce(FILE *f, const struct bisect_report *r)
{
	const struct bisect *b = r->b;
	char *good = bisect_label(b, r->lo), *bad = bisect_label(b, r->hi);

	fprintf(f, "\nTo reproduce:\n\n");
	fprintf(f, "        gupharness bisect --source %s --good %.12s --bad %.12s --case '%s' --matrix %s "
		"--metric %s%s%s --db %s\n", r->tree, b->steps[0].sha, b->steps[b->n - 1].sha, b->case_key,
		r->matrix, r->metric, strcmp(b->clock, "default") ? " --clock " : "",
		strcmp(b->clock, "default") ? b->clock : "", r->db);
	fprintf(f, "        gupharness compare %s %s --metric %s --db %s\n", good, bad, r->metric, r->db);
	fprintf(f, "        git -C %s show %.12s\n", r->tree, b->steps[r->hi].sha);
	free(good);
	free(bad);
}

static void headline(FILE *f, const struct bisect_report *r)
{
	const struct bisect *b = r->b;
	const struct bisect_step *g = &b->steps[0], *x = &b->steps[b->n - 1];
	char change[48] = "";

	if (!isnan(g->value) && !isnan(x->value) && g->value > 0)
		snprintf(change, sizeof(change), " %+.1f%%", x->value / g->value * 100 - 100);
	if (r->outcome == BISECT_FOUND)
		fprintf(f, "gupbench bisected a%s regression of gup_test.%s_us on case '%s' to\n\n"
			"commit: %s (\"%s\")\n", change, r->metric, b->case_key, b->steps[r->hi].sha,
			b->steps[r->hi].subject);
	else
		fprintf(f, "gupbench could not single out the commit behind a%s regression of gup_test.%s_us "
			"on case '%s' (%s)\n", change, r->metric, b->case_key, outcome_line(r));
	fprintf(f, "\nin: %s\ngood: %.12s (\"%s\")\nbad:  %.12s (\"%s\")\n", r->tree, g->sha, g->subject, x->sha,
		x->subject);
}

static void emit_report(FILE *f, const struct bisect_report *r)
{
	const struct bisect *b = r->b;

	fprintf(f, "Hello,\n\n");
	headline(f, r);
	fprintf(f, "\nin testcase: gupbench (%s), arch %s, clock %s\n", r->metric, b->arch, b->clock);
	fprintf(f, "each step: built, booted in QEMU, compared with both ends (runs labelled bisect-%s-<commit>)\n\n",
		b->id);
	steps_table(f, r, "  ");
	if (r->outcome == BISECT_ONLY_SKIPPED) {
		fprintf(f, "\nOnly skipped commits are left; the first bad commit is one of:\n");
		for (size_t i = r->lo + 1; i <= r->hi; i++)
			fprintf(f, "  %s %s\n", b->steps[i].sha, b->steps[i].subject);
	}
	fprintf(f, "\nWhy each step got its mark:\n");
	for (size_t i = 1; i + 1 < b->n; i++)
		if (b->steps[i].order)
			fprintf(f, "  %.12s %s: %s\n", b->steps[i].sha, bisect_mark_names[b->steps[i].mark],
				b->steps[i].why ? b->steps[i].why : "");
	fprintf(f, "\n%d measured steps in all; this invocation: %d builds, %d boots, %.0f s wall\n", b->measured,
		r->builds, r->boots, r->seconds);
	if (r->outcome != BISECT_RUNNING)
		reproduce(f, r);
}

static const struct bisect_format formats[] = {
	{ "text",   emit_text },
	{ "json",   emit_json },
	{ "report", emit_report },
};

const struct bisect_format *bisect_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(name, formats[i].name))
			return &formats[i];
	return NULL;
}

const char *bisect_formats_list(void)
{
	static char list[64];

	if (!list[0])
		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
				 formats[i].name);
	return list;
}
