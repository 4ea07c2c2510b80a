/*
 * qmp: the little of QEMU's machine protocol the harness needs, to pin
 * each vCPU thread of a running guest to a host CPU of its own (noise
 * control: the guest's timing loop is not migrated between host CPUs or
 * shared with QEMU's I/O thread when the host has CPUs to spare).
 */
#ifndef GUPBENCH_QMP_H
#define GUPBENCH_QMP_H

#include <stddef.h>

/* The -qmp argument value for a socket at path (malloc'd). */
char *qmp_arg(const char *path);

/*
 * Connect to the socket (waiting up to timeout seconds for QEMU to create
 * it), ask for the vCPU threads and pin vCPU i to the (n-1-i) mod n-th of
 * the n host CPUs this process may use (all of them, unless a scheduler
 * bound it to a few: two shards bound to different CPUs then keep their
 * guests apart). Returns how many threads were pinned (0 when only one
 * CPU is allowed), or -1 with a one-line reason in why.
 */
int qmp_pin_vcpus(const char *path, double timeout, char *why, size_t whylen);

#endif
