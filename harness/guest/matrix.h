/*
 * matrix: the JSON matrix spec (harness/MATRIX.md) expanded into cases, and
 * the guest plan (bench/PROTOCOL.md, gupbench-plan-1) built from a chosen
 * subset of them. Expansion is the cross product of the axes in a fixed
 * order, minus the exclude rules, plus the include rules; each case is a
 * gupbench argv and a stable id. Planning also derives what the guest needs
 * (memory, CPUs, hugetlb reservations, 1G boot pages, NUMA nodes, timeouts)
 * so that qemu.c can size the VM from the plan alone.
 */
#ifndef GUPBENCH_MATRIX_H
#define GUPBENCH_MATRIX_H

#include "harness/kernel/arch.h"

struct workload;   /* bench/workload.h */

#include <stddef.h>

enum { THP_SYSTEM = -1, THP_OFF = 0, THP_ON = 1 };   /* the bench's -t/-T (bench_opts.thp) */
enum { HUGETLB_NONE = 0, HUGETLB_DEFAULT = -1 };   /* else the size in kB */
enum { TRI_DEFAULT = -1 };                        /* write: flag left out */

struct matrix_case {
	char *id;            /* unique in the matrix; the gupbench key unless given */
	const struct workload *workload;   /* the bench's row (bench/workload.h) */
	char **argv;         /* gupbench argv without program name, NULL-terminated */
	int selftest;        /* run through /gup_test (argv has no bench-only options) */
	int cmd;             /* enum gup_cmd (bench/options.h): -u -a -L -U -b */
	long size_mb, nr_pages;  /* nr_pages -1: the whole range in one call */
	int thp;
	long hugetlb_kb;     /* HUGETLB_NONE, HUGETLB_DEFAULT or a size in kB */
	int write;           /* 1, 0 or TRI_DEFAULT */
	int shared, numa_node, threads;
	char *file;          /* NULL: anonymous memory */
	int repeats, warmup, fifo;
};

struct matrix {
	char *name;          /* "name" key, else the file's base name */
	char *text;          /* the JSON as given, stored with the run */
	char *setup_json;    /* the file's explicit "setup" object, or NULL */
	char *arch;          /* "arch" key: the one arch the matrix is for; NULL: any */
	struct matrix_case *cases;
	size_t n;
};

/* The most cases a matrix may expand to unless --max-cases says otherwise:
 * enough for any real sweep (vmtests-gup.json has 36), small enough that a
 * typo cannot ask for days of guest time or gigabytes of case table. */
#define MATRIX_MAX_CASES 10000

/* Parse and expand, in time linear in the number of cases. On error returns
 * -1 with one line in err, naming the position ("FILE:LINE:COL: ..." for
 * syntax, "FILE: axes.thp[1]: ..." for meaning). source names the text in
 * messages. More than max_cases cases (0: MATRIX_MAX_CASES) is an error that
 * says how many the matrix asks for, before any is built. */
int matrix_parse(const char *text, const char *source, size_t max_cases, struct matrix *m, char *err, size_t errlen);
int matrix_load(const char *path, size_t max_cases, struct matrix *m, char *err, size_t errlen);
/* "--max-cases N" as an opt.h setter: 0 and N >= 1 in the size_t at dst, or -1 (nothing printed). */
int matrix_set_max_cases(void *dst, const char *arg);
void matrix_free(struct matrix *m);
/* Index of the case with this id, or -1. */
long matrix_find(const struct matrix *m, const char *id);
/* Keep only the cases with these ids, in the matrix's order. An unknown id:
 * -1 with one line in err, and nothing removed. */
int matrix_select(struct matrix *m, const char *const *ids, size_t nids, char *err, size_t errlen);

/* Hugetlb sizes reserved on the kernel command line (the arch's
 * boot_hugetlb_above_kb): gigantic pages, larger than the buddy allocator's
 * largest block, can only be reserved reliably there. */
#define BOOT_HUGETLB_MAX 4
struct boot_hugetlb {
	long kb, pages;
};

/* What a plan asks of the guest. */
struct plan_needs {
	long mem_mb;            /* guest RAM */
	int cpus;               /* vCPUs: the most threads of any case (1 when
	                         * single-threaded: see docs/guests.md "CPUs") */
	int numa_nodes;         /* 0: no NUMA topology asked for */
	struct boot_hugetlb boot_huge[BOOT_HUGETLB_MAX];   /* reserved on the command line */
	int n_boot_huge;
	double boot_timeout;    /* seconds until the env record must arrive */
	double case_timeout;    /* longest silence allowed between records */
	double total_timeout;   /* whole boot */
	int selftest;           /* some case needs /gup_test */
};

/* The plan JSON (gupbench-plan-1) for cases idx[0..n) on arch, and what it
 * needs. Hugetlb reservations go in setup, except the sizes the arch
 * reserves at boot, which go to needs->boot_huge for the command line. Returns a malloc'd string. */
char *matrix_plan(const struct matrix *m, const size_t *idx, size_t n,
		  const struct arch_info *arch, struct plan_needs *needs);
/* Pages of kb reserved on the command line (0 when none). */
long plan_boot_huge(const struct plan_needs *needs, long kb);

#endif
