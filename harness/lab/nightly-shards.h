/*
 * nightly-shards: a night split into N shards that ran elsewhere (a Slurm
 * job array, GitLab parallel jobs, a Kubernetes Indexed Job) and came back
 * as one database each, <dir>/shard-K.db. A shard is complete when its
 * complete runs stored every case of its slice of every matrix for every
 * source under tonight's labels; the scheduler's exit codes are not trusted
 * for that. The merge step folds the complete shards into the night's
 * database (through `gupharness db merge`, idempotent by run uuid, so a
 * second merge loses and duplicates nothing) and names the others; a rerun
 * sets an incomplete shard's database aside and runs only that shard again.
 */
#ifndef GUPBENCH_NIGHTLY_SHARDS_H
#define GUPBENCH_NIGHTLY_SHARDS_H

#include "harness/lab/nightly.h"

struct night_shard {
	unsigned k, n;
	char *db;                /* <dir>/shard-K.db */
	int complete;
	char *why;               /* when not complete: what is missing, one line */
};

/*
 * Judge shards 1..n of the night of date in dir. *out receives n entries
 * (free with night_shards_free). Returns 0, or an exit status after an
 * error line (a matrix that no longer loads, an unreadable database).
 */
int night_shards_check(const struct nightly_config *cfg, const char *dir, const char *date, unsigned n,
		       struct night_shard **out);
void night_shards_free(struct night_shard *s, unsigned n);

/*
 * Merge the complete shards into db and name each incomplete one on stderr
 * with the command that reruns it. Returns the number of incomplete shards
 * (0: the night is whole), or -(exit status) when checking or merging failed.
 */
int night_shards_merge(const struct nightly_config *cfg, const char *dir, const char *date, unsigned n,
		       const char *db);

/*
 * Move an incomplete shard's database (and its -wal/-shm) out of the way,
 * to <dir>/shard-K.incomplete-I.db, so that its rerun starts clean and the
 * partial cases are kept but never merged. 0 or -1 after an error line.
 */
int night_shard_set_aside(const struct night_shard *s);

#endif
