/*
 * provenance: the kernel builds behind a set of boots (see provenance.h).
 * The patches' hashes come from the cache metadata kept in kernels.meta
 * (series.patch_sha256); the other fields are the kernels table's columns.
 */
#include "results/provenance.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

static const char builds_sql[] =
	"SELECT k.name, coalesce(k.release, ''), coalesce(k.source, ''), coalesce(k.series, ''),"
	" coalesce((SELECT group_concat(substr(p.value, 1, 12), ' ') FROM"
	"  json_each(CASE WHEN json_valid(k.meta) THEN k.meta END, '$.series.patch_sha256') p), ''),"
	" coalesce(k.config_hash, ''), coalesce(k.compiler, ''), coalesce(k.arch, '')"
	" FROM kernels k WHERE k.id IN (SELECT b.kernel_id FROM boots b WHERE b.id IN (%s)) ORDER BY k.name";

static char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return xstrdup(t ? (const char *)t : "");
}

int provenance_of_boots(sqlite3 *db, const char *boots_sql, const char *bind, struct kernel_builds *out)
{
	char *sql = xasprintf(builds_sql, boots_sql);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	free(sql);
	memset(out, 0, sizeof(*out));
	if (rc != SQLITE_OK)
		return error("cannot read the kernels of '%s': %s", bind ? bind : "?", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, bind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->k = xrealloc(out->k, (out->n + 1) * sizeof(*out->k));
		out->k[out->n++] = (struct kernel_build){
			col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5), col(st, 6), col(st, 7),
		};
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		kernel_builds_free(out);
		return error("cannot read the kernels of '%s': %s", bind ? bind : "?", sqlite3_errmsg(db));
	}
	return 0;
}

int provenance_of_label(sqlite3 *db, const char *label, struct kernel_builds *out)
{
	return provenance_of_boots(db, "SELECT b.id FROM boots b JOIN runs r ON r.id = b.run_id WHERE r.label = ?1",
				   label, out);
}

void kernel_builds_free(struct kernel_builds *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct kernel_build *k = &b->k[i];

		free(k->name);
		free(k->release);
		free(k->source);
		free(k->series);
		free(k->patches);
		free(k->config_hash);
		free(k->compiler);
		free(k->arch);
	}
	free(b->k);
	memset(b, 0, sizeof(*b));
}

/* A source identity with its hash cut: "tar-585a4a074597" from "tar-<64 hex>". */
static char *short_id(const char *id)
{
	const char *dash = strrchr(id, '-');
	size_t keep = dash ? (size_t)(dash - id) + 1 + 12 : 12;

	return xasprintf("%.*s", (int)(strlen(id) < keep ? strlen(id) : keep), id);
}

char *kernel_build_line(const struct kernel_build *k)
{
	char *src = short_id(k->source);
	char *series = *k->series ? xasprintf("series %s%s%s%s", k->series, *k->patches ? " (patches " : "",
					      k->patches, *k->patches ? ")" : "")
				  : xstrdup("no series");
	char *line = xasprintf("%s (%s): source %s, %s, config %.12s, %s, %s", k->name, *k->release ? k->release : "release ?",
			       *src ? src : "unknown", series, *k->config_hash ? k->config_hash : "unknown",
			       *k->compiler ? k->compiler : "compiler unknown", *k->arch ? k->arch : "arch unknown");

	free(src);
	free(series);
	return line;
}
