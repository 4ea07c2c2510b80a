/*
 * cmd/run: `gupharness run`. Parses argv from the option table below (the
 * help is generated from it), checks the combinations, and hands the
 * options to run_matrix() (run.c). The exit statuses are listed in run.h.
 */
#include "harness/cmd/commands.h"
#include "harness/guest/matrix.h"
#include "harness/guest/qemu.h"
#include "lib/opt.h"
#include "harness/guest/run.h"
#include "lib/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_boots(void *dst, const char *v)
{
	return opt_int_in(dst, v, 1, 1000);
}

static int set_seconds(void *dst, const char *v)
{
	char *end;
	double d = strtod(v, &end);

	if (*end || end == v || !(d > 0))
		return -1;
	*(double *)dst = d;
	return 0;
}

static int set_accel(void *dst, const char *v)
{
	if (strcmp(v, "auto") && strcmp(v, "kvm") && strcmp(v, "tcg"))
		return -1;
	*(const char **)dst = v;
	return 0;
}

static int set_cpus(void *dst, const char *v)
{
	return opt_int_in(dst, v, 1, 64);
}

/* A guest memory size: MiB, or with an M or G suffix. */
static int set_memory(void *dst, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || n < 1)
		return -1;
	if (*end == 'G' || *end == 'g')
		n *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		end++;
	if (*end || n < 128 || n > 1024 * 1024)
		return -1;
	*(long *)dst = n;
	return 0;
}

/* dst is the qemu_args array; its settings struct holds the count. */
static int add_qemu_arg(void *dst, const char *v)
{
	struct guest_settings *g = (struct guest_settings *)((char *)dst - offsetof(struct guest_settings, qemu_args));

	if (g->nqemu_args == MAX_QEMU_ARGS)
		return -1;
	g->qemu_args[g->nqemu_args++] = v;
	return 0;
}

static const struct opt options[] = {
	{ "--matrix", "FILE", offsetof(struct run_opts, matrix_path), NULL, "matrix spec (harness/MATRIX.md), or a shipped matrix's name (seed)",
	  NULL, 0 },
	{ "--kernel", "NAME", offsetof(struct run_opts, kernels), opt_add,
	  "a cached kernel ('gupharness kernel list'); repeatable, at most 32", NULL, 0 },
	{ "--case", "ID", offsetof(struct run_opts, cases), opt_add,
	  "run only this case of the matrix (an id from 'matrix show'); repeatable, at most 64", NULL, 0 },
	{ "--db", "FILE", offsetof(struct run_opts, db_path), NULL, "result database",
	  DB_DEFAULT_HELP, 0 },
	{ "--label", "TEXT", offsetof(struct run_opts, label), NULL, "a name for the run", NULL, 0 },
	{ "--accel", "auto|kvm|tcg", offsetof(struct run_opts, accel), set_accel,
	  "accelerator; auto uses KVM only if a probe boot works", "auto", 0 },
	{ "--clock", "auto|icount|wall", offsetof(struct run_opts, clock), opt_set_clock,
	  "guest time: icount counts instructions (TCG, deterministic), wall is host time; "
	  "auto is icount under TCG, wall under KVM", "auto", 0 },
	{ "--repeat-boots", "N", offsetof(struct run_opts, repeat_boots), set_boots,
	  "boot each kernel N times, 1 to 1000 (boot-to-boot variance)", "1", 0 },
	{ "--timeout", "SECONDS", offsetof(struct run_opts, timeout), set_seconds,
	  "limit for each boot, and for silence within it", "the plan's", 0 },
	{ "--shard", "K/N", offsetof(struct run_opts, shard), NULL, "run only the K-th of N slices of the cases", NULL, 0 },
	{ "--max-cases", "N", offsetof(struct run_opts, max_cases), matrix_set_max_cases,
	  "allow a matrix to expand to up to N cases", "10000", 0 },
	{ "--resume", "RUN", offsetof(struct run_opts, resume), NULL, "run the cases a run (uuid or #id) is missing", NULL, 0 },
	{ "--no-pin", NULL, offsetof(struct run_opts, no_pin), NULL,
	  "leave QEMU's vCPU threads unpinned", "pinned round-robin over the host CPUs", 0 },
	{ "--cpus", "N", offsetof(struct run_opts, guest.cpus), set_cpus,
	  "guest vCPUs, 1 to 64", "the most threads a case uses (1 without -j)", 0 },
	{ "--memory", "SIZE", offsetof(struct run_opts, guest.mem_mb), set_memory,
	  "guest RAM, MiB or with M/G, at least what the matrix needs", "the plan's", 0 },
	{ "--append", "ARGS", offsetof(struct run_opts, guest.append), NULL,
	  "extra kernel command-line words, after the harness's", NULL, 0 },
	{ "--qemu-arg", "ARG", offsetof(struct run_opts, guest.qemu_args), add_qemu_arg,
	  "one extra QEMU argument, last on its command line; repeatable, at most 32", NULL, 0 },
};

static const struct opt_table table = { "run", options, sizeof(options) / sizeof(options[0]), 0 };

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	int npos;

	o->accel = "auto";
	o->clock = "auto";
	o->repeat_boots = 1;
	npos = opt_parse(&table, argc, argv, o, NULL, 0);
	if (npos == OPT_HELP) {
		printf("usage: gupharness run --matrix FILE --kernel NAME [--kernel NAME ...] [options]\n"
		       "       gupharness run --resume RUN [options]\n\noptions:\n");
		opt_help(stdout, &table);
		printf("\nexamples:\n   gupharness run --matrix seed --kernel linux-6.1 --kernel linux-6.12 --label seed\n"
		       "   gupharness run --matrix pin-fast --kernel linux-6.12 --repeat-boots 3\n");
		exit(EXIT_OK);
	}
	if (npos < 0)
		return -1;
	if (o->resume && (o->matrix_path || o->kernels.n || o->cases.n))
		return error("--resume takes the matrix, cases and kernels from the run; drop --matrix, --case and --kernel");
	if (!o->resume && (!o->matrix_path || !o->kernels.n))
		return error("give --matrix FILE and at least one --kernel NAME (or --resume RUN)");
	if (o->resume && (o->guest.cpus || o->guest.mem_mb || o->guest.append || o->guest.nqemu_args))
		return error("--resume keeps the run's guest settings; drop --cpus, --memory, --append and --qemu-arg");
	/* an accelerator given by name meets the clock rule now, before anything
	 * is stored; "auto" meets it once the probe has picked one */
	if (strcmp(o->accel, "auto") && !qemu_pick_clock(o->clock, o->accel))
		return -1;
	return 0;
}


int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .kernels.max = RUN_MAX_KERNELS };

	if (parse_opts(argc, argv, &o))
		return EXIT_USAGE;
	if (o.matrix_path)
		o.matrix_path = data_named("harness/matrices", o.matrix_path, ".json");
	return run_matrix(&o, argc, argv);
}
