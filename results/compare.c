/*
 * compare: BASE against NEW, case key by case key, from raw samples. Refuses
 * sides of different classes (clock, host class, architecture: boothist.c),
 * loads both sides through the sample loader (samples.c) and the class's
 * boot history,
 * walks the two key-sorted lists together, fits all cases as one family
 * with the boot-aware model (model.c: variances, adjusted intervals) and
 * decides the verdicts into struct compare_result, and leaves all formatting to the
 * sinks in compare-formats.c (text, markdown, JSON, CSV, and the
 * kernel-test-robot style report), chosen from a table. The method is
 * stated in every format, and so are the suspect boots (events.h: a console
 * that showed a warning, stall, oops...) behind each case's samples.
 */
#include "results/compare.h"
#include "results/boothist.h"
#include "results/samples.h"
#include "lib/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const cmp_verdict_names[CMP_NVERDICTS] = {
	[CMP_IMPROVED] = "improved",
	[CMP_REGRESSED] = "regressed",
	[CMP_UNCHANGED] = "unchanged",
	[CMP_INCONCLUSIVE] = "inconclusive",
};

const struct compare_opts compare_defaults = {
	.metric = "get", .threshold_pct = 0, .alpha = 0.05,
};

/* One side's samples for one key: pooled, and the medians of its boots. */
struct side_data {
	double *v, *boot_med;
	size_t n, nboot;
	size_t warmups, truncated;
	int64_t *suspect;          /* its boots with samples that are suspect */
	size_t nsuspect;
};

struct keyed {
	char *key;
	struct side_data d;
};

struct side_load {
	struct keyed *k;
	size_t n, cap;
	struct suspect_set sus;    /* the side's suspect boots */
};

/* A loaded case as one side's data: pooled samples, the boot medians and
 * which of the boots that gave samples are suspect. */
static void side_of_case(const struct sample_case *c, const struct suspect_set *sus, struct side_data *d)
{
	for (size_t k = 0; k < c->nb; k++) {
		const struct sample_boot *b = &c->b[k];

		for (size_t i = 0; i < b->n; i++)
			dpush(&d->v, &d->n, b->v[i]);
		if (b->n)
			dpush(&d->boot_med, &d->nboot, b->median);
		if (b->n && suspect_find(sus, b->boot_id)) {
			d->suspect = xrealloc(d->suspect, (d->nsuspect + 1) * sizeof(*d->suspect));
			d->suspect[d->nsuspect++] = b->boot_id;
		}
		d->warmups += b->warmups;
		d->truncated += b->truncated;
	}
}

static int load_side(sqlite3 *db, const struct db_selector *sel, const char *metric, struct side_load *out)
{
	struct sample_query q = { .boots_sql = sel->sql, .bind = sel->text, .metric = metric };
	struct sample_set set;

	memset(out, 0, sizeof(*out));
	if (events_suspect_boots(db, sel->sql, sel->text, &out->sus))
		return -1;
	if (samples_load(db, &q, &set)) {
		suspect_set_free(&out->sus);
		return -1;
	}
	out->k = xcalloc(set.n + 1, sizeof(*out->k));
	out->cap = set.n + 1;
	for (size_t i = 0; i < set.n; i++) {
		struct keyed *k = &out->k[out->n++];

		k->key = xstrdup(set.c[i].key);
		side_of_case(&set.c[i], &out->sus, &k->d);
	}
	sample_set_free(&set);
	return 0;
}

static void free_side(struct side_load *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->k[i].key);
		free(s->k[i].d.v);
		free(s->k[i].d.boot_med);
		free(s->k[i].d.suspect);
	}
	free(s->k);
	suspect_set_free(&s->sus);
}

static void fill_side(struct cmp_side *out, const struct side_data *d)
{
	stats_summary(d->v, d->n, &out->s);
	out->n = d->n;
	out->warmups = d->warmups;
	out->truncated = d->truncated;
	out->boots = d->nboot;
	out->pct_stddev = out->s.mean > 0 ? 100.0 * out->s.stddev / out->s.mean : 0.0;
	out->nsuspect = d->nsuspect;
	out->suspect = xcalloc(d->nsuspect + 1, sizeof(*out->suspect));
	if (d->nsuspect)
		memcpy(out->suspect, d->suspect, d->nsuspect * sizeof(*d->suspect));
}

