/*
 * qemu: the QEMU command for one guest boot, built as an argv array from
 * what the plan needs (memory, CPUs, 1G pages, fake NUMA nodes), and the
 * choice of accelerator: "auto" uses KVM only after a probe boot has shown
 * that KVM really runs this kernel (a software hypervisor behind /dev/kvm
 * can stall on a stock kernel), otherwise TCG with a one-line notice.
 */
#ifndef GUPBENCH_QEMU_H
#define GUPBENCH_QEMU_H

#include "matrix.h"

struct qemu_spec {
	const struct arch_info *arch;
	const char *binary;          /* from qemu_binary() */
	const char *accel;           /* "kvm" or "tcg" */
	const char *kernel, *initrd;
	const char *console_path;    /* first serial port: kernel console */
	const char *results_path;    /* second serial port: the results stream */
	const struct plan_needs *needs;
	const char *qmp_path;        /* QMP socket for vCPU pinning; NULL: none */
};

/* $GUPBENCH_QEMU (a test's stand-in) or the system emulator for arch;
 * NULL for an arch run does not support. */
const char *qemu_binary(const char *arch);
/* First line of `BINARY --version`, malloc'd; NULL when it does not run. */
char *qemu_version(const char *binary);

/* The kernel command line for a plan on arch under accel ("kvm" or "tcg"). malloc'd. */
char *qemu_cmdline(const struct arch_info *arch, const struct plan_needs *needs, const char *accel);
/* NULL-terminated argv; free with qemu_argv_free(). */
char **qemu_argv(const struct qemu_spec *s);
void qemu_argv_free(char **argv);

/*
 * Pick the accelerator: want is "auto", "kvm" or "tcg". For auto with a
 * usable /dev/kvm, boots probe (a spec whose initrd has an empty plan) under
 * KVM and accepts KVM only if the bench's env record arrives within
 * timeout seconds. Returns "kvm" or "tcg", or NULL when "kvm" was demanded
 * but /dev/kvm cannot be opened (message printed).
 */
const char *qemu_pick_accel(const char *want, const struct qemu_spec *probe, double timeout);

#endif
