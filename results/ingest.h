/*
 * ingest: storing a bench results stream (or a bench --json document) in the
 * database. One transaction per boot; the stream's SHA-256 (over the boot's
 * identity, when the caller gives one, and the bytes) makes a second ingest
 * of the same boot a no-op; every line is validated first, and a malformed
 * one rejects the whole stream with its line number. The record parser is
 * stream.h's.
 */
#ifndef GUPBENCH_INGEST_H
#define GUPBENCH_INGEST_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct ingest_ctx {
	int64_t run_id;          /* existing run row */
	int64_t kernel_id;       /* existing kernel row */
	int boot_index;
	const char *accel;
	const char *clock;        /* "wall" or "icount"; NULL: "wall" */
	int vcpus;                /* vCPUs QEMU gave the guest; 0: not known (stored NULL) */
	const char *started, *ended;
	/* Outcome decided by the caller from QEMU/console (panic, timeout, ...):
	 * NULL means "derive from the stream" (complete iff the end record arrived). */
	const char *status;
	/* What tells this boot from another with a byte-identical stream (run
	 * sets "<run uuid>/<kernel>/boot<i>": under a deterministic clock two
	 * boots, or two kernels that run the same code, can print the same
	 * bytes); NULL: the bytes alone, so a file imported twice stays one boot. */
	const char *identity;
};

struct ingest_result {
	int64_t boot_id;         /* 0 if nothing stored */
	int duplicate;           /* stream already stored: nothing written */
	int cases, samples;
	int have_end;            /* final end record present */
	int last_seq;            /* highest seq accepted (-1 if none) */
	char **case_ids;         /* plan case ids stored (for --resume); n = cases */
	int64_t dup_kernel_id;   /* duplicate: the kernel the stored boot belongs to */
	int sql_rc;              /* the database failed, not the stream: SQLite's code */
	char err[512];           /* one-line reason when returning -1 */
};

/*
 * Ingest a results stream from memory. allow_truncated: a stream that stops
 * before its end record (a guest that died) stores the complete case records
 * it has and reports have_end = 0; a gap in seq numbers or a line that does
 * not parse is always an error and stores nothing. Returns 0 or -1.
 */
int ingest_stream(sqlite3 *db, const struct ingest_ctx *ctx, const char *buf, size_t len,
		  int allow_truncated, struct ingest_result *res);
void ingest_result_free(struct ingest_result *res);

#endif
