/* long file: split pending: config loader, identity and lock, execution, analysis, the command (docs/architecture.md) */
/*
 * nightly: one night of a scheduled lab, behind `gupharness nightly --config
 * FILE` (cmd/nightly.c parses the options; nightly_run() is the night).
 * The steps are kept apart, as rcutorture keeps its stages: load and check
 * the config, take the lock, resolve each source to an identity (git branch
 * head, tarball SHA-256, directory listing hash), skip what was already
 * measured, build and run through gupharness's own `kernel build` and `run`
 * subcommands (argv arrays via spawn.h, so this module never reaches into
 * their internals), record a failed build as an event, then analyse every
 * night so far (queries in results/nights.c, samples from results/samples.c)
 * with E-Divisive change points, compare tonight with the last good night
 * through compare_run(), and hand the result to nightly-report.c. A night
 * split into shards is submitted to Slurm by nightly-slurm.c (--slurm) and
 * merged back by nightly-shards.c (--merge-shards) before the analysis.
 * Exit status: 1 when a case is regressed now or a sharded night is
 * incomplete, 5/6 when tonight's build/guest failed, 4 when another night
 * holds the lock.
 */
#include "harness/lab/nightly.h"
#include "lib/opt.h"
#include "harness/lab/nightly-shards.h"
#include "harness/lab/nightly-slurm.h"
#include "results/changepoint.h"
#include "results/compare.h"
#include "results/db.h"
#include "harness/kernel/kname.h"
#include "results/nights.h"
#include "results/samples.h"
#include "harness/lab/site.h"
#include "harness/kernel/source.h"
#include "lib/jsonkeys.h"
#include "lib/lockfile.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/stats.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- config ---------------------------------------------------------- */

struct cfg_key {
	const char *name;
	json_type type;         /* JSON_INTEGER also accepts a real for numbers */
};

static const struct cfg_key top_keys[] = {
	{ "name", JSON_STRING }, { "db", JSON_STRING }, { "report_dir", JSON_STRING },
	{ "label_prefix", JSON_STRING }, { "metric", JSON_STRING }, { "matrices", JSON_ARRAY },
	{ "fragments", JSON_ARRAY }, { "sources", JSON_ARRAY }, { "thresholds", JSON_OBJECT },
	{ "comment", JSON_STRING }, { "clock", JSON_STRING },
};

static const struct cfg_key source_keys[] = {
	{ "name", JSON_STRING }, { "tarball", JSON_STRING }, { "dir", JSON_STRING },
	{ "git", JSON_STRING }, { "branch", JSON_STRING }, { "series", JSON_STRING },
	{ "fragments", JSON_ARRAY }, { "comment", JSON_STRING }, { "bisect", JSON_TRUE },
};

static const struct cfg_key threshold_keys[] = {
	{ "change_pct", JSON_REAL }, { "alpha", JSON_REAL }, { "permutations", JSON_INTEGER },
	{ "min_nights", JSON_INTEGER }, { "seed", JSON_INTEGER },
};

static int type_matches(json_t *v, json_type want)
{
	if (want == JSON_REAL)
		return json_is_number(v);
	if (want == JSON_TRUE)
		return json_is_boolean(v);
	return json_typeof(v) == want;
}

static const char *type_name(json_type t)
{
	switch (t) {
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	case JSON_INTEGER: return "an integer";
	case JSON_TRUE: return "true or false";
	default: return "a number";
	}
}

static int check_keys(json_t *obj, const struct cfg_key *keys, size_t n, const char *where,
		      const char *file)
{
	const char *k;
	json_t *v;
	int bad = 0;

	json_object_foreach(obj, k, v) {
		long i = jsonkeys_find(keys, n, sizeof(*keys), k);

		if (i < 0)
			bad = error("'%s': unknown key '%s' in %s; see harness/nightly/README.md", file, k, where);
		else if (!type_matches(v, keys[i].type))
			bad = error("'%s': '%s' in %s must be %s", file, k, where, type_name(keys[i].type));
	}
	return bad;
}

