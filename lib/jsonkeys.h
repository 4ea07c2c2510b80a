/*
 * jsonkeys: the one check that a JSON object holds only the keys its
 * reader knows (the matrix, the guest's plan, the nightly config). A key
 * table is any array whose entries start with the key's name (a
 * const char *): a plain list of names, or a struct with the name first.
 */
#ifndef GUPBENCH_JSONKEYS_H
#define GUPBENCH_JSONKEYS_H

#include <jansson.h>
#include <stddef.h>

/* For a table that ends at its first NULL name rather than at a count. */
#define JSONKEYS_TO_NULL ((size_t)-1)

/* k's index in the table (n entries of stride bytes each), or -1. */
long jsonkeys_find(const void *table, size_t n, size_t stride, const char *k);

/* The first key of obj (in jansson's order) that is not in the table, or NULL. */
const char *jsonkeys_unknown(json_t *obj, const void *table, size_t n, size_t stride);

#endif
