/*
 * ingest-steps: the state of one ingest, shared by its two halves: reading
 * and checking the stream (stream.c) and storing it (ingest.c). Private to
 * them; the API is ingest.h (and stream.h for the record parser).
 */
#ifndef GUPBENCH_INGEST_STEPS_H
#define GUPBENCH_INGEST_STEPS_H

#include "results/ingest.h"
#include "lib/util.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

struct ingest {
	sqlite3 *db;
	const struct ingest_ctx *ctx;
	struct ingest_result *res;
	sqlite3_stmt *ins_case, *ins_sample;
	int nstatus[3];      /* cases seen per case status (ok, skip, error), for the end record */
	int line;            /* 1-based stream line, 0 outside a stream */
	int doc_case;        /* 1-based case index in a document, 0 outside one */
	size_t ncap;
};

/* ingest.c: the reason into res->err, prefixed with where; returns -1. */
int ingest_fail(struct ingest *in, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* ingest.c: the boot row from the env record; the case row and its samples. */
int ingest_store_boot(struct ingest *in, json_t *env, const char *sha);
int ingest_store_case(struct ingest *in, json_t *rec);

/* stream.c: a case's status and values against the protocol (counted in nstatus). */
int stream_check_case(struct ingest *in, json_t *rec, json_t *params, json_t *samples);
/* stream.c: every line of a stream in order, each case stored as it comes. */
int stream_read_lines(struct ingest *in, const char *buf, size_t len, const char *sha, int allow_truncated);
/* stream.c: a bench --json document: env plus cases, always complete. */
int stream_read_document(struct ingest *in, json_t *doc, const char *sha);

#endif
