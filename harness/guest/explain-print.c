/*
 * explain-print: the sinks of an explain result (explain.h): text in the
 * kernel test robot's perf-profile style, a Markdown table for reports,
 * and JSON. Each prints the two totals, the top functions by self delta,
 * how much of the total's change those lines carry, and the change the
 * same boots measured (icount get+put time, in instructions).
 */
#include "harness/guest/explain.h"
#include "harness/guest/qemu.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static double pct(long long a, long long b)
{
	return a ? 100.0 * (double)(b - a) / (double)a : 0.0;
}

/* The measured get+put of a side, in instructions at icount's rate. */
static long long measured_insns(const struct explain_side *s)
{
	return (long long)((s->get_us + s->put_us) * 1000.0 / (double)(1 << ICOUNT_SHIFT) + 0.5);
}

static void print_rows(FILE *f, const struct explain *x, int top, int md)
{
	long long t0 = (long long)x->s[0].prof.total, t1 = (long long)x->s[1].prof.total;

	fprintf(f, md ? "| incl base | %%change | incl new | function | self base | self new | calls base | calls new |\n"
			"|---:|---:|---:|---|---:|---:|---:|---:|\n"
		      : "%14s %9s %14s  %-32s %12s %12s %10s %10s\n",
		"incl base", "%change", "incl new", "function", "self base", "self new", "calls base", "calls new");
	fprintf(f, md ? "| %lld | %+.1f%% | %lld | **%s** | %s | %s | %llu | %llu |\n"
		      : "%14lld %+8.1f%% %14lld  %-32s %12s %12s %10llu %10llu\n",
		t0, pct(t0, t1), t1, "total", "", "", x->s[0].prof.windows, x->s[1].prof.windows);
	for (int i = 0; i < x->n && i < top; i++) {
		const struct explain_row *r = &x->row[i];

		fprintf(f, md ? "| %lld | %+.1f%% | %lld | %s | %lld | %lld | %lld | %lld |\n"
			      : "%14lld %+8.1f%% %14lld  %-32s %12lld %12lld %10lld %10lld\n",
			r->incl[0], pct(r->incl[0], r->incl[1]), r->incl[1], r->name, r->self[0], r->self[1],
			r->calls[0], r->calls[1]);
	}
}

static void print_sums(FILE *f, const struct explain *x, int top, const char *pre)
{
	long long t0 = (long long)x->s[0].prof.total, t1 = (long long)x->s[1].prof.total, shown = 0, all = 0;
	int k = x->n < top ? x->n : top;

	for (int i = 0; i < x->n; i++)
		all += x->row[i].d, shown += i < top ? x->row[i].d : 0;
	fprintf(f, "%sself deltas of the %d lines shown: %+lld of the total's %+lld (%.1f%%); all functions: %+lld\n",
		pre, k, shown, t1 - t0, t1 != t0 ? 100.0 * (double)shown / (double)(t1 - t0) : 100.0, all);
	if (x->s[0].measured && x->s[1].measured) {
		long long m0 = measured_insns(&x->s[0]), m1 = measured_insns(&x->s[1]);

		fprintf(f, "%smeasured by the same boots (get+put, icount): %.0f -> %.0f us = %+lld instructions;"
			   " the window's change differs by %+lld (%.1f%% of the measured change)\n",
			pre, x->s[0].get_us + x->s[0].put_us, x->s[1].get_us + x->s[1].put_us, m1 - m0,
			(t1 - t0) - (m1 - m0), m1 != m0 ? 100.0 * (double)((t1 - t0) - (m1 - m0)) / (double)(m1 - m0) : 0.0);
	}
}

static void print_text(FILE *f, const struct explain *x, int top, int md)
{
	fprintf(f, md ? "**explain** `%s` vs `%s`, case `%s` (guest instructions beneath gup_test_ioctl, icount)\n\n"
		      : "explain %s vs %s, case '%s' (guest instructions beneath gup_test_ioctl, icount)\n",
		x->s[0].kernel, x->s[1].kernel, x->key);
	print_rows(f, x, top, md);
	print_sums(f, x, top, md ? "\n" : "");
}

static void print_json(FILE *f, const struct explain *x, int top)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "base", x->s[0].kernel, "new", x->s[1].kernel, "case", x->key,
			      "window", "gup_test_ioctl", "total_base", (json_int_t)x->s[0].prof.total,
			      "total_new", (json_int_t)x->s[1].prof.total);
	json_t *a = json_array();

	for (int s = 0; s < 2; s++)
		if (x->s[s].measured)
			json_object_set_new(o, s ? "measured_new_insns" : "measured_base_insns",
					    json_integer(measured_insns(&x->s[s])));
	for (int i = 0; i < x->n && i < top; i++) {
		const struct explain_row *r = &x->row[i];

		json_array_append_new(a, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "function", r->name,
						   "self_base", (json_int_t)r->self[0], "self_new", (json_int_t)r->self[1],
						   "incl_base", (json_int_t)r->incl[0], "incl_new", (json_int_t)r->incl[1],
						   "calls_base", (json_int_t)r->calls[0], "calls_new", (json_int_t)r->calls[1]));
	}
	json_object_set_new(o, "functions", a);
	char *s = json_dumps(o, JSON_INDENT(2));

	fprintf(f, "%s\n", s);
	free(s);
	json_decref(o);
}

int explain_format_known(const char *format)
{
	return !strcmp(format, "text") || !strcmp(format, "markdown") || !strcmp(format, "json");
}

int explain_print(FILE *f, const struct explain *x, const char *format, int top)
{
	if (!explain_format_known(format))
		return -1;
	if (!strcmp(format, "json"))
		print_json(f, x, top);
	else
		print_text(f, x, top, !strcmp(format, "markdown"));
	return 0;
}
