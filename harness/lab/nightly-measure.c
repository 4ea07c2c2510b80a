/*
 * nightly-measure: tonight's measurements of each source (nightly.c calls
 * measure_sources()). A source is resolved to its identity, skipped when
 * that was already measured, built and run through gupharness's own `kernel
 * build` and `run` subcommands (argv arrays via spawn.h, so this module
 * never reaches into their internals), and a build or run that failed
 * before storing anything is recorded as a failed run with an event, so
 * the history shows the night.
 */
#include "harness/lab/nightly.h"
#include "results/db.h"
#include "results/nights.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Last lines of a log file, for an event's excerpt. */
static char *log_tail(const char *path, int lines)
{
	size_t len;
	char *text = read_file(path, &len), *p, *out;

	if (!text)
		return NULL;
	p = text + len;
	while (p > text && lines >= 0) {
		p--;
		if (*p == '\n')
			lines--;
	}
	out = xstrdup(p == text ? p : p + 1);
	free(text);
	return out;
}

/*
 * A night that could not be measured still belongs in the history: a failed
 * run row under tonight's label plus an event, so the report shows it and the
 * next night still runs.
 */
static int record_failure(const char *dbpath, const char *label, const char *cmdline,
			  const char *log_dir, const char *kind, const char *message,
			  const char *excerpt)
{
	sqlite3 *db = db_open(dbpath, 0);
	struct db_run_info info = {
		.label = label, .cmdline = cmdline, .run_dir = log_dir,
	};
	int64_t run;
	int ret = -1;

	if (db_begin(db) < 0)
		goto out;
	info.host_id = db_host_current(db, "");
	run = db_run_create(db, &info);
	if (run > 0 && !db_run_set_status(db, run, "failed") &&
	    !db_event_add(db, run, 0, 0, kind, NULL, message, excerpt))
		ret = db_commit(db);
	else
		db_rollback(db);
out:
	db_close(db);
	return ret;
}

/* Run a gupharness subcommand with output to log; its exit status (or -1). */
static int run_self(struct strvec *a, const char *log, int dry_run)
{
	struct spawn_opts o = { .stdout_path = log, .out_append = 1, .merge_stderr = 1 };
	struct spawn_result r;
	char *line = argv_to_string(a->v);
	int st;

	if (dry_run) {
		printf("%s\n", line);
		free(line);
		return 0;
	}
	note("nightly: %s (log: %s)", line, log);
	free(line);
	if (spawn_run(a->v, &o, &r) != 0) {
		spawn_result_free(&r);
		return -1;
	}
	st = r.exec_failed ? -1 : r.status;
	spawn_result_free(&r);
	return st;
}

struct measured_query {
	const char *prefix, *id, *shard;
	int found;
};

/* "--shard K/N" as whole words in a stored command line: 1/2 is not 1/20. */
static int cmdline_has_shard(const char *cmdline, const char *shard)
{
	size_t n = strlen(shard);

	for (const char *p = cmdline; p && (p = strstr(p, "--shard ")); p++) {
		const char *v = p + 8;

		if ((p == cmdline || p[-1] == ' ') && !strncmp(v, shard, n) && (v[n] == '\0' || v[n] == ' '))
			return 1;
	}
	return 0;
}

static void measured_run(const struct night_run *r, void *arg)
{
	struct measured_query *q = arg;
	char date[11], *rid = NULL;

	if (q->found || strcmp(r->status, "complete"))
		return;
	if (parse_label(r->label, q->prefix, date, &rid) == 0 && !strcmp(rid, q->id)) {
		/* A shard is measured when that slice ran; the slices share a label. */
		q->found = !q->shard || cmdline_has_shard(r->cmdline, q->shard);
	}
	free(rid);
}

/* Complete runs of this stream with label's night id: was tonight's source measured? */
static int already_measured(const char *dbpath, const char *prefix, const char *id, const char *shard)
{
	struct measured_query q = { prefix, id, shard, 0 };
	sqlite3 *db;

	if (!file_exists(dbpath))
		return 0;
	db = db_open(dbpath, DB_READONLY);
	nights_each_run(db, prefix, measured_run, &q);
	db_close(db);
	return q.found;
}

/* Does the database hold any run under label (the run subcommand got that far)? */
static int label_has_run(const char *dbpath, const char *label)
{
	sqlite3 *db;
	int found;

	if (!file_exists(dbpath))
		return 0;
	db = db_open(dbpath, DB_READONLY);
	found = nights_label_has_run(db, label);
	db_close(db);
	return found;
}

enum { NIGHT_OK, NIGHT_SKIPPED, NIGHT_BUILD_FAILED, NIGHT_RUN_FAILED };

/* gupharness kernel build for the source at commit (or tarball/dir) id, named kname. */
static void kernel_build_argv(struct strvec *a, const struct nightly_config *cfg, const struct nightly_source *s,
			      const char *id, const char *kname)
{
	strvec_pushl(a, self_exe(), "kernel", "build", "--source", s->path, NULL);
	if (s->kind == SOURCE_GIT)
		/* The commit resolved above, not the branch: it may move meanwhile. */
		strvec_pushl(a, "--rev", id, NULL);
	if (s->series)
		strvec_pushl(a, "--series", s->series, NULL);
	for (size_t i = 0; i < cfg->nfragments; i++)
		strvec_pushl(a, "--config", cfg->fragments[i], NULL);
	for (size_t i = 0; i < s->nfragments; i++)
		strvec_pushl(a, "--config", s->fragments[i], NULL);
	strvec_pushl(a, "--name", kname, NULL);
}

