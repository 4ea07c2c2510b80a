/*
 * stream: the one results-stream record parser (bench/PROTOCOL.md), shared
 * by the ingest, run's live watch of a guest (harness/guest/boot.c) and the
 * KVM probe (harness/guest/qemu.c).
 */
#ifndef GUPBENCH_STREAM_H
#define GUPBENCH_STREAM_H

#include <jansson.h>
#include <stddef.h>

/*
 * One line (no newline) as a JSON object, or NULL when it is not one (err,
 * if given, says why; a repeated key is refused). Free with json_decref().
 */
json_t *stream_record_parse(const char *line, size_t len, json_error_t *err);
/* The record's "type", or NULL. */
const char *stream_record_type(const json_t *rec);

#endif