/* A fitted case into the result: ratio, interval, p-values, variance source. */
static void fill_fit(struct cmp_case *c, const struct model_fit *f)
{
	c->verdict = CMP_INCONCLUSIVE;
	if (f->floor > 0) {      /* both sides have positive medians */
		c->ratio = exp(f->d);
		c->pct_change = 100.0 * (c->ratio - 1.0);
	}
	c->source = f->source;
	c->have_p = f->ok;
	c->p = f->p;
	c->p_adj = f->p_adj;
	if (!f->ok)
		return;
	c->have_ci = 1;
	c->ci_lo = exp(f->lo);
	c->ci_hi = exp(f->hi);
	c->boot_sd_pct = 100.0 * f->s;
	c->df = f->df;
}

/* Fit every compared case as one family, then the verdicts. */
static void decide(struct compare_result *r, const struct model_case *mc)
{
	struct model_fit *fits = xcalloc(r->ncases + 1, sizeof(*fits));
	struct model_opts mo = { .icount = r->icount, .resolution_us = 1.0, .alpha = r->opts.alpha,
				 .adjust = r->opts.fdr ? MODEL_BH : MODEL_SIDAK };
	struct model_rule rule = { .threshold_pct = r->opts.threshold_pct, .fam = &r->fam };
	static const enum cmp_verdict of_call[] = {
		[MODEL_SLOWER] = CMP_REGRESSED, [MODEL_FASTER] = CMP_IMPROVED,
		[MODEL_SAME] = CMP_UNCHANGED, [MODEL_UNSURE] = CMP_INCONCLUSIVE,
	};

	model_fit_all(mc, r->ncases, &mo, fits, &r->fam);
	for (size_t i = 0; i < r->ncases; i++) {
		struct cmp_case *c = &r->cases[i];

		fill_fit(c, &fits[i]);
		c->threshold_pct = r->opts.threshold_pct;
		if (!(fits[i].floor > 0)) {
			snprintf(c->why, sizeof(c->why), "inconclusive: a boot median is not positive (below the"
				 " timer's resolution)");
		} else {
			c->verdict = of_call[model_decide(&fits[i], &rule, c->why, sizeof(c->why))];
			c->boots_needed = c->verdict != CMP_INCONCLUSIVE ? 0 :
					  fits[i].ok ? model_boots_needed(&fits[i], &rule) : 3;
		}
		r->no_estimate += !fits[i].ok;
		r->counts[c->verdict]++;
	}
	free(fits);
}

/* "a, b" of the distinct first-column values a side's boots yield. */
static char *side_list(sqlite3 *db, const struct db_selector *sel, const char *select_from, const char *sep)
{
	char *sql = xasprintf("%s WHERE b.id IN (%s)", select_from, sel->sql), *buf = NULL;
	sqlite3_stmt *st;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int first = 1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, sel->text, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 0);

			if (!t)
				continue;
			fprintf(m, "%s%s", first ? "" : sep, (const char *)t);
			first = 0;
		}
		sqlite3_finalize(st);
	}
	fclose(m);
	free(sql);
	return buf;
}

