/*
 * nightly: one scheduled night of measurements and the analysis of every
 * night so far (`gupharness nightly --config FILE`). A night takes a lock next
 * to the database, resolves what is new in each configured source (git
 * branch head, tarball SHA-256, directory content), builds and runs it by
 * calling gupharness's own `kernel build` and `run` subcommands, then reads
 * the database to find change points in each case's series of nightly
 * medians (results/changepoint.h) and writes a report (nightly-report.c).
 * This header holds the options (cmd/nightly.c parses them), the config,
 * the analysed history the report is drawn from, and the entry points.
 */
#ifndef GUPBENCH_NIGHTLY_H
#define GUPBENCH_NIGHTLY_H

#include "results/changepoint.h"
#include "harness/kernel/source.h"

#include <stddef.h>

/* What `gupharness nightly` was asked (cmd/nightly.c parses and checks it). */
struct nightly_opts {
	const char *config, *db, *shard, *date, *slurm, *merge_shards, *shards;
	int force, dry_run, report_only, wait;
	unsigned nshards;
};

/* One night (or its Slurm submission, or a shard merge), analysis and
 * report; returns the exit status of `gupharness nightly`. */
int nightly_run(const struct nightly_opts *o);

/* One stream of nights: a source (plus optional series) measured each night. */
struct nightly_source {
	char *name;              /* history key: labels are <prefix>/<name>/<date>/<id> */
	enum source_kind kind;
	char *path;              /* tarball, directory or git tree (absolute) */
	char *branch;            /* git only */
	char *series;            /* patch series directory, or NULL */
	char **fragments;        /* config fragments (absolute), on top of the config's */
	size_t nfragments;
	int bisect;              /* git only: a regression tonight starts `gupharness bisect` */
};

struct nightly_config {
	char *path;              /* the config file */
	char *name;              /* title of the report */
	char *db;                /* absolute */
	char *report_dir;        /* absolute */
	char *label_prefix;      /* "nightly" */
	char *metric;            /* "get" or "put" */
	char *clock;             /* run --clock: "auto", "icount" or "wall" */
	char **matrices;         /* absolute */
	size_t nmatrices;
	char **fragments;        /* for every source */
	size_t nfragments;
	struct nightly_source *sources;
	size_t nsources;
	double threshold_pct;    /* a change smaller than this is not reported */
	struct cp_params cp;     /* method parameters (min_size_pct = threshold_pct) */
};

/*
 * Load and check a config: unknown keys, wrong types, and every named file,
 * directory or git branch that does not exist are errors, all reported at
 * once ("error: ..." lines); returns 0, or -1 after printing them. Relative
 * paths are relative to the config file's directory. Free cfg with
 * nightly_config_free() whatever this returns.
 */
int nightly_config_load(const char *path, struct nightly_config *cfg);
/* The night's id, "<source id cut to 12>-<8 hex>": the hash covers the
 * series, every config fragment's text and the compiler
 * (nightly-identity.c), so a night is one build. NULL after an error line. */
char *nightly_identity(const struct nightly_config *cfg, const struct nightly_source *s, const char *src_id);
/* The source's identity cut to 12 characters (a git commit: the revision
 * built); NULL after an error line (nightly-identity.c). */
char *source_identity(const struct nightly_source *s);
/* Labels of a stream's nights, "<prefix>YYYY-MM-DD/<id>[/...]", prefix
 * "<label_prefix>/<name>/": parse_label() is 0 when label is a night of the
 * stream, and fills date and id (nightly-identity.c). */
int parse_label(const char *label, const char *prefix, char date[11], char **id);
char *stream_prefix(const struct nightly_config *cfg, const struct nightly_source *s);
/* Build and run every source tonight (nightly-measure.c); EXIT_OK,
 * EXIT_BUILD or EXIT_GUEST. */
int measure_sources(const struct nightly_config *cfg, const struct nightly_opts *o, const char *db,
		    const char *today);
void nightly_config_free(struct nightly_config *cfg);

/* A night of one stream: every run whose label names that date and source id. */
struct nightly_night {
	char *date;              /* YYYY-MM-DD */
	char *id;                /* commit, tarball or directory id */
	char *label;             /* <prefix>/<name>/<date>/<id>: compare selector */
	char *started;           /* earliest run start */
	int failed;              /* a run failed or an event was recorded */
	int has_data;            /* at least one case with samples */
};

struct nightly_event {
	size_t night;
	char *kind, *case_id, *message;
};

struct nightly_case {
	char *key;
	size_t n;                /* nights with data for this case */
	size_t *night;           /* their indices in the stream's nights */
	double *median;          /* nightly median: median of the boots' medians */
	double *lo, *hi;         /* per night: the lowest and highest boot median */
	size_t *boots;           /* per night: how many boots */
	struct cp_change *changes;
	size_t nchanges;
	int regressed;           /* the latest change is a slow-down beyond the threshold */
	char *chart;             /* history chart (png/svg path) or NULL */
	char *chart_missing;     /* why there is no chart */
};

struct nightly_stream {
	const struct nightly_source *src;
	char *prefix;            /* "<label_prefix>/<name>/" */
	struct nightly_night *nights;
	size_t nnights;
	struct nightly_event *events;
	size_t nevents;
	struct nightly_case *cases;
	size_t ncases;
	long tonight, last_good; /* night indices, -1 when none */
	int alone;               /* the database holds no run outside this stream */
	char *compare;           /* compare_run()'s Markdown for last good -> tonight, or NULL */
	int compare_status;      /* the exit status `gupharness compare` would give */
	size_t compare_regressed; /* cases that comparison calls regressed */
	char *clock;             /* tonight's boots' clock ("icount", "wall"), NULL when mixed */
	char *build_change;      /* what differs between the last good night's build and
				    tonight's (kname_diff), NULL when the same build */
	char *worst_key;         /* the case that regressed most tonight, or NULL */
	char *bisect_report;     /* the bisection's report file, when one ran */
	char *bisect_outcome;    /* its one-line outcome */
};

struct nightly_report {
	const struct nightly_config *cfg;
	const char *date;        /* tonight */
	const char *db;          /* the database analysed (--db or the config's) */
	struct nightly_stream *streams;
	size_t nstreams;
	size_t changed_cases, regressions;
};

/*
 * Draw history charts for changed cases (plot's history kind, in-process)
 * and write <report_dir>/<date>/report.md and report.html atomically. The
 * Markdown path is returned in *md_path (freshly allocated). Returns 0 or an
 * exit status from util.h.
 */
int nightly_report_write(struct nightly_report *r, char **md_path);

/*
 * Analyse every night of every source in db (nights, events, cases, change
 * points, tonight against the last good night) into *rep; free it with
 * nightly_report_free(). `gupharness site` and nightly share it.
 */
void nightly_analyse(const struct nightly_config *cfg, const char *db, const char *today,
		     struct nightly_report *rep);
void nightly_report_free(struct nightly_report *rep);

/*
 * For each stream whose source asks for it ("bisect": true, git only) and
 * whose tonight regressed against the last good night, bisect the worst
 * regressed case between the two nights' commits (`gupharness bisect`,
 * report in <report_dir>/<date>/bisect-<name>.txt) and fill the stream's
 * bisect_report and bisect_outcome. A failed bisection is noted, not fatal.
 */
void nightly_bisect(const struct nightly_config *cfg, struct nightly_report *r);

#endif
