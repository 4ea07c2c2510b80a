/*
 * emit: the sinks. A finished case (options + result) is handed to one of
 * them: human text like the selftest's plus a summary line, a JSON case
 * record, a one-document JSON result (--json) or a line of the results
 * stream with its sequence number (plans, init mode). Formats are described
 * in bench/README.md and bench/PROTOCOL.md. Nothing here measures.
 */
#ifndef GUPBENCH_EMIT_H
#define GUPBENCH_EMIT_H

#include <jansson.h>
#include <stdio.h>

#include "bench/options.h"
#include "bench/result.h"

/* Human sink: a sample_hook (arg is the FILE *), and the closing summary. */
void human_sample(const struct bench_opts *o, const struct sample *s, void *file);
void human_summary(FILE *f, const struct bench_opts *o, const struct case_result *r);

/*
 * The case record ("type":"case", no seq). tool is "gupbench" or
 * "selftest"; argv/argc the words the case was given.
 */
json_t *case_json(const char *id, const char *tool, char *const argv[], int argc,
		  const struct bench_opts *o, const struct case_result *r);
/* The params object of a case. */
json_t *params_json(const struct bench_opts *o);
/* Summary over the non-warm-up samples: {"get":{n,mean,...},"put":{...}}. */
json_t *summary_json(const struct case_result *r);

/* The results stream: one record per line, seq from 0, flushed each line. */
struct stream {
	FILE *f;
	long seq;
	long cases, ok, skip, error;
	double write_s;   /* guest seconds spent building and writing records (end "stream_s") */
};
void stream_init(struct stream *s, FILE *f);
/* Adds "type" and "seq", writes the line and consumes rec. -1 on a write error. */
int stream_emit(struct stream *s, const char *type, json_t *rec);
/* Count a case record's status for the end record. */
void stream_count(struct stream *s, const char *status);
/* The end record, with stream_s; extra (may be NULL) is merged into it (e.g. "error"). */
int stream_end(struct stream *s, json_t *extra);

/* --json: {"format":"gupbench-result-1","env":…,"cases":[…]}; consumes both. */
json_t *result_document(json_t *env, json_t *cases);

/*
 * Output file: "-" or NULL is stdout; otherwise PATH.tmp, renamed onto PATH
 * by out_close() so a half-written file never looks complete.
 */
FILE *out_open(const char *path);
int out_close(FILE *f, const char *path);

const char *case_status_name(enum case_status st);

#endif
