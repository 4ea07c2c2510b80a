/*
 * nightly-analyse: every night so far of every source, read back from the
 * database (queries in results/nights.c, samples from results/samples.c):
 * the nights and their events, per case the nightly medians with E-Divisive
 * change points, and tonight compared with the last good night through
 * compare_run(). nightly_analyse() fills the struct nightly_report that
 * nightly-report.c and the site are drawn from.
 */
#include "harness/lab/nightly.h"
#include "results/changepoint.h"
#include "results/compare.h"
#include "results/db.h"
#include "harness/kernel/kname.h"
#include "results/nights.h"
#include "results/samples.h"
#include "lib/util.h"

#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
