/*
 * samples: the sample loader and the metric table (see samples.h). One
 * query ordered by case key, boot and repeat; rows fold into cases and
 * boots as they arrive.
 */
#include "results/samples.h"
#include "results/provenance.h"
#include "lib/stats.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

const struct sample_metric sample_metrics[] = {
	{ "get", "get_us", "get time" },
	{ "put", "put_us", "put time" },
};
const size_t sample_nmetrics = sizeof(sample_metrics) / sizeof(sample_metrics[0]);

const struct sample_metric *sample_metric_find(const char *name)
{
	for (size_t i = 0; i < sample_nmetrics; i++)
		if (name && !strcmp(name, sample_metrics[i].name))
			return &sample_metrics[i];
	return NULL;
}

enum {
	COL_KEY, COL_CASE_ID, COL_CMD, COL_SIZE, COL_PAGES, COL_THP, COL_HUGETLB, COL_WRITE, COL_SHARED,
	COL_THREADS, COL_NUMA, COL_FILE, COL_RUN, COL_STARTED, COL_KERNEL, COL_ACCEL, COL_LABEL, COL_BOOT,
	COL_VALUE, COL_WARMUP, COL_TRUNCATED, COL_BUILD,
};

static char *col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return xstrdup(t ? (const char *)t : "");
}

static long long col_int(sqlite3_stmt *st, int i, long long dflt)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? dflt : sqlite3_column_int64(st, i);
}

static struct sample_case *new_case(struct sample_set *s, sqlite3_stmt *st)
{
	struct sample_case *c;

	s->c = xrealloc(s->c, (s->n + 1) * sizeof(*s->c));
	c = &s->c[s->n++];
	memset(c, 0, sizeof(*c));
	c->key = col_str(st, COL_KEY);
	c->case_id = col_str(st, COL_CASE_ID);
	c->cmd = col_str(st, COL_CMD);
	c->size_mb = sqlite3_column_double(st, COL_SIZE);
	c->nr_pages = col_int(st, COL_PAGES, 0);
	c->thp = col_str(st, COL_THP);
	c->hugetlb_kb = col_int(st, COL_HUGETLB, 0);
	c->write = col_int(st, COL_WRITE, 0);
	c->shared = col_int(st, COL_SHARED, 0);
	c->threads = col_int(st, COL_THREADS, 1);
	c->numa_node = col_int(st, COL_NUMA, -1);
	c->file = col_str(st, COL_FILE);
	return c;
}

static struct sample_boot *new_boot(struct sample_case *c, sqlite3_stmt *st)
{
	struct sample_boot *b;

	c->b = xrealloc(c->b, (c->nb + 1) * sizeof(*c->b));
	b = &c->b[c->nb++];
	memset(b, 0, sizeof(*b));
	b->boot_id = sqlite3_column_int64(st, COL_BOOT);
	b->run_id = sqlite3_column_int64(st, COL_RUN);
	b->label = col_str(st, COL_LABEL);
	b->started = col_str(st, COL_STARTED);
	b->kernel = col_str(st, COL_KERNEL);
	b->build = col_str(st, COL_BUILD);
	b->accel = col_str(st, COL_ACCEL);
	return b;
}

static void add_row(struct sample_set *s, sqlite3_stmt *st)
{
	const char *key = (const char *)sqlite3_column_text(st, COL_KEY);
	struct sample_case *c = s->n ? &s->c[s->n - 1] : NULL;
	struct sample_boot *b;
	int no_value = sqlite3_column_type(st, COL_VALUE) == SQLITE_NULL;
	int truncated = sqlite3_column_int(st, COL_TRUNCATED) || no_value;
	double v = sqlite3_column_double(st, COL_VALUE);

	if (!c || strcmp(c->key, key ? key : ""))
		c = new_case(s, st);
	b = c->nb ? &c->b[c->nb - 1] : NULL;
	if (!b || b->boot_id != sqlite3_column_int64(st, COL_BOOT))
		b = new_boot(c, st);
	if (sqlite3_column_int(st, COL_WARMUP)) {
		b->warmups++;
		if (!truncated)
			dpush(&b->w, &b->nw, v);
	} else if (truncated) {
		b->truncated++;
	} else {
		dpush(&b->v, &b->n, v);
	}
}

