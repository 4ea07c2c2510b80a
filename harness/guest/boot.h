/*
 * boot: one guest boot of a run, end to end: plan -> initramfs -> QEMU ->
 * watch the results stream live (progress, silence = hung guest) -> read
 * the console for faults -> ingest the stream -> store every fault as an
 * event with a console excerpt. Also the accelerator probe and which cases
 * a (resumed) boot still needs. run.c drives it; see run.h for the statuses.
 */
#ifndef GUPBENCH_BOOT_H
#define GUPBENCH_BOOT_H

#include "harness/kernel/arch.h"
#include "harness/kernel/kcache.h"
#include "harness/guest/matrix.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* One case's outcome as the stream reported it, for the summary table. */
struct case_row {
	char *kernel, *id, *status;
	int boot;
	double get_median, put_median;   /* put_median NAN: the workload has no put time */
	long n;
};

#define MAX_QEMU_ARGS 32

/*
 * The guest as the user set it on run's command line, over what the plan
 * asks for: recorded with the run, and part of what compare calls
 * like-for-like.
 */
struct guest_settings {
	int cpus;                 /* --cpus; 0: the plan's */
	long mem_mb;              /* --memory; 0: the plan's */
	const char *append;       /* --append: kernel command-line words; NULL: none */
	const char *qemu_args[MAX_QEMU_ARGS + 1];  /* --qemu-arg, NULL-terminated */
	int nqemu_args;
};

/* What every boot of a run shares, and what the boots report back. */
struct runner {
	struct matrix m;
	const struct arch_info *arch;
	sqlite3 *db;
	int64_t run_id;
	char *uuid, *run_dir, *bench, *qemu;
	const char *accel;        /* "kvm" or "tcg" once picked */
	const char *clock;        /* "wall" or "icount" once picked */
	double timeout;           /* --timeout; 0: the plan's limits */
	int no_pin;               /* --no-pin */
	struct guest_settings guest;
	size_t done, total;       /* cases, over the whole run */
	double t0;
	struct case_row *rows;
	size_t nrows;
	int faults, incomplete;
};

struct kernel_ctx {
	struct kernel_entry e;
	int64_t id;
	const char *name;
};

/* Will the boots pin QEMU's vCPU threads? (not with --no-pin or one host CPU) */
int boot_pin_wanted(const struct runner *R);

/* Pick R->accel from want ("auto", "kvm", "tcg"), probing with kernel K
 * under <run dir>/accel-probe, then R->clock from clock ("auto", "wall",
 * "icount"; icount skips the probe: it is TCG's). 0, or -1 when "kvm" was
 * demanded and cannot be had, or icount was asked for under KVM. */
int boot_pick_accel(struct runner *R, const struct kernel_ctx *K, const char *want, const char *clock);

/* The cases of [lo, hi) that this kernel and boot index have not stored
 * yet, into idx. Returns the count. */
size_t boot_cases_to_run(struct runner *R, int64_t kernel_id, int boot, size_t lo, size_t hi, size_t *idx);

/* Before a resumed run boots anything: store the results streams its
 * earlier attempts left in the run directory (complete ones whose storing
 * failed, cut ones from a harness that died). Already stored ones are
 * no-ops (a stream's SHA-256 is its identity). */
void boot_recover_streams(struct runner *R, struct kernel_ctx *K, int nk, int repeat_boots);

/* Boot kernel K once over cases idx[0..n); store what came back. Sets
 * R->faults and R->incomplete. */
void boot_once(struct runner *R, struct kernel_ctx *K, int boot, const size_t *idx, size_t n);

#endif
