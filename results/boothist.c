/*
 * boothist: the class of a set of boots (clock, host class, architecture,
 * guest settings)
 * and the per-case boot history the model pools its variance from (see
 * boothist.h). The class expressions are written once here, so the refusal
 * to mix classes and the history filter can never disagree.
 */
#include "results/boothist.h"
#include "results/samples.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

#define CLASS_FROM " FROM boots b JOIN runs r ON r.id = b.run_id LEFT JOIN hosts h ON h.id = r.host_id" \
		   " JOIN kernels k ON k.id = b.kernel_id"
#define CLOCK_EXPR "b.clock"
#define HOST_EXPR "coalesce(b.accel, r.accel, 'unknown accelerator') || ' on ' ||" \
		  " coalesce(h.cpu_model, 'unknown host') || ' x' || coalesce(h.ncpus, '?')"
#define ARCH_EXPR "coalesce(CASE WHEN json_valid(b.guest_env) THEN json_extract(b.guest_env, '$.arch') END," \
		  " k.arch, 'unknown')"
/* the vCPUs QEMU gave the guest (whether the plan or --cpus chose them) and
 * the user's --memory/--append/--qemu-arg (runs.noise's "guest"; {} for the
 * plan's own) */
#define GUEST_EXPR "coalesce(b.vcpus, '?') || ' vCPU, ' || coalesce(CASE WHEN json_valid(r.noise) THEN" \
		   " json_remove(json_extract(r.noise, '$.guest'), '$.cpus') END, '{}')"

static const char *db_file(sqlite3 *db)
{
	const char *f = sqlite3_db_filename(db, "main");

	return f && *f ? f : ":memory:";
}

