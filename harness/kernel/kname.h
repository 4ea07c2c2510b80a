/*
 * kname: a kernel name is an alias for one build in the kernel cache. It
 * may move to another build only when asked (kernel build --replace): what
 * ran under the name keeps the build it ran (the database records builds,
 * results/db.c). Also the difference between two builds' metadata in words
 * ("series added: inject-delay; config a3721cda2b77 -> 5b1d0e9a8c31"), for
 * that refusal and for the nightly report's "build changed" line.
 */
#ifndef GUPBENCH_KNAME_H
#define GUPBENCH_KNAME_H

#include <jansson.h>

/* What differs between two cache metadata objects (meta.json's source.id,
 * series, fragments and their hashes, config_sha256, compiler, arch), "; "
 * joined; "" when none of them does. malloc'd. */
char *kname_diff(json_t *old, json_t *now);

/* May name point at the build want (a metadata object with at least "key")?
 * 0 when the name is new, already that build, or replace is set; otherwise
 * one error line naming both builds, what differs and --replace, and
 * EXIT_REFUSED. Nothing is changed either way. */
int kname_claim(const char *name, json_t *want, int replace);

#endif
