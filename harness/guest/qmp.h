/*
 * qmp: the little of QEMU's machine protocol the harness needs, to pin
 * each vCPU thread of a running guest to a host CPU of its own (noise
 * control: the guest's timing loop is not migrated between host CPUs or
 * shared with QEMU's I/O thread when the host has CPUs to spare).
 */
#ifndef GUPBENCH_QMP_H
#define GUPBENCH_QMP_H

#include <stddef.h>

/*
 * A path for a boot's QMP socket inside a fresh private directory
 * (mkdtemp, mode 0700): no other local user can guess it, pre-create it or
 * connect to it. NULL (errno set) if the directory cannot be made.
 * qmp_socket_free removes the socket and its directory and frees path.
 */
char *qmp_socket_new(void);
void qmp_socket_free(char *path);

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