static size_t side_boots(sqlite3 *db, const struct db_selector *sel)
{
	char *sql = xasprintf("SELECT count(*) FROM boots b WHERE b.id IN (%s)", sel->sql);
	sqlite3_stmt *st;
	size_t n = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, sel->text, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = (size_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	free(sql);
	return n;
}

static const char kernels_sql[] =
	"SELECT DISTINCT k.name || coalesce(' (' || k.release || ')', '') FROM boots b"
	" JOIN kernels k ON k.id = b.kernel_id";
static const char hosts_sql[] =
	"SELECT DISTINCT h.hostname || ' (' || h.cpu_model || ', ' || coalesce(h.ncpus, '?') || ' cpus), '"
	" || coalesce(b.accel, r.accel, 'unknown accelerator')"
	" || CASE WHEN h.qemu_version = '' THEN '' ELSE ', ' || h.qemu_version END"
	" FROM boots b JOIN runs r ON r.id = b.run_id JOIN hosts h ON h.id = r.host_id";
static const char accel_sql[] =
	"SELECT DISTINCT coalesce(b.accel, r.accel, '') FROM boots b JOIN runs r ON r.id = b.run_id";
static const char cmdline_sql[] =
	"SELECT DISTINCT r.cmdline FROM boots b JOIN runs r ON r.id = b.run_id";

/* Published figures whose key and metric match a compared case. */
static void find_references(sqlite3 *db, struct compare_result *r)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT series, command, coalesce(environment, ''), before_us, after_us "
			       "FROM reference_results WHERE key = ?1 AND metric = ?2 ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	for (size_t i = 0; i < r->ncases; i++) {
		sqlite3_bind_text(st, 1, r->cases[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->opts.metric, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct cmp_reference *ref;

			r->refs = xrealloc(r->refs, (r->nrefs + 1) * sizeof(*r->refs));
			ref = &r->refs[r->nrefs++];
			ref->case_index = i;
			ref->series = xstrdup((const char *)sqlite3_column_text(st, 0));
			ref->command = xstrdup((const char *)sqlite3_column_text(st, 1));
			ref->environment = xstrdup((const char *)sqlite3_column_text(st, 2));
			ref->before_us = sqlite3_column_double(st, 3);
			ref->after_us = sqlite3_column_double(st, 4);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* One class dimension: the same on both sides, or allowed to differ. */
static int check_dim(const char *what, const char *flag, const char *bv, size_t bn, const char *nv, size_t nn,
		     int allowed, const struct db_selector *base, const struct db_selector *new, char **out)
{
	int same = bn == 1 && nn == 1 && !strcmp(bv, nv);

	if (!same && !allowed) {
		if (bn > 1 || nn > 1)
			error("%s '%s' mixes %ss (%s); its times are not comparable: select boots of one %s,"
			      " or pass %s", bn > 1 ? "base" : "new", bn > 1 ? base->text : new->text, what,
			      bn > 1 ? bv : nv, what, flag);
		else
			error("base '%s' (%s %s) and new '%s' (%s %s) differ in %s; their times are not comparable:"
			      " compare like with like, or pass %s", base->text, what, bv, new->text, what, nv, what, flag);
		return -1;
	}
	*out = same ? xstrdup(bv) : xasprintf("base: %s; new: %s", bv, nv);
	return 0;
}

/* Refuse sides of different clock modes, host classes or architectures. */
static int check_classes(sqlite3 *db, const struct db_selector *base, const struct db_selector *new,
			 struct compare_result *out, struct boot_class *cb, struct boot_class *cn)
{
	unsigned allow = out->opts.allow_mixed;
	int rc;

	if (boothist_class(db, base, cb))
		return -1;
	if (boothist_class(db, new, cn)) {
		boot_class_free(cb);
		return -1;
	}
	rc = check_dim("clock mode", "--allow-mixed-clock", cb->clock, cb->nclock, cn->clock, cn->nclock,
		       allow & CMP_MIX_CLOCK, base, new, &out->clock) ||
	     check_dim("host class", "--allow-mixed-host", cb->host, cb->nhost, cn->host, cn->nhost,
		       allow & CMP_MIX_HOST, base, new, &out->host_class) ||
	     check_dim("architecture", "--cross-arch", cb->arch, cb->narch, cn->arch, cn->narch,
		       allow & CMP_MIX_ARCH, base, new, &out->arch) ||
	     check_dim("guest settings", "--allow-mixed-guest", cb->guest, cb->nguest, cn->guest, cn->nguest,
		       allow & CMP_MIX_GUEST, base, new, &out->guest);
	out->icount = cb->nclock == 1 && cn->nclock == 1 && !strcmp(cb->clock, "icount") &&
		      !strcmp(cn->clock, "icount");
	if (rc) {
		boot_class_free(cb);
		boot_class_free(cn);
		free(out->clock);
		free(out->host_class);
		free(out->arch);
		free(out->guest);
		out->clock = out->host_class = out->arch = out->guest = NULL;
		return COMPARE_REFUSED;
	}
	return 0;
}

/* The other boots of the sides' class: the model's history. */
static int load_history(sqlite3 *db, const struct db_selector *base, const struct db_selector *new,
			const char *metric, struct boot_class *cb, struct boot_class *cn, struct boothist *h)
{
	int64_t *ids = NULL;
	size_t nids = 0;
	int rc;

#define ONE(dim) (cb->n##dim == 1 && cn->n##dim == 1 && !strcmp(cb->dim, cn->dim) ? cb->dim : NULL)
	rc = boothist_ids(db, base, &ids, &nids) || boothist_ids(db, new, &ids, &nids) ? -1 :
	     boothist_load(db, metric, &(struct boothist_class_sel){ ONE(clock), ONE(host), ONE(arch), ONE(guest) },
			   ids, nids, h);
#undef ONE
	free(ids);
	boot_class_free(cb);
	boot_class_free(cn);
	return rc;
}

/* Walk the two key-sorted sides together; fit every key present on both. */
static void pair_cases(struct compare_result *out, const struct side_load *sb, const struct side_load *sn,
		       const struct boothist *h, struct model_case *mc)
{
	size_t i = 0, j = 0;

	while (i < sb->n && j < sn->n) {
		int c = strcmp(sb->k[i].key, sn->k[j].key);
		struct cmp_case *cc;

		if (c) {
			out->only_base += c < 0;
			out->only_new += c > 0;
			i += c < 0;
			j += c > 0;
			continue;
		}
		cc = &out->cases[out->ncases];
		cc->key = xstrdup(sb->k[i].key);
		fill_side(&cc->base, &sb->k[i].d);
		fill_side(&cc->new, &sn->k[j].d);
		mc[out->ncases] = (struct model_case){
			.base = sb->k[i].d.boot_med, .nbase = sb->k[i].d.nboot, .new = sn->k[j].d.boot_med,
			.nnew = sn->k[j].d.nboot, .hist = boothist_find(h, cc->key),
		};
		out->ncases++;
		i++;
		j++;
	}
	out->only_base += sb->n - i;
	out->only_new += sn->n - j;
}

/* The suspect boots of one side that gave samples to a compared case. */
static void collect_suspects(struct compare_result *out, const struct side_load *side, int is_new)
{
	for (size_t i = 0; i < side->sus.n; i++) {
		const struct suspect_boot *b = &side->sus.b[i];
		size_t cases = 0;

		for (size_t c = 0; c < out->ncases; c++) {
			const struct cmp_side *cs = is_new ? &out->cases[c].new : &out->cases[c].base;

			for (size_t k = 0; k < cs->nsuspect; k++)
				cases += cs->suspect[k] == b->boot_id;
		}
		if (!cases)
			continue;
		out->suspects = xrealloc(out->suspects, (out->nsuspects + 1) * sizeof(*out->suspects));
		out->suspects[out->nsuspects++] = (struct cmp_suspect){
			.is_new = is_new, .cases = cases,
			.b = { b->boot_id, b->run_id, b->boot_index, xstrdup(b->kernel), xstrdup(b->kinds) },
		};
	}
	if (is_new)
		for (size_t c = 0; c < out->ncases; c++)
			out->suspect_cases += out->cases[c].base.nsuspect || out->cases[c].new.nsuspect;
}

/* Kernels, boots, host, command lines of both sides: provenance for the sinks. */
static void describe(sqlite3 *db, const struct db_selector *base, const struct db_selector *new,
		     const struct compare_opts *opts, struct compare_result *out)
{
	char *hb, *hn, *rb, *rn, *ab, *an;

	out->base_desc = xstrdup(base->describe);
	out->new_desc = xstrdup(new->describe);
	out->base_kernels = side_list(db, base, kernels_sql, ", ");
	out->new_kernels = side_list(db, new, kernels_sql, ", ");
	/* without them the header says less; the comparison stands */
	provenance_of_boots(db, base->sql, base->text, &out->base_builds);
	provenance_of_boots(db, new->sql, new->text, &out->new_builds);
	out->base_boots = side_boots(db, base);
	out->new_boots = side_boots(db, new);
	hb = side_list(db, base, hosts_sql, "; ");
	hn = side_list(db, new, hosts_sql, "; ");
	out->host = strcmp(hb, hn) ? xasprintf("base: %s; new: %s", hb, hn) : xstrdup(hb);
	rb = side_list(db, base, cmdline_sql, "\n");
	rn = side_list(db, new, cmdline_sql, "\n");
	out->reproduce = xasprintf("%s%s%s%sgupharness compare %s %s --metric %s --threshold %g",
				   rb, *rb ? "\n" : "", strcmp(rb, rn) ? rn : "",
				   strcmp(rb, rn) && *rn ? "\n" : "",
				   opts->base_arg ? opts->base_arg : base->text,
				   opts->new_arg ? opts->new_arg : new->text, opts->metric, opts->threshold_pct);
	ab = side_list(db, base, accel_sql, ",");
	an = side_list(db, new, accel_sql, ",");
	out->emulated = strstr(ab, "tcg") || strstr(an, "tcg");
	free(ab);
	free(an);
	free(hb);
	free(hn);
	free(rb);
	free(rn);
}

int compare_run(sqlite3 *db, const struct db_selector *base, const struct db_selector *new,
		const struct compare_opts *opts, struct compare_result *out)
{
	const struct sample_metric *m = sample_metric_find(opts->metric);
	struct side_load sb, sn;
	struct boot_class cb, cn;
	struct boothist hist;
	struct model_case *mc;
	double *ratios;
	size_t nratio = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!m)
		return error("unknown metric '%s'; use get or put", opts->metric);
	out->opts = *opts;
	if (!(out->opts.alpha > 0 && out->opts.alpha < 1))
		out->opts.alpha = 0.05;
	if ((rc = check_classes(db, base, new, out, &cb, &cn)))
		return rc;
	if (!(out->opts.threshold_pct > 0))
		out->opts.threshold_pct = out->icount ? CMP_THRESHOLD_ICOUNT_PCT : CMP_THRESHOLD_WALL_PCT;
	if (load_history(db, base, new, opts->metric, &cb, &cn, &hist))
		return -1;
	if (load_side(db, base, opts->metric, &sb)) {
		boothist_free(&hist);
		return -1;
	}
	if (load_side(db, new, opts->metric, &sn)) {
		free_side(&sb);
		boothist_free(&hist);
		return -1;
	}
	out->cases = xcalloc(sb.n < sn.n ? sb.n + 1 : sn.n + 1, sizeof(*out->cases));
	mc = xcalloc(sb.n < sn.n ? sb.n + 1 : sn.n + 1, sizeof(*mc));
	pair_cases(out, &sb, &sn, &hist, mc);
	collect_suspects(out, &sb, 0);
	collect_suspects(out, &sn, 1);
	decide(out, mc);
	ratios = xcalloc(out->ncases + 1, sizeof(*ratios));
	for (size_t i = 0; i < out->ncases; i++)
		if (out->cases[i].ratio > 0)
			ratios[nratio++] = out->cases[i].ratio;
	out->geomean = stats_geomean(ratios, nratio);
	free(ratios);
	free(mc);
	free_side(&sb);
	free_side(&sn);
	boothist_free(&hist);
	describe(db, base, new, &out->opts, out);
	find_references(db, out);
	return 0;
}

void compare_result_free(struct compare_result *r)
{
	for (size_t i = 0; i < r->nrefs; i++) {
		free(r->refs[i].series);
		free(r->refs[i].command);
		free(r->refs[i].environment);
	}
	free(r->refs);
	for (size_t i = 0; i < r->nsuspects; i++) {
		free(r->suspects[i].b.kernel);
		free(r->suspects[i].b.kinds);
	}
	free(r->suspects);
	for (size_t i = 0; i < r->ncases; i++) {
		free(r->cases[i].key);
		free(r->cases[i].base.suspect);
		free(r->cases[i].new.suspect);
	}
	free(r->cases);
	free(r->base_desc);
	free(r->new_desc);
	free(r->base_kernels);
	free(r->new_kernels);
	kernel_builds_free(&r->base_builds);
	kernel_builds_free(&r->new_builds);
	free(r->host);
	free(r->clock);
	free(r->host_class);
	free(r->guest);
	free(r->arch);
	free(r->reproduce);
	memset(r, 0, sizeof(*r));
}