/*
 * A config path: absolute, ~/..., or relative to the config's directory;
 * made canonical when it (or its directory) exists, so logs and labels show
 * "/srv/gupbench/results/nightly.db", not ".../harness/nightly/../../results".
 */
static char *cfg_path(const char *cfgdir, const char *p)
{
	const char *home = getenv("HOME");
	char *raw, *dir, *base, buf[PATH_MAX];

	if (p[0] == '/')
		raw = xstrdup(p);
	else if (p[0] == '~' && p[1] == '/' && home)
		raw = xasprintf("%s/%s", home, p + 2);
	else
		raw = xasprintf("%s/%s", cfgdir, p);
	if (realpath(raw, buf)) {
		free(raw);
		return xstrdup(buf);
	}
	dir = xstrdup(raw);
	base = strrchr(dir, '/');
	*base++ = '\0';
	if (*dir && realpath(dir, buf)) {
		char *canon = xasprintf("%s/%s", buf, base);

		free(raw);
		raw = canon;
	}
	free(dir);
	return raw;
}

static int valid_name(const char *s)
{
	if (!*s || *s == '.')
		return 0;
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') || ('0' <= *s && *s <= '9') ||
		      strchr("._+-", *s)))
			return 0;
	return 1;
}

static int is_dir(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int is_readable_file(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && access(p, R_OK) == 0;
}

/* Paths from a JSON array of strings, each of which must be a readable file. */
static int path_list(json_t *arr, const char *cfgdir, const char *what, const char *file,
		     char ***out, size_t *n)
{
	size_t i;
	json_t *v;
	int bad = 0;

	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	*out = xcalloc(json_array_size(arr) + 1, sizeof(char *));
	json_array_foreach(arr, i, v) {
		char *p;

		if (!json_is_string(v)) {
			bad = error("'%s': every entry of '%s' must be a path string", file, what);
			continue;
		}
		p = cfg_path(cfgdir, json_string_value(v));
		if (!is_readable_file(p))
			bad = error("'%s': %s '%s' does not exist or is unreadable (relative paths start at the config's directory)",
				    file, what, p);
		(*out)[(*n)++] = p;
	}
	return bad;
}

static int load_source(json_t *o, const char *cfgdir, const char *file, struct nightly_source *s)
{
	const char *kind_key = NULL;
	int bad = 0;

	if (!json_is_object(o))
		return error("'%s': every entry of 'sources' must be an object", file);
	bad |= check_keys(o, source_keys, sizeof(source_keys) / sizeof(source_keys[0]), "a source", file);
	if (bad)
		return -1;
	if (!json_string_value(json_object_get(o, "name")) ||
	    !valid_name(json_string_value(json_object_get(o, "name"))))
		return error("'%s': each source needs a 'name' of letters, digits and ._+- (it keys the history)", file);
	s->name = xstrdup(json_string_value(json_object_get(o, "name")));
	for (int k = 0; k < SOURCE_NKINDS; k++) {   /* exactly one kind's key */
		const char *key = source_ops_of(k)->config_key;
		json_t *v = json_object_get(o, key);

		if (!v)
			continue;
		if (kind_key)
			return error("'%s': source '%s' names both '%s' and '%s'; give exactly one", file,
				     s->name, kind_key, key);
		kind_key = key;
		s->kind = (enum source_kind)k;
		s->path = cfg_path(cfgdir, json_string_value(v));
	}
	if (!kind_key)
		return error("'%s': source '%s' needs one of 'tarball', 'dir' or 'git'", file, s->name);
	if (json_object_get(o, "branch")) {
		if (s->kind != SOURCE_GIT)
			return error("'%s': source '%s': 'branch' goes with 'git' only", file, s->name);
		s->branch = xstrdup(json_string_value(json_object_get(o, "branch")));
	}
	if (json_object_get(o, "series")) {
		s->series = cfg_path(cfgdir, json_string_value(json_object_get(o, "series")));
		if (!is_dir(s->series))
			bad = error("'%s': source '%s': series directory '%s' does not exist", file, s->name,
				    s->series);
	}
	bad |= path_list(json_object_get(o, "fragments"), cfgdir, "fragment", file, &s->fragments,
			 &s->nfragments);
	s->bisect = json_is_true(json_object_get(o, "bisect"));
	if (s->bisect && s->kind != SOURCE_GIT)
		bad = error("'%s': source '%s': 'bisect' needs a git source (it bisects between two nights' commits)",
			    file, s->name);
	switch (s->kind) {
	case SOURCE_TARBALL:
		if (!is_readable_file(s->path))
			bad = error("'%s': source '%s': tarball '%s' does not exist or is unreadable", file,
				    s->name, s->path);
		break;
	case SOURCE_DIR: {
		char *mk = xasprintf("%s/Makefile", s->path);

		if (!is_dir(s->path) || !file_exists(mk))
			bad = error("'%s': source '%s': '%s' is not a kernel source directory (no Makefile)",
				    file, s->name, s->path);
		free(mk);
		break;
	}
	case SOURCE_GIT: {
		char *id;

		if (!s->branch)
			return error("'%s': source '%s': a git source needs a 'branch'", file, s->name);
		if (!is_dir(s->path))
			return error("'%s': source '%s': git tree '%s' does not exist", file, s->name, s->path);
		id = source_git_commit(s->path, s->branch);
		if (!id)
			bad = error("'%s': source '%s': no branch '%s' in git tree '%s'; try 'git -C %s branch -a'",
				    file, s->name, s->branch, s->path, s->path);
		free(id);
		break;
	}
	}
	return bad;
}

static double num_or(json_t *o, const char *k, double dflt)
{
	json_t *v = o ? json_object_get(o, k) : NULL;

	return v ? json_number_value(v) : dflt;
}

/* The config's scalar settings: name, db, report_dir, label_prefix, metric, clock. */
static int load_settings(json_t *root, const char *cfgdir, const char *path, struct nightly_config *cfg)
{
	json_t *v;
	int bad = 0;

	v = json_object_get(root, "name");
	cfg->name = xstrdup(v ? json_string_value(v) : "nightly");
	v = json_object_get(root, "db");
	cfg->db = v ? cfg_path(cfgdir, json_string_value(v)) : xstrdup(default_db_path());
	v = json_object_get(root, "report_dir");
	cfg->report_dir = v ? cfg_path(cfgdir, json_string_value(v)) : user_path("plots/out/nightly", "plots/nightly");
	v = json_object_get(root, "label_prefix");
	cfg->label_prefix = xstrdup(v ? json_string_value(v) : "nightly");
	if (strchr(cfg->label_prefix, '%') || strchr(cfg->label_prefix, '_') || !*cfg->label_prefix)
		bad = error("'%s': 'label_prefix' '%s' must be non-empty, without %% or _", path,
			    cfg->label_prefix);
	v = json_object_get(root, "metric");
	cfg->metric = xstrdup(v ? json_string_value(v) : "get");
	if (!sample_metric_find(cfg->metric))
		bad = error("'%s': 'metric' is '%s'; use 'get' or 'put'", path, cfg->metric);
	v = json_object_get(root, "clock");
	cfg->clock = xstrdup(v ? json_string_value(v) : "auto");
	if (!opt_clock_known(cfg->clock, 0))
		bad = error("'%s': 'clock' is '%s'; use 'auto', 'icount' or 'wall'", path, cfg->clock);
	return bad;
}

/* "thresholds": the change-point test's parameters. */
static int load_thresholds(json_t *th, const char *path, struct nightly_config *cfg)
{
	int bad = 0;

	cp_params_default(&cfg->cp);
	cfg->threshold_pct = num_or(th, "change_pct", CMP_THRESHOLD_WALL_PCT);
	cfg->cp.min_size_pct = cfg->threshold_pct;
	cfg->cp.alpha = num_or(th, "alpha", cfg->cp.alpha);
	cfg->cp.permutations = (unsigned)num_or(th, "permutations", cfg->cp.permutations);
	cfg->cp.min_segment = (size_t)num_or(th, "min_nights", (double)cfg->cp.min_segment);
	cfg->cp.seed = (unsigned)num_or(th, "seed", cfg->cp.seed);
	if (cfg->threshold_pct < 0 || cfg->cp.alpha <= 0 || cfg->cp.alpha >= 1 ||
	    cfg->cp.permutations < 19 || cfg->cp.permutations > 100000 || cfg->cp.min_segment < 2)
		bad = error("'%s': thresholds need change_pct >= 0, 0 < alpha < 1, 19 <= permutations <= 100000, min_nights >= 2",
			    path);
	return bad;
}

/* "sources": each one loaded; names are unique (they key the history). */
static int load_sources(json_t *v, const char *cfgdir, const char *path, struct nightly_config *cfg)
{
	json_t *s;
	size_t i;
	int bad = 0;

	if (!v || !json_array_size(v))
		bad = error("'%s': 'sources' must name at least one tarball, directory or git tree", path);
	if (!v)
		return bad;
	cfg->sources = xcalloc(json_array_size(v) + 1, sizeof(*cfg->sources));
	json_array_foreach(v, i, s) {
		bad |= load_source(s, cfgdir, path, &cfg->sources[cfg->nsources]);
		for (size_t j = 0; j < cfg->nsources; j++)
			if (cfg->sources[cfg->nsources].name &&
			    !strcmp(cfg->sources[j].name, cfg->sources[cfg->nsources].name))
				bad = error("'%s': two sources are named '%s'; names key the history",
					    path, cfg->sources[j].name);
		cfg->nsources++;
	}
	return bad;
}

int nightly_config_load(const char *path, struct nightly_config *cfg)
{
	json_error_t jerr;
	json_t *root, *v, *th;
	char *tmp, *cfgdir;
	char abs[PATH_MAX];
	int bad = 0;

	memset(cfg, 0, sizeof(*cfg));
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (!file_exists(path))
			return error("no config file '%s'; see harness/nightly/example.json", path);
		return error("'%s':%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return error("'%s': the config must be a JSON object", path);
	}
	cfg->path = xstrdup(realpath(path, abs) ? abs : path);
	tmp = xstrdup(cfg->path);
	cfgdir = xstrdup(dirname(tmp));
	free(tmp);
	if (check_keys(root, top_keys, sizeof(top_keys) / sizeof(top_keys[0]), "the config", path) ||
	    ((th = json_object_get(root, "thresholds")) &&
	     check_keys(th, threshold_keys, sizeof(threshold_keys) / sizeof(threshold_keys[0]),
			"'thresholds'", path))) {
		json_decref(root);
		free(cfgdir);
		return -1;
	}
	th = json_object_get(root, "thresholds");

	bad |= load_settings(root, cfgdir, path, cfg);

	bad |= load_thresholds(th, path, cfg);

	v = json_object_get(root, "matrices");
	if (!v || !json_array_size(v))
		bad = error("'%s': 'matrices' must list at least one matrix file", path);
	bad |= path_list(v, cfgdir, "matrix", path, &cfg->matrices, &cfg->nmatrices);
	bad |= path_list(json_object_get(root, "fragments"), cfgdir, "fragment", path, &cfg->fragments,
			 &cfg->nfragments);

	bad |= load_sources(json_object_get(root, "sources"), cfgdir, path, cfg);
	json_decref(root);
	free(cfgdir);
	return bad ? -1 : 0;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void nightly_config_free(struct nightly_config *cfg)
{
	for (size_t i = 0; i < cfg->nsources; i++) {
		struct nightly_source *s = &cfg->sources[i];

		free(s->name);
		free(s->path);
		free(s->branch);
		free(s->series);
		free_list(s->fragments, s->nfragments);
	}
	free(cfg->sources);
	free_list(cfg->matrices, cfg->nmatrices);
	free_list(cfg->fragments, cfg->nfragments);
	free(cfg->path);
	free(cfg->name);
	free(cfg->db);
	free(cfg->report_dir);
	free(cfg->label_prefix);
	free(cfg->metric);
	free(cfg->clock);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- source identity ------------------------------------------------- */

/* The source identity cut to 12 characters (a git commit: the revision built); NULL on failure. */
static char *source_identity(const struct nightly_source *s)
{
	const struct source_ops *ops = source_ops_of(s->kind);
	char *id;

	if (s->kind == SOURCE_GIT) {
		id = source_git_commit(s->path, s->branch);
		if (!id)
			error("branch '%s' vanished from git tree '%s'", s->branch, s->path);
	} else {
		id = ops->identity(s->path, NULL);
		if (!id)
			error(s->kind == SOURCE_DIR ? "cannot list source directory '%s': %s"
						    : "cannot read tarball '%s': %s", s->path, strerror(errno));
	}
	if (id)
		id[12] = '\0';
	return id;
}

/* ---- labels ---------------------------------------------------------- */

/*
 * Split "<prefix>YYYY-MM-DD/<id>[/...]" into date and id; 0 when label is a
 * night of this stream.
 */
static int parse_label(const char *label, const char *prefix, char date[11], char **id)
{
	size_t pl = strlen(prefix), il;
	const char *p;

	if (strncmp(label, prefix, pl))
		return -1;
	p = label + pl;
	if (strlen(p) < 12 || p[4] != '-' || p[7] != '-' || p[10] != '/')
		return -1;
	memcpy(date, p, 10);
	date[10] = '\0';
	p += 11;
	il = strcspn(p, "/");
	if (!il)
		return -1;
	*id = xmalloc(il + 1);
	memcpy(*id, p, il);
	(*id)[il] = '\0';
	return 0;
}

static char *stream_prefix(const struct nightly_config *cfg, const struct nightly_source *s)
{
	return xasprintf("%s/%s/", cfg->label_prefix, s->name);
}

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

/* ---- the night: build, run, record ------------------------------------ */

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

/* ---- analysis -------------------------------------------------------- */

static int cmp_night(const void *a, const void *b)
{
	const struct nightly_night *x = a, *y = b;
	int c = strcmp(x->date, y->date);

	return c ? c : strcmp(x->started, y->started);
}

static long night_index(struct nightly_stream *s, const char *date, const char *id)
{
	for (size_t i = 0; i < s->nnights; i++)
		if (!strcmp(s->nights[i].date, date) && !strcmp(s->nights[i].id, id))
			return (long)i;
	return -1;
}

static void night_of_run(const struct night_run *r, void *arg)
{
	struct nightly_stream *s = arg;
	char date[11], *id;
	long k;

	if (parse_label(r->label, s->prefix, date, &id) < 0)
		return;
	k = night_index(s, date, id);
	if (k < 0) {
		struct nightly_night *n;

		s->nights = xrealloc(s->nights, (s->nnights + 1) * sizeof(*s->nights));
		n = &s->nights[s->nnights++];
		memset(n, 0, sizeof(*n));
		n->date = xstrdup(date);
		n->id = xstrdup(id);
		n->label = xasprintf("%s%s/%s", s->prefix, date, id);
		n->started = xstrdup(r->started);
		k = (long)s->nnights - 1;
	}
	if (!strcmp(r->status, "failed") || !strcmp(r->status, "incomplete"))
		s->nights[k].failed = 1;
	free(id);
}

static void load_nights(sqlite3 *db, struct nightly_stream *s)
{
	nights_each_run(db, s->prefix, night_of_run, s);
	qsort(s->nights, s->nnights, sizeof(*s->nights), cmp_night);
}

static void event_of_night(const struct night_event *ev, void *arg)
{
	struct nightly_stream *s = arg;
	char date[11], *id;
	struct nightly_event *e;
	long k;

	if (parse_label(ev->label, s->prefix, date, &id) < 0)
		return;
	k = night_index(s, date, id);
	free(id);
	if (k < 0)
		return;
	s->nights[k].failed = 1;
	s->events = xrealloc(s->events, (s->nevents + 1) * sizeof(*s->events));
	e = &s->events[s->nevents++];
	e->night = (size_t)k;
	e->kind = xstrdup(ev->kind);
	e->case_id = ev->case_id ? xstrdup(ev->case_id) : NULL;
	e->message = xstrdup(ev->message);
}

static void load_events(sqlite3 *db, struct nightly_stream *s)
{
	nights_each_event(db, s->prefix, event_of_night, s);
}


/*
 * One case's nights: per boot the median of its non-warm-up samples, per
 * night the median of its boots' medians (repeats inside a boot share the
 * boot's luck; boots are the independent draws).
 */
static void finish_case(struct nightly_stream *s, const char *key, struct dvec *boot_med,
			long *boot_night, size_t nboots, const struct cp_params *cp, double threshold)
{
	struct nightly_case *c;
	struct cp_point *pt;
	double *meds = xcalloc(nboots, sizeof(*meds));
	size_t used = 0;

	if (!nboots) {
		free(meds);
		return;
	}
	s->cases = xrealloc(s->cases, (s->ncases + 1) * sizeof(*s->cases));
	c = &s->cases[s->ncases++];
	memset(c, 0, sizeof(*c));
	c->key = xstrdup(key);
	c->night = xcalloc(s->nnights, sizeof(*c->night));
	c->median = xcalloc(s->nnights, sizeof(*c->median));
	c->lo = xcalloc(s->nnights, sizeof(*c->lo));
	c->hi = xcalloc(s->nnights, sizeof(*c->hi));
	c->boots = xcalloc(s->nnights, sizeof(*c->boots));
	pt = xcalloc(s->nnights, sizeof(*pt));
	/* each night's boot medians, contiguous in meds[], one point per night */
	for (size_t n = 0; n < s->nnights; n++) {
		size_t first = used;

		for (size_t b = 0; b < nboots; b++)
			if (boot_night[b] == (long)n)
				meds[used++] = boot_med->v[b];
		if (used == first)
			continue;
		s->nights[n].has_data = 1;
		c->lo[c->n] = c->hi[c->n] = meds[first];
		for (size_t k = first; k < used; k++) {
			c->lo[c->n] = fmin(c->lo[c->n], meds[k]);
			c->hi[c->n] = fmax(c->hi[c->n], meds[k]);
		}
		c->boots[c->n] = used - first;
		pt[c->n] = (struct cp_point){ meds + first, used - first };
		c->night[c->n++] = n;
	}
	c->nchanges = cp_history(key, pt, c->n, cp, c->median, &c->changes);
	free(pt);
	free(meds);
	c->regressed = c->nchanges && c->changes[c->nchanges - 1].size_pct >= threshold &&
		       c->changes[c->nchanges - 1].size_pct > 0;
}

/* The night a boot belongs to (through its run's label), or -1. */
static long night_of_boot(struct nightly_stream *s, const struct sample_boot *b)
{
	char date[11], *id;
	long night = -1;

	if (parse_label(b->label, s->prefix, date, &id) == 0) {
		night = night_index(s, date, id);
		free(id);
	}
	return night;
}

static void load_cases(sqlite3 *db, struct nightly_stream *s, const char *metric,
		       const struct cp_params *cp, double threshold)
{
	struct sample_query q = { .boots_sql = nights_boots_sql, .bind = s->prefix, .metric = metric };
	struct sample_set set;

	if (samples_load(db, &q, &set))
		exit(EXIT_DB);
	for (size_t i = 0; i < set.n; i++) {
		const struct sample_case *c = &set.c[i];
		struct dvec boot_med = { 0 };
		long *boot_night = xcalloc(c->nb + 1, sizeof(*boot_night));
		size_t nboots = 0;

		for (size_t k = 0; k < c->nb; k++) {
			long night = night_of_boot(s, &c->b[k]);

			if (night < 0 || !c->b[k].n)
				continue;
			boot_night[nboots++] = night;
			dvec_push(&boot_med, c->b[k].median);
		}
		finish_case(s, c->key, &boot_med, boot_night, nboots, cp, threshold);
		free(boot_med.v);
		free(boot_night);
	}
	sample_set_free(&set);
}

/*
 * Compare the last good night with tonight, as `gupharness compare --format
 * markdown` would (same defaults, same exit status), calling the engine
 * directly; the report sinks show its Markdown.
 */
static void compare_tonight(sqlite3 *db, struct nightly_stream *s, const struct nightly_config *cfg)
{
	struct compare_opts o = compare_defaults;
	struct db_selector base, new;
	struct compare_result r;
	size_t len = 0;
	double worst = 0;
	FILE *m = open_memstream(&s->compare, &len);

	o.metric = cfg->metric;
	o.threshold_pct = cfg->threshold_pct;
	o.base_arg = s->nights[s->last_good].label;
	o.new_arg = s->nights[s->tonight].label;
	s->compare_status = EXIT_USAGE;
	if (db_resolve_selector(db, o.base_arg, &base) == 0) {
		if (db_resolve_selector(db, o.new_arg, &new) == 0) {
			if (compare_run(db, &base, &new, &o, &r)) {
				s->compare_status = EXIT_DB;
			} else {
				if (r.ncases == 0)
					fprintf(m, "%s and %s have no case in common (%zu only in base, %zu only in new); "
						"nothing to compare\n", base.describe, new.describe, r.only_base, r.only_new);
				else
					compare_format_find("markdown")->emit(m, &r);
				for (size_t k = 0; k < r.ncases; k++)
					if (r.cases[k].verdict == CMP_REGRESSED && (!s->worst_key ||
					    r.cases[k].pct_change > worst)) {
						free(s->worst_key);
						s->worst_key = xstrdup(r.cases[k].key);
						worst = r.cases[k].pct_change;
					}
				s->compare_status = r.ncases == 0 ? EXIT_USAGE : r.counts[CMP_REGRESSED] ? EXIT_FAIL : EXIT_OK;
				s->compare_regressed = r.counts[CMP_REGRESSED];
				compare_result_free(&r);
			}
			db_selector_free(&new);
		}
		db_selector_free(&base);
	}
	fclose(m);
}

/* What differs between the last good night's build and tonight's, or NULL
 * when they are one build (or a night ran several: nothing to say). */
static char *build_change(sqlite3 *db, const struct nightly_stream *s)
{
	char *a = nights_label_build_meta(db, s->nights[s->last_good].label);
	char *b = nights_label_build_meta(db, s->nights[s->tonight].label);
	json_t *ja = a ? json_loads(a, 0, NULL) : NULL, *jb = b ? json_loads(b, 0, NULL) : NULL;
	const char *ka = json_string_value(json_object_get(ja, "key")), *kb = json_string_value(json_object_get(jb, "key"));
	char *d = NULL;

	if (ja && jb && !(ka && kb && !strcmp(ka, kb))) {
		d = kname_diff(ja, jb);
		if (!*d) {
			free(d);
			d = xasprintf("another build (cache key %.12s -> %.12s)", ka ? ka : "unknown", kb ? kb : "unknown");
		}
	}
	json_decref(ja);
	json_decref(jb);
	free(a);
	free(b);
	return d;
}

static void analyse_stream(sqlite3 *db, const struct nightly_config *cfg, const struct nightly_source *src,
			   struct nightly_stream *s)
{
	memset(s, 0, sizeof(*s));
	s->src = src;
	s->prefix = stream_prefix(cfg, src);
	s->tonight = s->last_good = -1;
	load_nights(db, s);
	load_events(db, s);
	load_cases(db, s, cfg->metric, &cfg->cp, cfg->threshold_pct);
	s->alone = nights_stream_alone(db, s->prefix);
	if (!s->nnights)
		return;
	s->tonight = (long)s->nnights - 1;
	for (long i = s->tonight - 1; i >= 0; i--)
		if (s->nights[i].has_data && !s->nights[i].failed) {
			s->last_good = i;
			break;
		}
	if (s->last_good >= 0 && s->nights[s->tonight].has_data) {
		compare_tonight(db, s, cfg);
		s->clock = nights_label_clock(db, s->nights[s->tonight].label);
		s->build_change = build_change(db, s);
	}
}

static void free_stream(struct nightly_stream *s)
{
	for (size_t i = 0; i < s->nnights; i++) {
		free(s->nights[i].date);
		free(s->nights[i].id);
		free(s->nights[i].label);
		free(s->nights[i].started);
	}
	for (size_t i = 0; i < s->nevents; i++) {
		free(s->events[i].kind);
		free(s->events[i].case_id);
		free(s->events[i].message);
	}
	for (size_t i = 0; i < s->ncases; i++) {
		free(s->cases[i].key);
		free(s->cases[i].night);
		free(s->cases[i].median);
		free(s->cases[i].lo);
		free(s->cases[i].hi);
		free(s->cases[i].boots);
		free(s->cases[i].changes);
		free(s->cases[i].chart);
		free(s->cases[i].chart_missing);
	}
	free(s->nights);
	free(s->events);
	free(s->cases);
	free(s->prefix);
	free(s->compare);
	free(s->clock);
	free(s->build_change);
	free(s->worst_key);
	free(s->bisect_report);
	free(s->bisect_outcome);
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

/* Build and run every source; EXIT_OK, EXIT_BUILD or EXIT_GUEST. */
static int measure_sources(const struct nightly_config *cfg, const struct nightly_opts *o, const char *db,
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

/*
 * Under the icount clock a boot's samples are exact (DESIGN), so tonight
 * against the last good night decides on the first night of a change,
 * before the change points have their minimum segment: its regressed cases.
 */
static size_t tonight_exact_regressions(const struct nightly_stream *s)
{
	return s->clock && !strcmp(s->clock, "icount") ? s->compare_regressed : 0;
}

/*
 * Analyse every night of every source and write the report; its path on
 * stdout. Returns EXIT_FAIL when a case is regressed now, else measured
 * (tonight's build/run status), or the report's own failure.
 */
void nightly_analyse(const struct nightly_config *cfg, const char *db, const char *today,
		     struct nightly_report *rep)
{
	sqlite3 *h = db_open(db, DB_READONLY);

	*rep = (struct nightly_report){ .cfg = cfg, .date = today, .db = db, .nstreams = cfg->nsources };
	rep->streams = xcalloc(cfg->nsources, sizeof(*rep->streams));
	for (size_t i = 0; i < cfg->nsources; i++) {
		size_t cp = 0;

		analyse_stream(h, cfg, &cfg->sources[i], &rep->streams[i]);
		for (size_t c = 0; c < rep->streams[i].ncases; c++) {
			rep->changed_cases += rep->streams[i].cases[c].nchanges > 0;
			cp += rep->streams[i].cases[c].regressed;
		}
		rep->regressions += cp ? cp : tonight_exact_regressions(&rep->streams[i]);
	}
	db_close(h);
}

void nightly_report_free(struct nightly_report *rep)
{
	for (size_t i = 0; i < rep->nstreams; i++)
		free_stream(&rep->streams[i]);
	free(rep->streams);
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
