/*
 * casekey: the order of the parts of a case's key (bench/PROTOCOL.md "key").
 * The bench renders keys in this order (opts_key_words, bench/options.c);
 * the harness's matrix builds each case's argv and id with that same
 * renderer (harness/guest/matrix.c).
 */
#ifndef GUPBENCH_CASEKEY_H
#define GUPBENCH_CASEKEY_H

#include <stddef.h>

enum key_part {
	KEY_CMD,        /* -u -a -L ... (with a command's own extras), or --workload NAME */
	KEY_SIZE,       /* -m MB */
	KEY_PAGES,      /* -n PAGES (-1: the whole range), for workloads that take -n */
	KEY_THP,        /* -t / -T */
	KEY_HUGETLB,    /* -H / --hugetlb-size SIZE */
	KEY_WRITE,      /* -w / -W */
	KEY_SHARED,     /* -S */
	KEY_TOUCH,      /* -z */
	KEY_THREADS,    /* -j N */
	KEY_FLAGS,      /* -F FLAGS */
	KEY_FILE,       /* -f FILE */
	KEY_SOURCE,     /* --source PATH (odirect_read) */
	KEY_NUMA,       /* --numa-node N */
};

extern const enum key_part case_key_order[];
extern const size_t case_key_nparts;

#endif
