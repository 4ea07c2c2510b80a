/*
 * kname: refusing to move a kernel name to other content, and the words for
 * what differs between two builds (see kname.h).
 */
#include "harness/kernel/kname.h"
#include "harness/kernel/kcache.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str_at(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	return json_string_value(b ? json_object_get(v, b) : v);
}

static const char *base_name(const char *path)
{
	return strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
}

/* The hash of fragment path in meta (matched by file name: a checkout
 * elsewhere holds the same fragments), or NULL (not there, or not recorded). */
static const char *fragment_hash(json_t *meta, const char *path, int *present)
{
	json_t *paths = json_object_get(meta, "fragments"), *hashes = json_object_get(meta, "fragment_sha256");

	*present = 0;
	for (size_t i = 0; i < json_array_size(paths); i++)
		if (json_string_value(json_array_get(paths, i)) &&
		    !strcmp(base_name(json_string_value(json_array_get(paths, i))), base_name(path))) {
			*present = 1;
			return json_string_value(json_array_get(hashes, i));
		}
	return NULL;
}

/* Fragments added, removed, or (both hashes known) changed, from old to now. */
static void fragments_diff(FILE *m, json_t *old, json_t *now)
{
	json_t *op = json_object_get(old, "fragments"), *np = json_object_get(now, "fragments");
	int there;

	for (size_t i = 0; i < json_array_size(np); i++) {
		const char *p = json_string_value(json_array_get(np, i)), *oh, *nh;

		if (!p)
			continue;
		oh = fragment_hash(old, p, &there);
		nh = fragment_hash(now, p, &(int){ 0 });
		if (!there)
			fprintf(m, "; config fragment added: %s", base_name(p));
		else if (oh && nh && strcmp(oh, nh))
			fprintf(m, "; config fragment %s changed", base_name(p));
	}
	for (size_t i = 0; i < json_array_size(op); i++) {
		const char *p = json_string_value(json_array_get(op, i));

		if (p && (fragment_hash(now, p, &there), !there))
			fprintf(m, "; config fragment removed: %s", base_name(p));
	}
}

static void series_diff(FILE *m, json_t *old, json_t *now)
{
	const char *on = str_at(old, "series", "name"), *nn = str_at(now, "series", "name");
	const char *oh = str_at(old, "series", "sha256"), *nh = str_at(now, "series", "sha256");

	if (!on && nn)
		fprintf(m, "; series added: %s", nn);
	else if (on && !nn)
		fprintf(m, "; series removed: %s", on);
	else if (on && nn && strcmp(on, nn))
		fprintf(m, "; series %s -> %s", on, nn);
	else if (on && oh && nh && strcmp(oh, nh))
		fprintf(m, "; series %s changed (%.12s -> %.12s)", on, oh, nh);
}

/* "; what old -> now" when both are known and differ (hashes cut to 12). */
static void field_diff(FILE *m, const char *what, const char *o, const char *n, int cut)
{
	if (o && n && strcmp(o, n))
		fprintf(m, cut ? "; %s %.12s -> %.12s" : "; %s %s -> %s", what, o, n);
}

char *kname_diff(json_t *old, json_t *now)
{
	char *buf = NULL, *out;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	field_diff(m, "source", str_at(old, "source", "id"), str_at(now, "source", "id"), 0);
	series_diff(m, old, now);
	fragments_diff(m, old, now);
	field_diff(m, "config", str_at(old, "config_sha256", NULL), str_at(now, "config_sha256", NULL), 1);
	field_diff(m, "compiler", str_at(old, "compiler", NULL), str_at(now, "compiler", NULL), 0);
	field_diff(m, "arch", str_at(old, "arch", NULL), str_at(now, "arch", NULL), 0);
	fclose(m);
	out = xstrdup(len > 2 ? buf + 2 : "");
	free(buf);
	return out;
}

int kname_claim(const char *name, json_t *want, int replace)
{
	struct kernel_entry e;
	const char *key = str_at(want, "key", NULL);
	json_t *old;
	char *diff;

	if (replace || kcache_lookup(name, &e))
		return 0;
	if (!strcmp(e.key ? e.key : "", key ? key : "")) {
		kernel_entry_free(&e);
		return 0;
	}
	old = json_loads(e.meta_json, 0, NULL);
	diff = kname_diff(old, want);
	error("kernel name '%s' is build %.12s; this request is build %.12s (%s); '%s' was left as it was:"
	      " use another --name, or --replace to move '%s' to the new build (runs stored under it keep the"
	      " build they ran)", name, e.key ? e.key : "?", key ? key : "?", *diff ? diff : "other content",
	      name, name);
	free(diff);
	json_decref(old);
	kernel_entry_free(&e);
	return EXIT_REFUSED;
}
