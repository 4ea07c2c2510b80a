/*
 * explain-report: explain's top lines inside the regression reports
 * (compare --format report --explain, nightly's report with "explain":
 * true, bisect --explain). It picks what to explain (the case that
 * regressed most, between the two kernels the report compared), refuses
 * politely when explain cannot tell (not the icount clock, a side of
 * several kernels, a kernel no longer cached) and prints a short section.
 * It costs two logged boots of the case: minutes, hence opt-in.
 */
#include "harness/lab/explain-report.h"
#include "results/db.h"
#include "harness/guest/explain.h"
#include "results/nights.h"
#include "results/provenance.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

enum { REPORT_TOP = 8 };

void explain_section(FILE *f, const char *base, const char *new, const char *key, const char *clock, int md)
{
	struct explain x;

	fprintf(f, md ? "\n### Where the instructions went (gupharness explain)\n\n" : "\nwhere the instructions went:\n");
	if (!clock || strcmp(clock, "icount")) {
		fprintf(f, "not explained: the clock is %s; explain attributes instructions, which only the icount clock"
			   " measures\n", clock ? clock : "mixed");
		return;
	}
	if (!base || !new) {
		fprintf(f, "not explained: a side ran more than one kernel\n");
		return;
	}
	if (explain_run(base, new, key, &x)) {
		fprintf(f, "not explained: `gupharness explain %s %s --case '%s'` failed (its error is on stderr)\n",
			base, new, key);
		return;
	}
	explain_print(f, &x, md ? "markdown" : "text", REPORT_TOP);
	fprintf(f, md ? "\nTo see more: `gupharness explain %s %s --case '%s' --top 30`\n"
		      : "to see more: gupharness explain %s %s --case '%s' --top 30\n", base, new, key);
	explain_free(&x);
}

/* The one kernel of a side, or NULL. */
static const char *only_kernel(const struct kernel_builds *b)
{
	return b->n == 1 ? b->k[0].name : NULL;
}

void explain_worst_of_compare(FILE *f, const struct compare_result *r)
{
	const struct cmp_case *worst = NULL;

	for (size_t i = 0; i < r->ncases; i++)
		if (r->cases[i].verdict == CMP_REGRESSED && (!worst || r->cases[i].pct_change > worst->pct_change))
			worst = &r->cases[i];
	if (!worst)
		return;
	explain_section(f, only_kernel(&r->base_builds), only_kernel(&r->new_builds), worst->key,
			r->icount ? "icount" : r->clock, 0);
}

char *explain_of_labels(const char *db_path, const char *base_label, const char *new_label, const char *key)
{
	sqlite3 *db = db_open(db_path, DB_READONLY | DB_MUST_EXIST);
	struct kernel_builds b[2] = { { 0 }, { 0 } };
	char *text = NULL, *clock[2] = { NULL, NULL };
	size_t len = 0;
	FILE *f;

	if (!db)
		return NULL;
	if (provenance_of_label(db, base_label, &b[0]) || provenance_of_label(db, new_label, &b[1])) {
		db_close(db);
		kernel_builds_free(&b[0]);
		return NULL;
	}
	clock[0] = nights_label_clock(db, base_label);
	clock[1] = nights_label_clock(db, new_label);
	db_close(db);
	if ((f = open_memstream(&text, &len))) {
		int same = clock[0] && clock[1] && !strcmp(clock[0], clock[1]);

		explain_section(f, only_kernel(&b[0]), only_kernel(&b[1]), key, same ? clock[0] : NULL, 1);
		fclose(f);
	}
	free(clock[0]);
	free(clock[1]);
	kernel_builds_free(&b[0]);
	kernel_builds_free(&b[1]);
	return text;
}

void explain_bisect_step(FILE *f, const char *db, const struct bisect *b, size_t lo, size_t hi)
{
	char *good = bisect_label(b, lo), *bad = bisect_label(b, hi);
	char *text = explain_of_labels(db, good, bad, b->case_key);

	if (text)
		fputs(text, f);
	free(text);
	free(good);
	free(bad);
}

void explain_nightly(struct nightly_report *r)
{
	for (size_t i = 0; i < r->nstreams; i++) {
		struct nightly_stream *s = &r->streams[i];

		if (!s->src->explain || !s->worst_key || s->last_good < 0 || s->tonight < 0 || spawn_interrupted())
			continue;
		note("nightly: '%s' regressed on '%s': explaining it (two logged boots)", s->src->name, s->worst_key);
		s->explain = explain_of_labels(r->db, s->nights[s->last_good].label, s->nights[s->tonight].label,
					       s->worst_key);
	}
}
