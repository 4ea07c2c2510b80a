/*
 * nodes: sysfs lists ("0-1,3") parsed into node numbers, and the bind of
 * --numa-node. A node without CPUs (numa=fake gives the second fake node
 * none when the guest has one CPU) only binds memory.
 */
#include "bench/nodes.h"
#include "lib/diag.h"

#include <errno.h>
#include <linux/mempolicy.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NODE_SYSFS "/sys/devices/system/node"

int nodes_parse_list(const char *p, int *out, int max)
{
	int n = 0;

	while (*p && *p != '\n') {
		int a, b, used;

		if (sscanf(p, "%d%n", &a, &used) != 1)
			break;
		p += used;
		b = a;
		if (*p == '-' && sscanf(p + 1, "%d%n", &b, &used) == 1)
			p += used + 1;
		for (int i = a; i <= b && n < max; i++)
			out[n++] = i;
		if (*p == ',')
			p++;
	}
	return n;
}

/* A sysfs list file into numbers; -1 if unreadable. */
static int read_list(const char *path, int *out, int max)
{
	char buf[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return nodes_parse_list(buf, out, max);
}

int nodes_with_memory(int *out, int max)
{
	int n = read_list(NODE_SYSFS "/has_memory", out, max);

	if (n > 0)
		return n;
	out[0] = 0;
	return 1;
}

int node_bind(int node, char *err, size_t len)
{
	int nodes[NODES_MAX], cpus[1024], n = nodes_with_memory(nodes, NODES_MAX), found = 0, nc;
	unsigned long mask[NODES_MAX / (8 * sizeof(unsigned long)) + 1] = { 0 };
	char path[128];
	cpu_set_t set;

	for (int i = 0; i < n; i++)
		found |= nodes[i] == node;
	if (!found || node >= NODES_MAX) {
		fmt_into(err, len, "numa node %d does not exist (this machine has %d with memory)", node, n);
		return NODE_MISSING;
	}
	mask[node / (8 * sizeof(unsigned long))] = 1UL << (node % (8 * sizeof(unsigned long)));
	if (syscall(SYS_set_mempolicy, MPOL_BIND, mask, (unsigned long)NODES_MAX + 1)) {
		fmt_into(err, len, "cannot bind memory to numa node %d: %s", node, strerror(errno));
		return NODE_FAILED;
	}
	fmt_into(path, sizeof(path), NODE_SYSFS "/node%d/cpulist", node);
	nc = read_list(path, cpus, 1024);
	if (nc <= 0)
		return 0;
	CPU_ZERO(&set);
	for (int i = 0; i < nc; i++)
		if (cpus[i] < CPU_SETSIZE)
			CPU_SET(cpus[i], &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fmt_into(err, len, "cannot run on the cpus of numa node %d: %s", node, strerror(errno));
		return NODE_FAILED;
	}
	return 0;
}

int numa_nodes(void)
{
	int nodes[NODES_MAX];

	return nodes_with_memory(nodes, NODES_MAX);
}
