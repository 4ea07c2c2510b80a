/*
 * initmode: the bench as PID 1 of a test VM (PROTOCOL.md "In the guest").
 * Mounts the pseudo file systems, opens the results channel, applies the
 * plan's setup, streams env/start/case/end records, drains the channel and
 * reboots (QEMU runs with -no-reboot, so that ends the VM). Never returns:
 * PID 1 exiting is a kernel panic.
 */
#ifndef GUPBENCH_INITMODE_H
#define GUPBENCH_INITMODE_H

#include <stddef.h>

_Noreturn void init_main(void);

/*
 * The value of key=VALUE in a kernel command line, copied into out;
 * 0 if found. Exposed for tests.
 */
int cmdline_param(const char *cmdline, const char *key, char *out, size_t len);

#endif
