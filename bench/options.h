/*
 * options: the one option table of the bench. It parses real command lines
 * and the argv of every plan case, so a plan case means exactly what the same
 * words mean on the shell. The selftest's short options keep the selftest's
 * defaults and meanings; the long options add what the selftest lacks.
 */
#ifndef GUPBENCH_OPTIONS_H
#define GUPBENCH_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "bench/gup_abi.h"

struct workload;   /* workload.h */

/*
 * Option classes: which workloads an option means something to. A workload
 * lists the classes it accepts; any other given option is a usage error
 * naming both (exit 2). Options of no class apply everywhere.
 */
enum opt_class {
	OC_GUP = 1u << 0,      /* gup_test only: commands, -F -f -j -w -W -z -p, page indexes */
	OC_NPAGES = 1u << 1,   /* -n */
	OC_THP = 1u << 2,      /* -t -T */
	OC_HUGETLB = 1u << 3,  /* -H --hugetlb-size */
	OC_SHARED = 1u << 4,   /* -S */
	OC_SOURCE = 1u << 5,   /* --source */
	NR_OC = 6
};

enum gup_cmd {
	CMD_GUP_FAST,
	CMD_PIN_FAST,
	CMD_PIN_LONGTERM,
	CMD_GUP_BASIC,
	CMD_PIN_BASIC,
	CMD_DUMP_PAGES,
	CMD_PIN_LONGTERM_TEST,
	NR_GUP_CMDS
};

struct gup_cmd_info {
	const char *name;        /* params.cmd in the stream */
	const char *ioctl_name;  /* as the selftest prints it */
	unsigned long ioctl_nr;
	const char *flag;        /* the option that selects it (first in the key) */
	int timed;               /* a *_BENCHMARK: repeats and timing lines */
};

const struct gup_cmd_info *gup_cmd_info(enum gup_cmd cmd);

struct bench_opts {
	enum gup_cmd cmd;
	unsigned long size_mb;          /* -m, default 128 */
	unsigned long repeats;          /* -r, default 1 */
	unsigned long nr_pages;         /* -n, default 1; 0 = -n -1, the whole range in one call */
	int nr_pages_set;               /* -n was given (workloads have their own default) */
	unsigned long gup_flags;        /* -F, before -w/-z add their FOLL_ bits */
	const char *file;               /* -f, default /dev/zero */
	unsigned which_pages[GUP_TEST_MAX_PAGES_TO_DUMP]; /* 1-based; -c and trailing indexes */
	unsigned long threads;          /* -j, default 1 */
	int thp;                        /* -t 1, -T 0, -1 = leave the system's policy */
	int write;                      /* -w 1 (default), -W 0 */
	int shared;                     /* -S */
	int hugetlb;                    /* -H or --hugetlb-size */
	int touch;                      /* -z: fault in by the kernel (FOLL_TOUCH) */
	int populate_madvise;           /* --populate madvise: MADV_POPULATE_WRITE, not page by page */
	int dump_use_pin;               /* -p */
	unsigned long hugetlb_kb;       /* --hugetlb-size; 0 = the default size */
	long numa_node;                 /* --numa-node, -1 = none */
	long cpu;                       /* --cpu, -1 = none */
	unsigned long fifo;             /* --fifo PRIO, 0 = off */
	unsigned long warmup;           /* --warmup N extra repeats, flagged */
	int longterm_fast;              /* --longterm-fast: PIN_LONGTERM_TEST with _USE_FAST */
	int json;                       /* --json: one document on stdout */
	const char *plan;               /* --plan FILE */
	const char *out;                /* --out FILE */
	const char *selftest;           /* --selftest PATH for plan cross-checks */
	const struct workload *workload;/* --workload, default gup_test */
	const char *source;             /* --source PATH: odirect_read's file or block device */
	int gup_bench;                  /* --gup-bench or argv[0] gup_bench: upstream's tool */
	int help;                       /* 1: --help, 2: --workload help */
	unsigned given;                 /* OC_* classes of the options given */
	char given_name[NR_OC][24];     /* the first option given of each class, for messages */
};

enum opts_scope {
	OPTS_CMDLINE,   /* the shell: every option */
	OPTS_CASE,      /* a plan case: only what describes one case */
};

void opts_defaults(struct bench_opts *o);
/*
 * Parse argv[0..argc) (argv[0] is an option, not the program name). Returns
 * 0, or -1 with a one-line message in err (exit status 2 material).
 * Strings in o point into argv.
 */
int opts_parse(struct bench_opts *o, int argc, char *const argv[], enum opts_scope scope,
	       char *err, size_t errlen);
/* Cross-option checks against the machine's base page size; 0 or -1 + err. */
int opts_check(const struct bench_opts *o, unsigned long page_size, char *err, size_t errlen);
/* The case's canonical identity (PROTOCOL.md "key"): its words joined by spaces. */
void opts_key(const struct bench_opts *o, char *buf, size_t len);
/* The same key as words, each passed to emit in order: the one renderer of
 * keys, which the harness's matrix also builds its gupbench argv with. */
void opts_key_words(const struct bench_opts *o, void (*emit)(void *arg, const char *word), void *arg);
/* Size of the range in bytes. */
unsigned long long opts_size_bytes(const struct bench_opts *o);
/* Pages per call with -n -1 resolved against the range. */
unsigned long opts_nr_pages(const struct bench_opts *o, unsigned long page_size);
/* Help text generated from the table. */
void opts_usage(FILE *f);

#endif
