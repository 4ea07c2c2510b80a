/*
 * fuzz_stream: libFuzzer target for the results-stream ingest
 * (results/stream.c reads and checks it, results/ingest.c stores it), the
 * parser that turns what a guest sent into rows.
 * Each input is ingested into a database in /dev/shm inside a transaction
 * that is rolled back afterwards, so the database stays small and every
 * input meets the same state. Both modes run: strict (db import) and
 * allow_truncated (a guest that died).
 */
#include "results/db.h"
#include "results/ingest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sqlite3 *db;
static int64_t run_id, kernel_id;

static void setup(void)
{
	char dir[] = "/dev/shm/gupbench-fuzz-stream.XXXXXX", path[64];
	struct db_run_info ri = { .label = "fuzz" };

	if (!mkdtemp(dir)) {
		strcpy(dir, "/tmp/gupbench-fuzz-stream.XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	snprintf(path, sizeof(path), "%s/f.db", dir);
	db = db_open(path, 0);
	kernel_id = db_kernel_upsert(db, "fuzz", NULL);
	run_id = db_run_create(db, &ri);
	if (kernel_id <= 0 || run_id <= 0)
		abort();
	unlink(path);   /* the open handle keeps it; nothing is left behind */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_ctx ctx;
	struct ingest_result r;

	if (!db)
		setup();
	ctx = (struct ingest_ctx){ .run_id = run_id, .kernel_id = kernel_id, .accel = "tcg" };
	for (int allow = 0; allow <= 1; allow++) {
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			abort();
		if (ingest_stream(db, &ctx, (const char *)data, size, allow, &r) == 0)
			ingest_result_free(&r);
		else if (r.err[0] == '\0' || r.cases || r.boot_id)
			abort();   /* a rejection must say why and report nothing stored */
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	return 0;
}
