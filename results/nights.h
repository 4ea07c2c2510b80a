/*
 * nights: the queries of `gupharness nightly`. A nightly stream is the set
 * of runs whose label starts with its prefix ("<prefix><date>/<id>"); these
 * walk its runs and events, tell whether the database holds anything else,
 * and whether a label has a run. The stream's samples come from samples.c.
 */
#ifndef GUPBENCH_NIGHTS_H
#define GUPBENCH_NIGHTS_H

#include <sqlite3.h>

struct night_run {
	const char *label, *started, *status, *cmdline;   /* cmdline "" when unset */
};
struct night_event {
	const char *label, *kind, *case_id, *message;     /* case_id NULL when unset */
};

struct night_boot {
	long long id;
	int index;                                        /* boot_index in its run */
	const char *status, *kernel, *run_dir;            /* run_dir "" when unset */
};

/* The stream's runs, oldest first (start time, then id). Dies on a database error. */
void nights_each_run(sqlite3 *db, const char *prefix, void (*fn)(const struct night_run *r, void *arg), void *arg);
/* The events of the stream's runs, in the order they happened. */
void nights_each_event(sqlite3 *db, const char *prefix,
		       void (*fn)(const struct night_event *e, void *arg), void *arg);
/* 1 when every run in the database belongs to the stream. */
int nights_stream_alone(sqlite3 *db, const char *prefix);
/* 1 when some run carries exactly this label. */
int nights_label_has_run(sqlite3 *db, const char *label);
/* The kernel cache metadata (kernels.meta, "{}" for an import) of the one
 * build the boots under label ran, malloc'd; NULL when they ran none or
 * several. */
char *nights_label_build_meta(sqlite3 *db, const char *label);
/* The clock ("icount" or "wall") all boots under label were timed with,
 * malloc'd; NULL when none or mixed. */
char *nights_label_clock(sqlite3 *db, const char *label);
/* The boots of the runs labelled label, by id. */
void nights_each_boot(sqlite3 *db, const char *label, void (*fn)(const struct night_boot *b, void *arg), void *arg);
/* The boots of the stream, as a sample_query's boots_sql (?1 = prefix). */
extern const char nights_boots_sql[];

#endif
