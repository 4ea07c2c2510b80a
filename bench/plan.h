/*
 * plan: the gupbench-plan-1 file (format in PROTOCOL.md and README.md).
 * Loading validates everything up front (JSON syntax with line and column,
 * keys, types, unique ids, and every case's argv through the same option
 * table as the command line), so a bad plan fails before anything runs.
 */
#ifndef GUPBENCH_PLAN_H
#define GUPBENCH_PLAN_H

#include <jansson.h>
#include <stddef.h>

#include "bench/options.h"

#define PLAN_FORMAT "gupbench-plan-1"
#define PLAN_DEFAULT_TIMEOUT 600

struct plan_case {
	const char *id;
	int selftest;            /* argv is for the selftest binary */
	int argc;
	char **argv;             /* points into the JSON document */
	unsigned timeout_s;      /* "timeout_s", default PLAN_DEFAULT_TIMEOUT */
	struct bench_opts opts;  /* what argv means (for selftest cases too: its options are ours) */
};

struct plan_hugetlb {
	const char *size;        /* "2048kB" */
	unsigned long kb;
	long nr;
};

struct plan {
	json_t *root;
	const char *thp_enabled, *thp_defrag;   /* NULL: leave alone */
	struct plan_hugetlb *hugetlb;
	size_t nr_hugetlb;
	struct plan_case *cases;
	size_t nr_cases;
};

/* Load and validate; 0, or -1 with "where: what" in err (exit status 2) and
 * nothing left to free. */
int plan_load(const char *path, struct plan *p, char *err, size_t len);
/* The same from a string (name is used in messages). */
int plan_parse(const char *text, const char *name, struct plan *p, char *err, size_t len);
void plan_free(struct plan *p);
/* Apply setup through knobs.h; 0 or -1 with reason. Short hugetlb pools are not errors. */
int plan_setup(const struct plan *p, char *err, size_t len);

#endif
