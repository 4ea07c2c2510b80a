/*
 * nightly-bisect: a nightly regression, bisected. When a git source asks
 * for it ("bisect": true) and tonight's comparison with the last good night
 * found a regression, the worst regressed case is bisected between the two
 * nights' commits by gupharness's own `bisect` subcommand (spawned, as the
 * nightly builds and runs are), in the matrix of the config that holds the
 * case; the report file and its outcome go into the night's report.
 */
#include "harness/lab/nightly.h"
#include "harness/guest/matrix.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

/* The config's matrix holding case key, or NULL. */
static const char *matrix_of(const struct nightly_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->nmatrices; i++) {
		struct matrix m;
		char err[256];
		int found = 0;

		if (matrix_load(cfg->matrices[i], 0, &m, err, sizeof(err)))
			continue;
		for (size_t k = 0; k < m.n && !found; k++)
			found = !strcmp(m.cases[k].id, key);
		matrix_free(&m);
		if (found)
			return cfg->matrices[i];
	}
	return NULL;
}

static const char *outcome_of(int status)
{
	switch (status) {
	case EXIT_OK: return "first bad commit found";
	case EXIT_FAIL: return "no single commit found (only skipped commits left, or the ends do not differ)";
	case EXIT_REVERSED: return "the good night's commit is the slower: nothing to bisect";
	case EXIT_INTERRUPTED: return "interrupted; run the same bisect command to resume";
	default: return "failed; see the report file";
	}
}

static void bisect_stream(const struct nightly_config *cfg, const struct nightly_report *r,
			  struct nightly_stream *s, const char *dir)
{
	const char *matrix = matrix_of(cfg, s->worst_key);
	struct strvec a = STRVEC_INIT;
	char *good, *bad;
	struct spawn_opts o = { 0 };
	struct spawn_result res;
	int st;

	if (!matrix) {
		warning("nightly: '%s' regressed on '%s', which no matrix of the config holds; not bisected",
			s->src->name, s->worst_key);
		return;
	}
	s->bisect_report = xasprintf("%s/bisect-%s.txt", dir, s->src->name);
	o.stdout_path = s->bisect_report;
	/* a night id is "<commit12>-<build8>" (nightly-identity.c): the commits are bisected */
	good = xasprintf("%.*s", (int)strcspn(s->nights[s->last_good].id, "-"), s->nights[s->last_good].id);
	bad = xasprintf("%.*s", (int)strcspn(s->nights[s->tonight].id, "-"), s->nights[s->tonight].id);
	strvec_pushl(&a, self_exe(), "bisect", "--source", s->src->path, "--good", good, "--bad", bad, "--case", s->worst_key, "--matrix", matrix, "--metric",
		     cfg->metric, "--db", r->db, "--format", "report", NULL);
	note("nightly: '%s' regressed on '%s': bisecting %.12s..%.12s (report '%s')", s->src->name, s->worst_key,
	     s->nights[s->last_good].id, s->nights[s->tonight].id, s->bisect_report);
	st = spawn_run(a.v, &o, &res) ? EXIT_ENV : res.status;
	spawn_result_free(&res);
	strvec_clear(&a);
	free(good);
	free(bad);
	s->bisect_outcome = xstrdup(outcome_of(st));
	note("nightly: bisection of '%s': %s", s->src->name, s->bisect_outcome);
}

void nightly_bisect(const struct nightly_config *cfg, struct nightly_report *r)
{
	char *dir = xasprintf("%s/%s", cfg->report_dir, r->date);

	for (size_t i = 0; i < r->nstreams; i++) {
		struct nightly_stream *s = &r->streams[i];

		if (!s->src->bisect || s->src->kind != SOURCE_GIT || !s->worst_key || s->last_good < 0 ||
		    s->tonight < 0 || spawn_interrupted())
			continue;
		if (mkdir_p(dir, 0755)) {
			warning("nightly: cannot create '%s': %m; no bisection", dir);
			break;
		}
		bisect_stream(cfg, r, s, dir);
	}
	free(dir);
}
