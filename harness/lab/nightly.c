/*
 * nightly: one night of a scheduled lab, behind `gupharness nightly --config
 * FILE` (cmd/nightly.c parses the options; nightly_run() is the night).
 * The steps are kept apart, as rcutorture keeps its stages, each in its own
 * file: load and check the config (nightly-config.c), take the lock (here),
 * resolve each source to an identity (git branch head, tarball SHA-256,
 * directory listing hash; nightly-identity.c), skip what was already
 * measured, build and run through gupharness's own `kernel build` and `run`
 * subcommands and record a failed build as an event (nightly-measure.c),
 * then analyse every night so far with E-Divisive change points and compare
 * tonight with the last good night (nightly-analyse.c), and hand the result
 * to nightly-report.c. A night
 * split into shards is submitted to Slurm by nightly-slurm.c (--slurm) and
 * merged back by nightly-shards.c (--merge-shards) before the analysis.
 * Exit status: 1 when a case is regressed now or a sharded night is
 * incomplete, 5/6 when tonight's build/guest failed, 4 when another night
 * holds the lock.
 */
#include "harness/lab/nightly.h"
#include "harness/lab/nightly-shards.h"
#include "harness/lab/nightly-slurm.h"
#include "harness/lab/site.h"
#include "lib/lockfile.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- lock ------------------------------------------------------------ */

/*
 * flock on <db>.nightly.lock: released by the kernel when we exit however we
 * exit, so a crashed night never blocks the next. The holder's pid is written
 * into the file for the message the loser prints.
 */
static int take_lock(const char *db, char **lock_path)
{
	char *dir = xstrdup(db), pid[32];
	int fd;

	*lock_path = xasprintf("%s.nightly.lock", db);
	if (mkdir_p(dirname(dir), 0755) < 0)
		die(EXIT_IO, "cannot create the database directory for '%s': %s", db, strerror(errno));
	free(dir);
	fd = lockfile_take(*lock_path, 0, NULL, NULL);
	if (fd == LOCKFILE_OPEN_FAILED)
		die(EXIT_IO, "cannot open lock file '%s': %s", *lock_path, strerror(errno));
	if (fd < 0) {
		char *held;
		long pid;

		if (errno != EWOULDBLOCK)
			die(EXIT_IO, "cannot lock '%s': %s", *lock_path, strerror(errno));
		held = read_file(*lock_path, NULL);
		pid = held ? strtol(held, NULL, 10) : 0;
		free(held);
		return -1 - (int)pid;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		warning("cannot write pid into lock file '%s': %s", *lock_path, strerror(errno));
	return fd;
}

/* ---- the command ----------------------------------------------------- */

/* Tonight's date: --date, else today in local time. */
static void night_date(const struct nightly_opts *o, char today[11])
{
	time_t t = time(NULL);
	struct tm tm;

	if (o->date)
		snprintf(today, 11, "%s", o->date);
	else
		strftime(today, 11, "%Y-%m-%d", localtime_r(&t, &tm));
}

/*
 * Analyse every night of every source and write the report and the site;
 * the report's path on stdout. Returns EXIT_FAIL when a case is regressed
 * now, else measured (tonight's build/run status), or the report's own failure.
 */
static int analyse_and_report(const struct nightly_config *cfg, const char *db, const char *today, int measured)
{
	struct nightly_report rep;
	char *md = NULL;
	int ret;

	nightly_analyse(cfg, db, today, &rep);
	nightly_bisect(cfg, &rep);
	ret = nightly_report_write(&rep, &md);
	if (ret == EXIT_OK)
		ret = site_write(&rep, cfg->report_dir);
	if (ret == EXIT_OK) {
		printf("%s\n", md);
		note("nightly: %zu case%s changed, %zu regressed now beyond %g%%; report '%s'",
		     rep.changed_cases, rep.changed_cases == 1 ? "" : "s", rep.regressions,
		     cfg->threshold_pct, md);
		ret = rep.regressions ? EXIT_FAIL : measured;
	}
	nightly_report_free(&rep);
	free(md);
	return ret;
}

int nightly_run(const struct nightly_opts *op)
{
	struct nightly_opts o = *op;
	struct nightly_config cfg;
	char today[11], *lock_path = NULL;
	const char *db;
	int lock, ret = EXIT_OK, missing = 0;

	if (nightly_config_load(o.config, &cfg) < 0) {
		nightly_config_free(&cfg);
		return EXIT_USAGE;
	}
	db = o.db ? o.db : cfg.db;
	night_date(&o, today);
	if (o.slurm) {
		struct night_slurm ns = { .dir = o.slurm, .n = o.nshards, .date = today, .db = db,
					  .force = o.force, .wait = o.wait };

		ret = night_slurm_submit(&cfg, &ns);
		nightly_config_free(&cfg);
		return ret;
	}
	lock = o.dry_run ? -1 : take_lock(db, &lock_path);
	if (!o.dry_run && lock < 0) {
		char pid[32] = "";

		if (lock < -1)
			snprintf(pid, sizeof(pid), " (pid %d)", -lock - 1);
		fprintf(stderr, "nightly: another night%s holds '%s'; this one exits without doing anything\n",
			pid, lock_path);
		free(lock_path);
		nightly_config_free(&cfg);
		return EXIT_SKIP;
	}
	note("nightly: '%s' for %s, database '%s'", cfg.name, today, db);

	if (o.merge_shards && (missing = night_shards_merge(&cfg, o.merge_shards, today, o.nshards, db)) < 0) {
		ret = -missing;
		goto out;
	}
	if (!o.report_only && !o.merge_shards)
		ret = measure_sources(&cfg, &o, db, today);
	if (spawn_interrupted()) {
		ret = EXIT_INTERRUPTED;
		goto out;
	}
	if (o.dry_run || o.shard) {
		if (o.shard)
			note("nightly: shard %s done; merge the shards with 'nightly --merge-shards', which also reports",
			     o.shard);
		goto out;
	}
	if (!file_exists(db)) {
		error("no database at '%s' after the night; nothing was stored to analyse", db);
		ret = ret == EXIT_OK ? EXIT_FAIL : ret;
	} else {
		ret = analyse_and_report(&cfg, db, today, ret);
	}
	if (missing) {
		error("the night of %s is incomplete: %d of %u shards missing (named above)", today, missing, o.nshards);
		ret = EXIT_FAIL;
	}
out:
	if (lock >= 0)
		close(lock);
	free(lock_path);
	nightly_config_free(&cfg);
	return ret;
}
