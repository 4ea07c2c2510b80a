/*
 * cpuinfo: facts about the host's CPU read from /proc/cpuinfo, for the
 * hosts row a run records.
 */
#ifndef GUPBENCH_CPUINFO_H
#define GUPBENCH_CPUINFO_H

/* The CPU model ("model name" on x86, "Hardware" or "CPU part" on arm64),
 * malloc'd; "unknown" when /proc/cpuinfo has none or cannot be read. */
char *host_cpu_model(void);

#endif
