/*
 * jsonkeys: look a JSON object's keys up in a reader's table of the keys it
 * knows (see jsonkeys.h).
 */
#include "lib/jsonkeys.h"

#include <string.h>

long jsonkeys_find(const void *table, size_t n, size_t stride, const char *k)
{
	const char *entry = table;

	for (size_t i = 0; i < n; i++, entry += stride) {
		const char *name = *(const char *const *)entry;

		if (!name)
			break;
		if (!strcmp(name, k))
			return (long)i;
	}
	return -1;
}

const char *jsonkeys_unknown(json_t *obj, const void *table, size_t n, size_t stride)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v)
		if (jsonkeys_find(table, n, stride, k) < 0)
			return k;
	return NULL;
}
