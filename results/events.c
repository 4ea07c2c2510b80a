/*
 * events: the event kinds table and the suspect-boot loader (see events.h).
 * The kinds here, the CHECK in the schema (results/schema.sql and its
 * migrations in db.c) and the console marker table (harness/guest/console.c) name
 * the same kinds; tests/unit/test_events.c holds them together.
 */
#include "results/events.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

const struct event_kind event_kinds[] = {
	{ "panic", 1 },       { "oops", 1 },        { "gpf", 1 },         { "bug", 1 },
	{ "sanitizer", 1 },   { "warning", 1 },     { "rcu_stall", 1 },   { "soft_lockup", 1 },
	{ "hard_lockup", 1 }, { "hung_task", 1 },   { "call_trace", 1 },
	{ "timeout", 0 },     { "crash", 0 },       { "truncated", 0 },   { "bad_stream", 0 },
	{ "build_failed", 0 }, { "interrupted", 0 }, { "error", 0 },
};
const size_t event_nkinds = sizeof(event_kinds) / sizeof(event_kinds[0]);

const struct event_kind *event_kind_find(const char *name)
{
	for (size_t i = 0; i < event_nkinds; i++)
		if (!strcmp(event_kinds[i].name, name))
			return &event_kinds[i];
	return NULL;
}

/* "'panic', 'oops', ...": the console kinds as an SQL list; malloc'd. */
static char *console_kinds_sql(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int first = 1;

	for (size_t i = 0; i < event_nkinds; i++)
		if (event_kinds[i].console) {
			fprintf(m, "%s'%s'", first ? "" : ", ", event_kinds[i].name);
			first = 0;
		}
	fclose(m);
	return buf;
}

static void add_kind(struct suspect_set *s, sqlite3_stmt *st)
{
	int64_t id = sqlite3_column_int64(st, 0);
	const char *kind = (const char *)sqlite3_column_text(st, 4);
	struct suspect_boot *b = s->n ? &s->b[s->n - 1] : NULL;

	if (!b || b->boot_id != id) {
		s->b = xrealloc(s->b, (s->n + 1) * sizeof(*s->b));
		b = &s->b[s->n++];
		b->boot_id = id;
		b->run_id = sqlite3_column_int64(st, 1);
		b->boot_index = (long)sqlite3_column_int64(st, 2);
		b->kernel = xstrdup((const char *)sqlite3_column_text(st, 3));
		b->kinds = xstrdup(kind);
		return;
	}
	char *k = xasprintf("%s, %s", b->kinds, kind);

	free(b->kinds);
	b->kinds = k;
}

int events_suspect_boots(sqlite3 *db, const char *boots_sql, const char *bind, struct suspect_set *out)
{
	char *kinds = console_kinds_sql();
	char *sql = xasprintf("SELECT b.id, b.run_id, b.boot_index, k.name, e.kind FROM events e"
			      " JOIN boots b ON b.id = e.boot_id JOIN kernels k ON k.id = b.kernel_id"
			      " WHERE e.boot_id IN (%s) AND e.kind IN (%s)"
			      " GROUP BY b.id, e.kind ORDER BY b.id, min(e.id)", boots_sql, kinds);
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	free(kinds);
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return error("cannot read the events of the boots of '%s': %s", bind ? bind : "?", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, bind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add_kind(out, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		suspect_set_free(out);
		return error("cannot read the events of the boots of '%s': %s", bind ? bind : "?", sqlite3_errmsg(db));
	}
	return 0;
}

const struct suspect_boot *suspect_find(const struct suspect_set *s, int64_t boot_id)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->b[mid].boot_id == boot_id)
			return &s->b[mid];
		if (s->b[mid].boot_id < boot_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void suspect_set_free(struct suspect_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->b[i].kernel);
		free(s->b[i].kinds);
	}
	free(s->b);
	memset(s, 0, sizeof(*s));
}
