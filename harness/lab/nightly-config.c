/*
 * nightly-config: the nightly config file (harness/nightly/README.md) loaded
 * and checked into struct nightly_config (nightly.h). Every unknown key, wrong
 * type and missing file, directory or git branch is reported, all at once;
 * relative paths start at the config's directory.
 */
#include "harness/lab/nightly.h"
#include "lib/opt.h"
#include "results/compare.h"
#include "results/samples.h"
#include "harness/kernel/source.h"
#include "lib/jsonkeys.h"
#include "lib/util.h"

#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
