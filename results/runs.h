/*
 * runs: the queries about stored runs that `gupharness run` needs: the
 * run a --resume names, and the case ids a run already stored for one
 * kernel and boot index (so that a resumed boot runs only what is missing).
 */
#ifndef GUPBENCH_RUNS_H
#define GUPBENCH_RUNS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct run_row {
	int64_t id;
	char *uuid, *run_dir, *matrix, *matrix_name;
};

/* The run whose uuid is ref, or whose id is ref ("#12" or "12"), if it has
 * a run directory and a matrix. 0 found, -1 not. Dies on a database error. */
int runs_find_resumable(sqlite3 *db, const char *ref, struct run_row *out);
void run_row_free(struct run_row *r);

/* Case ids stored for this run, kernel and boot index; malloc'd array of
 * malloc'd strings, *n of them. Dies on a database error. */
char **runs_stored_case_ids(sqlite3 *db, int64_t run_id, int64_t kernel_id, int boot, size_t *n);

#endif
