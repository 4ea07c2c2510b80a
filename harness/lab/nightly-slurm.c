/*
 * nightly-slurm: the Slurm recipe of a sharded night (see nightly-slurm.h):
 * which shards still need to run, the job array that runs them, and the
 * dependent merge job. Every path handed to a job is absolute, and the
 * night's date is fixed here, so a shard that starts after midnight still
 * measures the same night. The jobs of one night share a name derived from
 * its directory, which is how a second submission sees that the first is
 * still queued.
 */
#include "harness/lab/nightly-slurm.h"
#include "harness/lab/nightly-shards.h"
#include "harness/lab/slurm.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *absolute(const char *p)
{
	char cwd[PATH_MAX];

	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(p);
	return xasprintf("%s/%s", cwd, p);
}

/* Shards that must run; incomplete databases set aside. Returns the count, or -(exit status). */
static long shards_to_run(const struct nightly_config *cfg, const struct night_slurm *s, const char *ndir,
			  unsigned *todo)
{
	struct night_shard *sh;
	long n = 0;
	int st = night_shards_check(cfg, ndir, s->date, s->n, &sh);

	for (unsigned i = 0; !st && i < s->n; i++) {
		if (sh[i].complete) {
			note("nightly: shard %u/%u of %s is complete in '%s'; not submitted again", sh[i].k, s->n,
			     s->date, sh[i].db);
			continue;
		}
		if (file_exists(sh[i].db) && night_shard_set_aside(&sh[i]) < 0)
			st = EXIT_IO;
		todo[n++] = sh[i].k;
	}
	night_shards_free(sh, s->n);
	return st ? -st : n;
}

static int submit_shards(const struct nightly_config *cfg, const struct night_slurm *s, const char *ndir,
			 const char *name, const char *spec, char **id)
{
	struct strvec a = STRVEC_INIT;
	struct slurm_job job = { .name = name, .role = "shard", .dir = ndir, .array = spec };
	int st;

	strvec_pushl(&a, self_exe(), "nightly", NULL);
	strvec_pushf(&a, "--config=%s", cfg->path);
	strvec_pushf(&a, "--date=%s", s->date);
	strvec_pushf(&a, "--shard=%%a/%u", s->n);
	strvec_pushf(&a, "--db=%s/shard-%%a.db", ndir);
	if (s->force)
		strvec_push(&a, "--force");
	job.argv = a.v;
	st = slurm_submit(&job, id);
	strvec_clear(&a);
	return st;
}

static int submit_merge(const struct nightly_config *cfg, const struct night_slurm *s, const char *ndir,
			const char *name, const char *after, char **id)
{
	struct strvec a = STRVEC_INIT;
	char *dep = after ? xasprintf("afterany:%s", after) : NULL;
	char *db = absolute(s->db);
	struct slurm_job job = { .name = name, .role = "merge", .dir = ndir, .dependency = dep };
	int st;

	strvec_pushl(&a, self_exe(), "nightly", NULL);
	strvec_pushf(&a, "--config=%s", cfg->path);
	strvec_pushf(&a, "--date=%s", s->date);
	strvec_pushf(&a, "--merge-shards=%s", ndir);
	strvec_pushf(&a, "--shards=%u", s->n);
	strvec_pushf(&a, "--db=%s", db);
	job.argv = a.v;
	st = slurm_submit(&job, id);
	strvec_clear(&a);
	free(dep);
	free(db);
	return st;
}

/* The night's directory and job name; NULL after an error line. */
static char *night_dir(const struct night_slurm *s, char **name)
{
	char *dir = absolute(s->dir), *ndir = xasprintf("%s/%s", dir, s->date), hex[65];

	free(dir);
	if (mkdir_p(ndir, 0755) < 0) {
		error("cannot create the night's shared directory '%s': %s", ndir, strerror(errno));
		free(ndir);
		return NULL;
	}
	sha256_hex(ndir, strlen(ndir), hex);
	hex[8] = '\0';
	*name = xasprintf("gupbench-night-%s-%s", s->date, hex);
	return ndir;
}

int night_slurm_submit(const struct nightly_config *cfg, const struct night_slurm *s)
{
	unsigned *todo = xcalloc(s->n, sizeof(*todo));
	char *name = NULL, *ndir = NULL, *active = NULL, *spec = NULL, *array_id = NULL, *merge_id = NULL;
	long n;
	int st = slurm_check(), status = 0;

	if (st)
		goto out;
	st = EXIT_IO;
	if (!(ndir = night_dir(s, &name)))
		goto out;
	st = EXIT_ENV;
	if (!(active = slurm_active(name)))
		goto out;
	if (*active) {
		error("jobs %s of the night '%s' are still queued or running; wait for them, or 'scancel %s'",
		      active, ndir, active);
		st = EXIT_SKIP;
		goto out;
	}
	n = shards_to_run(cfg, s, ndir, todo);
	if (n < 0) {
		st = (int)-n;
		goto out;
	}
	spec = slurm_array_spec(todo, (size_t)n);
	if (n && (st = submit_shards(cfg, s, ndir, name, spec, &array_id)))
		goto out;
	printf("array_job=%s shards=%s\n", n ? array_id : "none", n ? spec : "none");
	fflush(stdout);
	if (n)
		note("nightly: %s shard%s %s of %u submitted as job %s; merge job follows; logs in '%s/logs'",
		     s->date, n == 1 ? "" : "s", spec, s->n, array_id, ndir);
	else
		note("nightly: all %u shards of %s are complete; only the merge job is submitted", s->n, s->date);
	st = submit_merge(cfg, s, ndir, name, array_id, &merge_id);
	if (st)
		goto out;
	printf("merge_job=%s\n", merge_id);
	fflush(stdout);
	if (s->wait && !(st = slurm_wait(merge_id, &status))) {
		note("nightly: merge job %s ended with status %d; log '%s/logs/merge-%s.log'", merge_id, status,
		     ndir, merge_id);
		st = status;
	}
out:
	free(todo);
	free(name);
	free(ndir);
	free(active);
	free(spec);
	free(array_id);
	free(merge_id);
	return st;
}
