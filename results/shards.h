/*
 * shards: what one shard's database holds of a sharded night, so that the
 * merge step can tell a complete shard from one that died (harness/
 * nightly-shards.c). A shard is judged by the cases its complete runs
 * stored, never by the scheduler's exit codes: a job can exit 0 having
 * stored nothing, and a killed one can leave a partial run behind.
 */
#ifndef GUPBENCH_SHARDS_H
#define GUPBENCH_SHARDS_H

#include <sqlite3.h>
#include <stddef.h>

/*
 * The case ids stored by complete runs whose label starts with label_prefix
 * and whose matrix is named matrix_name, sorted and without repeats, in a
 * freshly allocated array (free each and the array). Returns the count, or
 * -1 after printing the SQL error.
 */
long shards_stored_case_ids(sqlite3 *db, const char *label_prefix, const char *matrix_name, char ***ids);

#endif
