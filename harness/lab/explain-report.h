/*
 * explain-report: explain's top lines for the regression reports (see
 * explain-report.c). Each costs two logged icount boots of one case.
 */
#ifndef GUPBENCH_EXPLAIN_REPORT_H
#define GUPBENCH_EXPLAIN_REPORT_H

#include "harness/lab/bisect.h"
#include "results/compare.h"
#include "harness/lab/nightly.h"

#include <stdio.h>

/* A section on f (Markdown when md) explaining key between the kernels
 * base and new, or one line saying why not (clock not icount, a side of
 * several kernels (NULL), explain failed). */
void explain_section(FILE *f, const char *base, const char *new, const char *key, const char *clock, int md);
/* The section for the case compare found regressed most, as text; nothing when none regressed. */
void explain_worst_of_compare(FILE *f, const struct compare_result *r);
/* The Markdown section for key between the kernels of two run labels of
 * the database (nightly's nights, bisect's steps; the clock is theirs);
 * malloc'd, or NULL after an error line. */
char *explain_of_labels(const char *db_path, const char *base_label, const char *new_label, const char *key);
/* Explain a bisection's first bad step hi against its last good step lo
 * (their runs in db) onto f. */
void explain_bisect_step(FILE *f, const char *db, const struct bisect *b, size_t lo, size_t hi);
/* For each stream whose source asks ("explain": true) and that regressed
 * tonight, explain its worst case between the last good night and tonight
 * into the stream's explain. */
void explain_nightly(struct nightly_report *r);

#endif
