/*
 * workload: what one case measures. gup_test (the kernel's debugfs file,
 * kernel-side ktime deltas) is one row of the table; the others reach GUP
 * and the folio_walk users through ordinary syscalls (move_pages, KSM, the
 * THP split file, io_uring buffer registration, O_DIRECT reads,
 * process_vm_readv) and time them in user space with CLOCK_MONOTONIC around
 * the syscalls. Each row says what is timed, with which clock, what the
 * kernel must have, which option classes apply, and its setup / repeat /
 * teardown functions; the generic driver in workload.c maps and prepares
 * the range, runs warm-ups and repeats and keeps every raw sample.
 */
#ifndef GUPBENCH_WORKLOAD_H
#define GUPBENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "bench/options.h"
#include "bench/result.h"

/* One run of a workload over a prepared range (the driver's state). */
struct wl_run {
	const struct bench_opts *o;
	char *p;                   /* the range, mapped and touched */
	unsigned long long size;   /* bytes */
	unsigned long psize;       /* base page size */
	unsigned long nr_pages;    /* base pages per call (-n, -1 resolved) */
	unsigned long idx;         /* repeat index, warm-ups included */
	int force_thp;             /* wl_refault madvises MADV_HUGEPAGE whatever -t/-T said */
	void *priv;                /* the workload's own state */
};

struct workload {
	const char *name;          /* --workload NAME, params.cmd */
	const char *get_what;      /* what get_us times */
	const char *put_what;      /* what put_us times; NULL: no put time */
	const char *clock;         /* how it is timed */
	const char *needs;         /* kernel features, for --workload help and SKIP reasons */
	unsigned accepts;          /* OC_* option classes that apply */
	unsigned long nr_pages_default; /* -n when not given; 0: the whole range */
	unsigned hugetlb_copies;   /* free hugetlb pages needed, in ranges (migration: 2) */
	/* 0, or -1 with r set (SKIP with the reason, or an error) */
	int (*setup)(struct wl_run *w, struct case_result *r);
	/* one repeat into s (get_us, put_us); 0, or -1 with r set */
	int (*repeat)(struct wl_run *w, struct sample *s, struct case_result *r);
	void (*teardown)(struct wl_run *w);
	/* A workload that runs its whole case itself (gup_test: runner.c's
	 * run_case, the kernel's own loop); NULL: the generic driver runs
	 * setup, repeat and teardown. Always fills r; returns r->exit_status. */
	int (*run)(const struct bench_opts *o, struct case_result *r, sample_hook hook, void *arg);
	unsigned nodes;            /* NUMA memory nodes it needs (migration: 2); 0: none */
	double tcg_s_per_mb;       /* guest seconds per MiB and repeat under TCG, generously: the harness's timeouts */
};

const struct workload *workload_default(void);
const struct workload *workload_find(const char *name);
int workload_is_gup_test(const struct workload *w);
/* "gup_test, move_pages_query, ..." */
void workload_names(char *buf, size_t len);
/* --workload help: one line per workload on f. */
void workload_list(FILE *f);
unsigned long workload_default_nr_pages(const struct workload *w);
/* Options given that the workload does not take: -1 with a message naming both. */
int workload_check(const struct bench_opts *o, char *err, size_t errlen);

/*
 * Run the case o describes with its workload (its run function, or the
 * generic driver). Always fills r; returns r->exit_status.
 */
int workload_run(const struct bench_opts *o, struct case_result *r, sample_hook hook, void *arg);

/* CLOCK_MONOTONIC in ns, and a ns interval rounded to us, for the workloads. */
uint64_t wl_now_ns(void);
uint64_t wl_us(uint64_t t0, uint64_t t1);
/* Fault the range in again from scratch (a fresh mapping in its place, the -t/-T hint, a touch of each base page). */
int wl_refault(struct wl_run *w, struct case_result *r);
/* Read a whole small file (sysfs, procfs) as an unsigned long; -1 if unreadable. */
long wl_read_ulong(const char *path);

/* The families' functions, referenced by the table in workload.c. */
int mp_setup(struct wl_run *w, struct case_result *r);
int mp_query(struct wl_run *w, struct sample *s, struct case_result *r);
int mp_migrate_setup(struct wl_run *w, struct case_result *r);
int mp_migrate(struct wl_run *w, struct sample *s, struct case_result *r);
void mp_teardown(struct wl_run *w);
int ksm_setup(struct wl_run *w, struct case_result *r);
int ksm_merge(struct wl_run *w, struct sample *s, struct case_result *r);
int ksm_unmerge(struct wl_run *w, struct sample *s, struct case_result *r);
void ksm_teardown(struct wl_run *w);
int split_setup(struct wl_run *w, struct case_result *r);
int split_run(struct wl_run *w, struct sample *s, struct case_result *r);
void split_teardown(struct wl_run *w);
int uring_setup(struct wl_run *w, struct case_result *r);
int uring_register(struct wl_run *w, struct sample *s, struct case_result *r);
void uring_teardown(struct wl_run *w);
int odirect_setup(struct wl_run *w, struct case_result *r);
int odirect_read(struct wl_run *w, struct sample *s, struct case_result *r);
void odirect_teardown(struct wl_run *w);
int pvm_setup(struct wl_run *w, struct case_result *r);
int pvm_readv(struct wl_run *w, struct sample *s, struct case_result *r);
void pvm_teardown(struct wl_run *w);

#endif
