/*
 * selector: what a user's BASE/NEW word names (a run id, a run label or a
 * kernel name, tried in that order) as a query for its boots and a
 * description (see db.h), or the known names when it names nothing.
 */
#include "results/db.h"
#include "results/db-helpers.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Count rows for a selector's description; -1 on error. */
static long long count_of(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = db_prepare(db, sql, "resolve a name");
	long long n = -1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

#define NAME_BUILD_SQL "SELECT max(k.id) FROM kernels k WHERE k.name = ?1" \
		       " AND EXISTS (SELECT 1 FROM boots x WHERE x.kernel_id = k.id)"

#define NAME_BUILDS_SQL "SELECT count(DISTINCT b.kernel_id) FROM boots b JOIN kernels k ON k.id = b.kernel_id" \
			" WHERE k.name = ?1"

/* The ways a BASE/NEW word can name boots, tried in this order. */
static const struct selector_kind {
	int kind;
	const char *what;
	const char *exists_sql;   /* > 0 when the word names one of these */
	const char *runs_sql;     /* how many runs it covers, for the description */
	const char *boots_sql;
} selector_kinds[] = {
	{ 2, "run",
	  "SELECT count(*) FROM runs WHERE ?1 GLOB '[0-9]*' AND ?1 NOT GLOB '*[^0-9]*' AND id = CAST(?1 AS INTEGER)",
	  "SELECT 1",
	  "SELECT b.id FROM boots b WHERE b.run_id = CAST(?1 AS INTEGER)" },
	{ 1, "label",
	  "SELECT count(*) FROM runs WHERE label = ?1",
	  "SELECT count(*) FROM runs WHERE label = ?1",
	  "SELECT b.id FROM boots b JOIN runs r ON r.id = b.run_id WHERE r.label = ?1" },
	/* a kernel name is the build it points at last: the newest row of that
	 * name that has boots (a name that moved never pools two builds) */
	{ 0, "kernel",
	  "SELECT count(*) FROM kernels WHERE name = ?1",
	  "SELECT count(DISTINCT b.run_id) FROM boots b WHERE b.kernel_id = (" NAME_BUILD_SQL ")",
	  "SELECT b.id FROM boots b WHERE b.kernel_id = (" NAME_BUILD_SQL ")" },
};

static void list_known(sqlite3 *db, const char *sql, const char *title)
{
	sqlite3_stmt *st = db_prepare(db, sql, "list known names");
	char *line = NULL;
	size_t len = 0;
	FILE *m;

	if (!st)
		return;
	m = open_memstream(&line, &len);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(m, "%s'%s'", ftell(m) ? ", " : "", (const char *)sqlite3_column_text(st, 0));
	fclose(m);
	sqlite3_finalize(st);
	fprintf(stderr, "hint: known %s: %s\n", title, len ? line : "(none)");
	free(line);
}

int db_resolve_selector(sqlite3 *db, const char *arg, struct db_selector *out)
{
	const char *text = arg[0] == '#' ? arg + 1 : arg;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(selector_kinds) / sizeof(selector_kinds[0]); i++) {
		const struct selector_kind *k = &selector_kinds[i];
		long long found, runs;

		/* "#12" can only be a run id. */
		if (arg[0] == '#' && k->kind != 2)
			continue;
		found = count_of(db, k->exists_sql, text);
		if (found < 0)
			return -1;
		if (found == 0)
			continue;
		runs = count_of(db, k->runs_sql, text);
		out->kind = k->kind;
		out->text = xstrdup(text);
		out->sql = xstrdup(k->boots_sql);
		if (k->kind == 2)
			out->describe = xasprintf("run #%s", text);
		else
			out->describe = xasprintf("%s '%s' (%lld run%s%s)", k->what, text, runs, runs == 1 ? "" : "s",
						  k->kind == 0 && count_of(db, NAME_BUILDS_SQL, text) > 1
						  ? " of its latest build; earlier builds under that name are left out" : "");
		return 0;
	}
	error("'%s' names no run id, run label or kernel in '%s'", arg, db_name(db));
	list_known(db, "SELECT name FROM kernels ORDER BY name", "kernels");
	list_known(db, "SELECT DISTINCT label FROM runs WHERE label IS NOT NULL ORDER BY label", "labels");
	list_known(db, "SELECT '#' || id FROM runs ORDER BY id DESC LIMIT 20", "runs (latest 20)");
	return -1;
}

void db_selector_free(struct db_selector *s)
{
	free(s->sql);
	free(s->text);
	free(s->describe);
	memset(s, 0, sizeof(*s));
}