int samples_load(sqlite3 *db, const struct sample_query *q, struct sample_set *out)
{
	const struct sample_metric *m = sample_metric_find(q->metric);
	sqlite3_stmt *st;
	char *sql;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!m)
		return error("unknown metric '%s'; use get or put", q->metric ? q->metric : "");
	sql = xasprintf("SELECT c.key, c.case_id, c.cmd, c.size_mb, c.nr_pages, c.thp, c.hugetlb_kb,"
			" c.write, c.shared, c.threads, c.numa_node, c.file,"
			" r.id, r.started, k.name, COALESCE(b.accel, r.accel, ''), r.label, b.id,"
			" s.%s, s.warmup, s.truncated, " BUILD_OF_KERNEL_ROW
			" FROM cases c JOIN boots b ON b.id = c.boot_id JOIN runs r ON r.id = b.run_id"
			" JOIN kernels k ON k.id = b.kernel_id JOIN samples s ON s.case_id = c.id"
			" WHERE c.status = 'ok' AND c.boot_id IN (%s)"
			/* a key or id some case has exactly selects that case alone (-n 1 is not -n 1024) */
			" AND (?2 IS NULL OR CASE WHEN EXISTS (SELECT 1 FROM cases x WHERE x.boot_id IN (%s)"
			"  AND (x.key = ?2 OR x.case_id = ?2)) THEN (c.key = ?2 OR c.case_id = ?2)"
			"  ELSE (instr(c.key, ?2) > 0 OR instr(c.case_id, ?2) > 0) END)"
			" ORDER BY c.key, b.id, s.idx", m->column, q->boots_sql, q->boots_sql);
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return error("cannot read samples from '%s': %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, q->bind, -1, SQLITE_STATIC);
	if (q->filter)
		sqlite3_bind_text(st, 2, q->filter, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add_row(out, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sample_set_free(out);
		return error("cannot read samples from '%s': %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	}
	for (size_t i = 0; i < out->n; i++)
		for (size_t k = 0; k < out->c[i].nb; k++)
			if (out->c[i].b[k].n)
				out->c[i].b[k].median = stats_median(out->c[i].b[k].v, out->c[i].b[k].n);
	return 0;
}

void sample_set_free(struct sample_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct sample_case *c = &s->c[i];

		for (size_t k = 0; k < c->nb; k++) {
			free(c->b[k].label);
			free(c->b[k].started);
			free(c->b[k].kernel);
			free(c->b[k].build);
			free(c->b[k].accel);
			free(c->b[k].v);
			free(c->b[k].w);
		}
		free(c->b);
		free(c->key);
		free(c->case_id);
		free(c->cmd);
		free(c->thp);
		free(c->file);
	}
	free(s->c);
	memset(s, 0, sizeof(*s));
}

void samples_selection_names(sqlite3 *db, const char *boots_sql, const char *bind, char **kernels, char **accels)
{
	char *sql = xasprintf("SELECT group_concat(DISTINCT k.name), group_concat(DISTINCT COALESCE(b.accel, r.accel))"
			      " FROM boots b JOIN kernels k ON k.id = b.kernel_id JOIN runs r ON r.id = b.run_id"
			      " WHERE b.id IN (%s)", boots_sql);
	sqlite3_stmt *st;

	*kernels = *accels = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(EXIT_DB, "cannot read kernels from '%s': %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	free(sql);
	sqlite3_bind_text(st, 1, bind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*kernels = col_str(st, 0);
		*accels = col_str(st, 1);
	}
	sqlite3_finalize(st);
}

/* An option setter (lib/opt.h) for a sample metric: get or put. */
int opt_set_metric(void *dst, const char *v)
{
	if (!sample_metric_find(v))
		return -1;
	*(const char **)dst = v;
	return 0;
}
