/*
 * nodes: the NUMA topology, read from sysfs when asked. libnuma reads it
 * once, in a constructor before main(): as PID 1 that is before init mode
 * has mounted sysfs, so libnuma saw no nodes in a guest. Binding goes
 * through the raw set_mempolicy(2) and sched_setaffinity(2) instead.
 */
#ifndef GUPBENCH_NODES_H
#define GUPBENCH_NODES_H

#include <stddef.h>

#define NODES_MAX 64

/* A sysfs list ("0-2,5\n") into out[0..max); the count. */
int nodes_parse_list(const char *s, int *out, int max);
/* Nodes with memory, ascending, into out[0..max); their count (1, node 0, without NUMA). */
int nodes_with_memory(int *out, int max);
enum { NODE_MISSING = -1, NODE_FAILED = -2 };
/*
 * Memory bound to node (MPOL_BIND) and the task run on its CPUs, if it has
 * any: 0, NODE_MISSING (no such node with memory) or NODE_FAILED, with err.
 */
int node_bind(int node, char *err, size_t len);

/* NUMA nodes the machine has (1 without NUMA support). */
int numa_nodes(void);

#endif
