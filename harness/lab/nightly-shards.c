/*
 * nightly-shards: judging, merging and resetting the shards of a night (see
 * nightly-shards.h). The slice of a matrix that shard K of N runs is the one
 * `run --shard K/N` runs (run_shard_range), so completeness is checked case
 * by case against the matrix files themselves.
 */
#include "harness/lab/nightly-shards.h"
#include "results/db.h"
#include "harness/guest/matrix.h"
#include "harness/guest/run.h"
#include "results/shards.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void free_ids(char **ids, long n)
{
	for (long i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static int has_id(char **ids, long n, const char *id)
{
	for (long i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return 1;
	return 0;
}

/*
 * What shard k of n misses of matrix m for source src in the database h
 * (NULL: no database): NULL when nothing, else one line. *err set on a
 * database error.
 */
static char *missing_cases(sqlite3 *h, const struct nightly_config *cfg, const struct nightly_source *src,
			   const struct matrix *m, const char *date, unsigned k, unsigned n, int *err)
{
	size_t lo, hi, nmiss = 0;
	const char *first = NULL;
	char **ids = NULL, *prefix, *why = NULL;
	long nids = 0;

	run_shard_range(m->n, (int)k, (int)n, &lo, &hi);
	if (lo == hi)
		return NULL;
	prefix = xasprintf("%s/%s/%s/", cfg->label_prefix, src->name, date);
	if (h && (nids = shards_stored_case_ids(h, prefix, m->name, &ids)) < 0) {
		*err = 1;
		nids = 0;
	}
	for (size_t i = lo; i < hi; i++)
		if (!has_id(ids, nids, m->cases[i].id)) {
			nmiss++;
			if (!first)
				first = m->cases[i].id;
		}
	if (nmiss)
		why = xasprintf("%zu of %zu cases of matrix '%s' for source '%s' not stored by a complete run (first '%s')",
				nmiss, hi - lo, m->name, src->name, first);
	free_ids(ids, nids);
	free(prefix);
	return why;
}

/* Judge one shard against the loaded matrices; 0 or -1 on a database error. */
static int judge(const struct nightly_config *cfg, const struct matrix *ms, const char *date,
		 struct night_shard *s)
{
	sqlite3 *h = file_exists(s->db) ? db_open(s->db, DB_READONLY) : NULL;
	int err = 0;

	for (size_t i = 0; i < cfg->nsources && !s->why && !err; i++)
		for (size_t j = 0; j < cfg->nmatrices && !s->why && !err; j++)
			s->why = missing_cases(h, cfg, &cfg->sources[i], &ms[j], date, s->k, s->n, &err);
	if (s->why && !h) {
		free(s->why);
		s->why = xasprintf("no database '%s' (the shard never started or wrote elsewhere)", s->db);
	}
	s->complete = !s->why && !err;
	if (h)
		db_close(h);
	return err ? -1 : 0;
}

int night_shards_check(const struct nightly_config *cfg, const char *dir, const char *date, unsigned n,
		       struct night_shard **out)
{
	struct matrix *ms = xcalloc(cfg->nmatrices + 1, sizeof(*ms));
	char err[512];
	int ret = 0;
	size_t loaded = 0;

	*out = xcalloc(n, sizeof(**out));
	for (; loaded < cfg->nmatrices; loaded++)
		if (matrix_load(cfg->matrices[loaded], 0, &ms[loaded], err, sizeof(err))) {
			error("%s", err);
			ret = EXIT_USAGE;
			goto out;
		}
	for (unsigned k = 1; k <= n; k++) {
		struct night_shard *s = &(*out)[k - 1];

		s->k = k;
		s->n = n;
		s->db = xasprintf("%s/shard-%u.db", dir, k);
		if (judge(cfg, ms, date, s) < 0)
			ret = EXIT_DB;
	}
out:
	for (size_t i = 0; i < loaded; i++)
		matrix_free(&ms[i]);
	free(ms);
	return ret;
}

void night_shards_free(struct night_shard *s, unsigned n)
{
	for (unsigned i = 0; s && i < n; i++) {
		free(s[i].db);
		free(s[i].why);
	}
	free(s);
}

/* gupharness db merge SHARD --db DB, its summary line sent to stderr. */
static int merge_one(const char *shard, const char *db)
{
	char *argv[] = { (char *)self_exe(), "db", "merge", (char *)shard, "--db", (char *)db, NULL };
	struct spawn_opts o = { .stdout_path = "/dev/stderr", .out_append = 1 };
	struct spawn_result r;
	int st;

	if (spawn_run(argv, &o, &r) != 0 || r.exec_failed)
		st = error("cannot start '%s db merge': %s", argv[0], strerror(r.err));
	else
		st = r.status;
	spawn_result_free(&r);
	return st;
}

int night_shards_merge(const struct nightly_config *cfg, const char *dir, const char *date, unsigned n,
		       const char *db)
{
	struct night_shard *s;
	int missing = 0, st = night_shards_check(cfg, dir, date, n, &s);

	for (unsigned i = 0; !st && i < n; i++) {
		if (!s[i].complete) {
			error("shard %u/%u of %s is incomplete: %s; run that shard again (the same 'nightly --slurm' resubmits only missing shards)",
			      s[i].k, n, date, s[i].why);
			missing++;
		} else if (file_exists(s[i].db) && (st = merge_one(s[i].db, db)) != 0) {
			error("merging shard %u/%u ('%s') into '%s' failed (status %d); shards merged before it are kept",
			      s[i].k, n, s[i].db, db, st);
			st = st > 0 ? st : EXIT_DB;
		}
	}
	if (!st)
		note("nightly: %u of %u shards of %s merged into '%s'", n - (unsigned)missing, n, date, db);
	night_shards_free(s, n);
	return st ? -st : missing;
}

int night_shard_set_aside(const struct night_shard *s)
{
	static const char *const suffixes[] = { "-wal", "-shm", "" };   /* the database last */
	char *stem = xstrdup(s->db), *dot = strrchr(stem, '.'), *to = NULL;
	int ret = 0;

	*dot = '\0';
	for (unsigned i = 1; !to; i++) {
		to = xasprintf("%s.incomplete-%u.db", stem, i);
		if (file_exists(to)) {
			free(to);
			to = NULL;
		}
	}
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]) && !ret; i++) {
		char *a = xasprintf("%s%s", s->db, suffixes[i]), *b = xasprintf("%s%s", to, suffixes[i]);

		if (file_exists(a) && rename(a, b) < 0)
			ret = error("cannot move '%s' aside to '%s': %s", a, b, strerror(errno));
		free(a);
		free(b);
	}
	if (!ret)
		note("nightly: shard %u/%u was incomplete; its database is kept as '%s' and the shard runs again",
		     s->k, s->n, to);
	free(stem);
	free(to);
	return ret;
}
