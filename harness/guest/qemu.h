/*
 * qemu: the QEMU command for one guest boot, built as an argv array from
 * one struct of boot settings (arch, accelerator, memory, CPUs, kernel
 * command-line pieces, extra QEMU arguments), and the
 * choice of accelerator: "auto" uses KVM only after a probe boot has shown
 * that KVM really runs this kernel (a software hypervisor behind /dev/kvm
 * can stall on a stock kernel), otherwise TCG with a one-line notice.
 */
#ifndef GUPBENCH_QEMU_H
#define GUPBENCH_QEMU_H

#include "harness/guest/matrix.h"

/*
 * The settings of one boot: everything the QEMU argv and the kernel
 * command line are built from. A new knob (clock mode, --cpus, --append,
 * --qemu-arg, --memory) is a new field here, read in qemu.c.
 */
struct qemu_spec {
	const struct arch_info *arch;
	const char *binary;          /* from qemu_binary() */
	const char *accel;           /* "kvm" or "tcg" */
	const char *clock;           /* "wall" or "icount" (TCG only); NULL: "wall" */
	long mem_mb;                 /* guest RAM */
	int cpus;                    /* vCPUs: -smp N, one socket each */
	struct boot_hugetlb boot_huge[BOOT_HUGETLB_MAX];   /* gigantic pages for the command line */
	int n_boot_huge;
	int numa_nodes;              /* > 1: that many NUMA nodes, as the arch's numa source gives them */
	const char *const *append;   /* extra kernel command-line words, NULL-terminated; NULL: none */
	const char *const *qemu_args;/* extra QEMU arguments, last; NULL-terminated; NULL: none */
	const char *kernel, *initrd;
	const char *console_path;    /* first serial port: kernel console */
	const char *results_path;    /* the arch's results channel: the results stream */
	const char *qmp_path;        /* QMP socket for vCPU pinning; NULL: none */
};

/* Copy what a plan needs (memory, CPUs, gigantic pages, NUMA nodes) into s. */
void qemu_spec_from_needs(struct qemu_spec *s, const struct plan_needs *needs);

/* $GUPBENCH_QEMU (a test's stand-in) or the system emulator for arch;
 * NULL for an arch run does not support. */
const char *qemu_binary(const char *arch);
/* First line of `BINARY --version`, malloc'd; NULL when it does not run. */
char *qemu_version(const char *binary);

/* The kernel command line for the boot. malloc'd. */
char *qemu_cmdline(const struct qemu_spec *s);
/* NULL-terminated argv; free with qemu_argv_free(). */
char **qemu_argv(const struct qemu_spec *s);
void qemu_argv_free(char **argv);
/* The vCPU count in a boot's recorded qemu-cmd (the argv as one line), 0
 * when it names none: for a stream recovered from disk on --resume. */
int qemu_cmd_cpus(const char *cmd);

/*
 * The guest clock: want is "auto", "wall" or "icount"; accel the one
 * picked. auto means icount under TCG (deterministic instruction-counted
 * time, see the comment atop qemu.c) and wall under KVM. NULL with a
 * message when icount is asked for under KVM.
 */
const char *qemu_pick_clock(const char *want, const char *accel);

/*
 * Pick the accelerator: want is "auto", "kvm" or "tcg". For auto with a
 * usable /dev/kvm, boots probe (a spec whose initrd has an empty plan) under
 * KVM and accepts KVM only if the bench's env record arrives within
 * timeout seconds. Returns "kvm" or "tcg", or NULL when "kvm" was demanded
 * but /dev/kvm cannot be opened (message printed).
 */
const char *qemu_pick_accel(const char *want, const struct qemu_spec *probe, double timeout);

/* What a KVM probe saw: the bench started, the kernel started but the bench
 * did not, or not even the kernel (no "Linux version" on the console). */
enum kvm_verdict { KVM_RUNS, KVM_KERNEL_STALLED, KVM_NO_KERNEL };
typedef enum kvm_verdict (*kvm_probe_fn)(const struct qemu_spec *probe, double timeout);

/*
 * Whether KVM runs probe's guest (1) or not (0), from the memo under
 * <cache_root()>/accel/ for this host boot, or else from probe_fn, whose
 * verdict is then remembered: a guest that reached the bench or stalled,
 * for its image; no kernel at all, for every image of the arch and QEMU
 * binary. qemu_pick_accel() passes the real probe; tests pass their own.
 */
int qemu_kvm_memo(const struct qemu_spec *probe, double timeout, kvm_probe_fn probe_fn);

#endif