/* ", "-joined distinct values of expr over a side's boots; count in *n. */
static int distinct(sqlite3 *db, const struct db_selector *sel, const char *expr, char **out, size_t *n)
{
	char *sql = xasprintf("SELECT DISTINCT %s" CLASS_FROM " WHERE b.id IN (%s) ORDER BY 1", expr, sel->sql);
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	free(sql);
	*n = 0;
	if (rc != SQLITE_OK)
		return error("cannot read the boots of '%s' from '%s': %s", sel->text, db_file(db), sqlite3_errmsg(db));
	m = open_memstream(&buf, &len);
	sqlite3_bind_text(st, 1, sel->text, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fprintf(m, "%s%s", (*n)++ ? ", " : "", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	fclose(m);
	*out = buf;
	if (rc != SQLITE_DONE)
		return error("cannot read the boots of '%s' from '%s': %s", sel->text, db_file(db), sqlite3_errmsg(db));
	return 0;
}

int boothist_class(sqlite3 *db, const struct db_selector *sel, struct boot_class *out)
{
	memset(out, 0, sizeof(*out));
	if (distinct(db, sel, CLOCK_EXPR, &out->clock, &out->nclock) ||
	    distinct(db, sel, HOST_EXPR, &out->host, &out->nhost) ||
	    distinct(db, sel, ARCH_EXPR, &out->arch, &out->narch) ||
	    distinct(db, sel, GUEST_EXPR, &out->guest, &out->nguest)) {
		boot_class_free(out);
		return -1;
	}
	return 0;
}

void boot_class_free(struct boot_class *c)
{
	free(c->clock);
	free(c->host);
	free(c->arch);
	free(c->guest);
	memset(c, 0, sizeof(*c));
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int boothist_ids(sqlite3 *db, const struct db_selector *sel, int64_t **ids, size_t *n)
{
	char *sql = xasprintf("SELECT b.id FROM boots b WHERE b.id IN (%s)", sel->sql);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	free(sql);
	if (rc != SQLITE_OK)
		return error("cannot read the boots of '%s' from '%s': %s", sel->text, db_file(db), sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, sel->text, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return error("cannot read the boots of '%s' from '%s': %s", sel->text, db_file(db), sqlite3_errmsg(db));
	qsort(*ids, *n, sizeof(**ids), cmp_id);
	return 0;
}

/* The build a boot belongs to: the one place history is grouped by (the
 * exact build it ran: a name that covered two builds never pools them). */
static const char *build_of(const struct sample_boot *b)
{
	return b->build;
}

/* Boots of one case, ordered by build so each build's boots are adjacent. */
static int cmp_boot_build(const void *a, const void *b)
{
	const struct sample_boot *x = *(const struct sample_boot *const *)a, *y = *(const struct sample_boot *const *)b;
	int c = strcmp(build_of(x), build_of(y));

	return c ? c : (x->boot_id > y->boot_id) - (x->boot_id < y->boot_id);
}

/* One case's boots, build by build, into its history. */
static void case_history(const struct sample_case *sc, const int64_t *compared, size_t ncompared,
			 struct model_history *h)
{
	const struct sample_boot **bp = xcalloc(sc->nb + 1, sizeof(*bp));
	double *med = xcalloc(sc->nb + 1, sizeof(*med));
	unsigned char *cmp = xcalloc(sc->nb + 1, 1);
	size_t nb = 0;

	for (size_t k = 0; k < sc->nb; k++)
		if (sc->b[k].n)
			bp[nb++] = &sc->b[k];
	qsort(bp, nb, sizeof(*bp), cmp_boot_build);
	for (size_t i = 0; i < nb;) {
		size_t j = i;

		for (; j < nb && !strcmp(build_of(bp[j]), build_of(bp[i])); j++) {
			med[j - i] = bp[j]->median;
			cmp[j - i] = bsearch(&bp[j]->boot_id, compared, ncompared, sizeof(*compared), cmp_id) != NULL;
		}
		model_history_add(h, med, cmp, j - i);
		i = j;
	}
	free(bp);
	free(med);
	free(cmp);
}

int boothist_load(sqlite3 *db, const char *metric, const struct boothist_class_sel *cls,
		  const int64_t *compared, size_t ncompared, struct boothist *out)
{
	/* The class as one bound string: the dimensions that must match, joined
	 * by a unit separator (values come from the database, never SQL text). */
	const char *exprs[] = { CLOCK_EXPR, HOST_EXPR, ARCH_EXPR, GUEST_EXPR },
		   *vals[] = { cls->clock, cls->host, cls->arch, cls->guest };
	char *expr = xstrdup("''"), *bind = xstrdup(""), *t, *sql;
	struct sample_set set;
	struct sample_query q = { .metric = metric };
	int rc;

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		if (!vals[i])
			continue;
		t = xasprintf("%s || char(31) || %s", expr, exprs[i]);
		free(expr);
		expr = t;
		t = xasprintf("%s\x1f%s", bind, vals[i]);
		free(bind);
		bind = t;
	}
	sql = xasprintf("SELECT b.id" CLASS_FROM " WHERE %s = ?1", expr);
	q.boots_sql = sql;
	q.bind = bind;
	memset(out, 0, sizeof(*out));
	rc = samples_load(db, &q, &set);
	free(sql);
	free(bind);
	free(expr);
	if (rc)
		return -1;
	out->c = xcalloc(set.n + 1, sizeof(*out->c));
	for (size_t i = 0; i < set.n; i++) {
		out->c[out->n].key = xstrdup(set.c[i].key);
		case_history(&set.c[i], compared, ncompared, &out->c[out->n].h);
		out->n++;
	}
	sample_set_free(&set);
	return 0;
}

static int cmp_key(const void *k, const void *c)
{
	return strcmp(k, ((const struct boothist_case *)c)->key);
}

const struct model_history *boothist_find(const struct boothist *b, const char *key)
{
	const struct boothist_case *c = bsearch(key, b->c, b->n, sizeof(*b->c), cmp_key);

	return c ? &c->h : NULL;
}

void boothist_free(struct boothist *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->c[i].key);
		model_history_free(&b->c[i].h);
	}
	free(b->c);
	memset(b, 0, sizeof(*b));
}
