/*
 * slurm: submitting gupharness commands to a Slurm cluster. A job is an argv
 * (never a shell string from a user): it is written, each argument quoted,
 * into a one-line batch script next to the job's logs, and handed to
 * `sbatch --parsable`, run through spawn.h. Job arrays, dependencies and
 * `--wait` are options of the one submit call; squeue answers whether the
 * jobs of a name are still queued or running. Partition, account and time
 * limit come from sbatch's own environment (SBATCH_PARTITION,
 * SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...), so nothing here names a site.
 */
#ifndef GUPBENCH_SLURM_H
#define GUPBENCH_SLURM_H

#include <stddef.h>

/* Is sbatch (and squeue) on PATH? 0, or EXIT_ENV after one line naming the package. */
int slurm_check(void);

struct slurm_job {
	const char *name;        /* --job-name: jobs of one night share it (see slurm_active) */
	const char *role;        /* file names: DIR/<role>.sbatch, DIR/logs/<role>-<jobid>[_<task>].log */
	const char *dir;         /* shared directory the compute nodes see */
	char *const *argv;       /* what the job runs; "%a" in an argument is the array task id, "%%" a % */
	const char *array;       /* --array spec ("1-3,5"), or NULL for a single job */
	const char *dependency;  /* --dependency ("afterany:123"), or NULL */
};

/*
 * Submit job. The job id goes to *id (freshly allocated). Returns 0, or an
 * exit status from util.h after one line saying why (EXIT_ENV: sbatch
 * refused or is missing; EXIT_IO: the script could not be written).
 */
int slurm_submit(const struct slurm_job *job, char **id);

/*
 * Wait until job id has ended, asking scontrol once a second (sbatch
 * --wait backs off to half a minute between looks). *status receives the
 * job's exit status, 128+signal when a signal ended it, EXIT_FAIL when it
 * was cancelled or timed out before exiting. Returns 0, EXIT_INTERRUPTED,
 * or EXIT_ENV when Slurm no longer knows the job (MinJobAge passed).
 */
int slurm_wait(const char *id, int *status);

/* Parse "scontrol show job -o" output: 1 while the job is queued or
 * running, 0 once ended (with *status as slurm_wait), -1 unparsable. */
int slurm_parse_job_state(const char *out, int *status);

/* The ids of jobs named name still pending or running, comma-separated
 * (freshly allocated; "" when none), or NULL after an error line. */
char *slurm_active(const char *name);

/* "1-3,5,7-8" from ascending task numbers. */
char *slurm_array_spec(const unsigned *tasks, size_t n);

/* The job id in sbatch --parsable output ("123" or "123;cluster"), or NULL. */
char *slurm_parse_job_id(const char *out);

/* The batch script that runs argv (see struct slurm_job); freshly allocated. */
char *slurm_script(char *const *argv);

#endif
