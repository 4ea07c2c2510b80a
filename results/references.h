/*
 * references: published figures (the reference_results table, filled from
 * results/references.json) looked up by case key and metric, for the
 * before/after chart's reference markers.
 */
#ifndef GUPBENCH_REFERENCES_H
#define GUPBENCH_REFERENCES_H

#include <sqlite3.h>

struct reference_figure {
	double before_us, after_us;
	char *series, *environment;     /* malloc'd; environment "" when unknown */
};

/* The latest figure for key (a selftest case's "selftest: " key matches
 * too) and metric: 1 found, 0 none. Dies on a database error. */
int reference_find(sqlite3 *db, const char *key, const char *metric, struct reference_figure *out);

#endif