/* gupharness run of one matrix on kname, stored under label. */
static void matrix_run_argv(struct strvec *a, const struct nightly_config *cfg, const char *matrix,
			    const char *kname, const char *label, const char *db, const char *shard)
{
	strvec_pushl(a, self_exe(), "run", "--matrix", matrix, "--kernel", kname, "--label", label,
		     "--db", db, "--clock", cfg->clock, NULL);
	if (shard)
		strvec_pushl(a, "--shard", shard, NULL);
}

/* Store a failed child's command line, message and log tail as the night's failure. */
static void record_child_failure(const char *db, const char *label, const struct strvec *a, const char *logdir,
				 const char *status, const char *msg, const char *log)
{
	char *cmd = argv_to_string(a->v), *tail = log_tail(log, 40);

	record_failure(db, label, cmd, logdir, status, msg, tail);
	free(cmd);
	free(tail);
}

/* Runs every matrix on kname; a run that never reached the database is recorded. */
static int run_matrices(const struct nightly_config *cfg, const struct nightly_opts *o, const char *db,
			const char *kname, const char *label, const char *logdir, const char *rlog)
{
	struct strvec a = STRVEC_INIT;
	int ret = NIGHT_OK;

	for (size_t m = 0; m < cfg->nmatrices; m++) {
		int st;

		strvec_clear(&a);
		matrix_run_argv(&a, cfg, cfg->matrices[m], kname, label, db, o->shard);
		st = run_self(&a, rlog, o->dry_run);
		if (st == 0)
			continue;
		warning("run of matrix '%s' on '%s' ended with status %d; log '%s'", cfg->matrices[m],
			kname, st, rlog);
		ret = NIGHT_RUN_FAILED;
		/* run records panics and timeouts itself; a run that never reached
		 * the database would otherwise leave no trace of the night. */
		if (!label_has_run(db, label)) {
			char *msg = xasprintf("run of matrix '%s' on kernel '%s' failed (status %d) before storing anything; log '%s'",
					      cfg->matrices[m], kname, st, rlog);

			record_child_failure(db, label, &a, logdir, "error", msg, rlog);
			free(msg);
		}
	}
	strvec_clear(&a);
	return ret;
}

static int night_of_source(const struct nightly_config *cfg, const struct nightly_source *s,
			   const struct nightly_opts *o, const char *db, const char *date)
{
	char *prefix = stream_prefix(cfg, s), *src, *id, *label, *kname, *logdir, *blog, *rlog;
	struct strvec a = STRVEC_INIT;
	int st, ret;

	src = source_identity(s);
	id = src ? nightly_identity(cfg, s, src) : NULL;
	if (!id) {
		free(prefix);
		free(src);
		return NIGHT_BUILD_FAILED;
	}
	label = xasprintf("%s%s/%s", prefix, date, id);
	if (!o->force && already_measured(db, prefix, id, o->shard)) {
		note("nightly: '%s' at %s was already measured; nothing new (use --force to measure again)",
		     s->name, id);
		free(prefix);
		free(src);
		free(id);
		free(label);
		return NIGHT_SKIPPED;
	}
	kname = xasprintf("nightly-%s-%s", s->name, id);
	logdir = xasprintf("%s/%s/logs", cfg->report_dir, date);
	blog = xasprintf("%s/%s-build.log", logdir, s->name);
	rlog = xasprintf("%s/%s-run.log", logdir, s->name);
	if (!o->dry_run && mkdir_p(logdir, 0755) < 0)
		die(EXIT_IO, "cannot create log directory '%s': %s", logdir, strerror(errno));

	kernel_build_argv(&a, cfg, s, src, kname);
	st = run_self(&a, blog, o->dry_run);
	if (st != 0) {
		char *msg = xasprintf("kernel build of '%s' at %s failed (status %d); log '%s'",
				      s->name, id, st, blog);

		error("%s", msg);
		record_child_failure(db, label, &a, logdir, "build_failed", msg, blog);
		free(msg);
		ret = NIGHT_BUILD_FAILED;
	} else
		ret = run_matrices(cfg, o, db, kname, label, logdir, rlog);
	strvec_clear(&a);
	free(prefix);
	free(src);
	free(id);
	free(label);
	free(kname);
	free(logdir);
	free(blog);
	free(rlog);
	return ret;
}

/* Build and run every source; EXIT_OK, EXIT_BUILD or EXIT_GUEST. */
int measure_sources(const struct nightly_config *cfg, const struct nightly_opts *o, const char *db,
			   const char *today)
{
	int built_failed = 0, run_failed = 0;

	for (size_t i = 0; i < cfg->nsources && !spawn_interrupted(); i++) {
		switch (night_of_source(cfg, &cfg->sources[i], o, db, today)) {
		case NIGHT_BUILD_FAILED: built_failed = 1; break;
		case NIGHT_RUN_FAILED: run_failed = 1; break;
		default: break;
		}
	}
	return built_failed ? EXIT_BUILD : run_failed ? EXIT_GUEST : EXIT_OK;
}
