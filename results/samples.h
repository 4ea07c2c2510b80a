/*
 * samples: the one sample loader, shared by compare, plot and nightly.
 * A selection of boots (a db_selector's SQL, or a nightly label prefix)
 * and a metric give, per case key (in key order), per boot (in boot
 * order), the boot's samples: measured ones (not warm-up, not truncated),
 * warm-ups, and the boot's median, computed here once. Also the one
 * metric table (get, put).
 */
#ifndef GUPBENCH_SAMPLES_H
#define GUPBENCH_SAMPLES_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct sample_metric {
	const char *name;       /* "get" */
	const char *column;     /* samples column: "get_us" */
	const char *what;       /* for chart labels: "get time" */
};
extern const struct sample_metric sample_metrics[];
extern const size_t sample_nmetrics;
/* NULL for an unknown name. */
const struct sample_metric *sample_metric_find(const char *name);

struct sample_boot {
	int64_t boot_id, run_id;
	char *label, *started, *kernel, *accel;   /* of its run and kernel; "" when unset */
	char *build;            /* the build it ran (provenance.h's BUILD_OF_KERNEL_ROW), never its name */
	double *v;              /* measured samples, in repeat order */
	size_t n;
	double *w;              /* warm-up samples with a value, in repeat order */
	size_t nw;
	size_t warmups;         /* warm-up rows, with or without a value */
	size_t truncated;       /* measured rows that are truncated or have no value */
	double median;          /* of v; 0 when n is 0 */
};

struct sample_case {
	char *key, *case_id, *cmd, *thp, *file;   /* "" when unset */
	double size_mb;
	long long nr_pages, hugetlb_kb, write, shared, threads, numa_node;
	struct sample_boot *b;
	size_t nb;
};

struct sample_set {
	struct sample_case *c;
	size_t n;
};

struct sample_query {
	const char *boots_sql;  /* "SELECT b.id FROM boots b ..." using ?1 */
	const char *bind;       /* bound to ?1 */
	const char *metric;     /* "get" or "put" */
	const char *filter;     /* a key or case id (that case alone), else a substring of them; NULL: every case */
};

/* Every sample of the query's boots from cases whose status is ok. 0, or
 * -1 with the error printed (unknown metric, database error). */
int samples_load(sqlite3 *db, const struct sample_query *q, struct sample_set *out);
void sample_set_free(struct sample_set *s);

/* The distinct kernel names and accelerators of the boots, comma-separated
 * (for chart titles); malloc'd, NULL when the boots name none. */
void samples_selection_names(sqlite3 *db, const char *boots_sql, const char *bind, char **kernels, char **accels);

/* The option setter for --metric (lib/opt.h): v must name a sample metric. */
int opt_set_metric(void *dst, const char *v);

#endif
