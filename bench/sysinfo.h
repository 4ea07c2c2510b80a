/*
 * sysinfo: the machine's own account of itself, for the env record: kernel
 * release and command line, architecture, page size, CPUs, NUMA nodes,
 * whether gup_test exists, the THP policy and hugetlb pools actually in
 * force, and every knob the bench wrote (knobs.h).
 */
#ifndef GUPBENCH_SYSINFO_H
#define GUPBENCH_SYSINFO_H

#include <jansson.h>

#ifndef GUPBENCH_VERSION
#define GUPBENCH_VERSION "unknown"
#endif

/* The env record's fields (no "type"/"seq"); init says whether we are PID 1. */
json_t *env_json(int init);

#endif
