/*
 * nightly-slurm: a night as a Slurm job array (`gupharness nightly --slurm
 * DIR --shards N`). The night's shared directory is DIR/<date>/: array task
 * K runs `nightly --shard K/N --db DIR/<date>/shard-K.db`, and a job that
 * depends on the whole array (afterany, so it runs when a shard failed too)
 * runs `nightly --merge-shards DIR/<date> --shards N`, which merges the
 * complete shards, names the missing ones and writes the report. Submitting
 * again the same night resubmits only the shards that are not complete.
 */
#ifndef GUPBENCH_NIGHTLY_SLURM_H
#define GUPBENCH_NIGHTLY_SLURM_H

#include "harness/lab/nightly.h"

struct night_slurm {
	const char *dir;         /* shared directory (the night goes to <dir>/<date>/) */
	unsigned n;              /* shards */
	const char *date;        /* YYYY-MM-DD, fixed at submission for every job */
	const char *db;          /* the night's database, where the merge job writes */
	int force;               /* passed to the shards */
	int wait;                /* return when the merge job ended, with its status */
};

/*
 * Submit the night. Prints "array_job=ID shards=SPEC" (or "shards=none")
 * and "merge_job=ID" on stdout. Returns EXIT_OK once submitted (with wait:
 * the merge job's exit status), EXIT_ENV without sbatch, EXIT_SKIP when
 * jobs of this night are still queued or running, or another exit status
 * after an error line.
 */
int night_slurm_submit(const struct nightly_config *cfg, const struct night_slurm *s);

#endif
