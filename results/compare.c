/*
 * compare: BASE against NEW, case key by case key, from raw samples. Loads
 * both sides through the sample loader (samples.c), walks the two key-sorted lists
 * together, computes each case's statistics and verdict into struct
 * compare_result, and leaves all formatting to the sinks at the bottom of
 * the file (text, markdown, JSON, CSV, and the kernel-test-robot style
 * report), chosen from a table. The method is stated in every format.
 */
#include "compare.h"
#include "samples.h"
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const cmp_verdict_names[CMP_NVERDICTS] = {
	[CMP_IMPROVED] = "improved",
	[CMP_REGRESSED] = "regressed",
	[CMP_UNCHANGED] = "unchanged",
	[CMP_INCONCLUSIVE] = "inconclusive",
};

/* Metrics a user may name; the column comes from here, never from argv. */
/* The boot-noise allowance: boot medians of one kernel measured 21% apart. */
const struct compare_opts compare_defaults = {
	.metric = "get", .threshold_pct = 5.0, .boot_noise_pct = 25.0, .iterations = 2000, .seed = 1,
};

/* One side's samples for one key: pooled, and the medians of its boots. */
struct side_data {
	double *v, *boot_med;
	size_t n, cap, nboot, bcap;
	size_t warmups, truncated;
};

struct keyed {
	char *key;
	struct side_data d;
};

struct side_load {
	struct keyed *k;
	size_t n, cap;
};

static void push(double **a, size_t *n, size_t *cap, double x)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*a = xrealloc(*a, *cap * sizeof(**a));
	}
	(*a)[(*n)++] = x;
}

/* A loaded case as one side's data: pooled samples and the boot medians. */
static void side_of_case(const struct sample_case *c, struct side_data *d)
{
	for (size_t k = 0; k < c->nb; k++) {
		const struct sample_boot *b = &c->b[k];

		for (size_t i = 0; i < b->n; i++)
			push(&d->v, &d->n, &d->cap, b->v[i]);
		if (b->n)
			push(&d->boot_med, &d->nboot, &d->bcap, b->median);
		d->warmups += b->warmups;
		d->truncated += b->truncated;
	}
}

static int load_side(sqlite3 *db, const struct db_selector *sel, const char *metric, struct side_load *out)
{
	struct sample_query q = { .boots_sql = sel->sql, .bind = sel->text, .metric = metric };
	struct sample_set set;

	memset(out, 0, sizeof(*out));
	if (samples_load(db, &q, &set))
		return -1;
	out->k = xcalloc(set.n + 1, sizeof(*out->k));
	out->cap = set.n + 1;
	for (size_t i = 0; i < set.n; i++) {
		struct keyed *k = &out->k[out->n++];

		k->key = xstrdup(set.c[i].key);
		side_of_case(&set.c[i], &k->d);
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
	}
	free(s->k);
}

static void fill_side(struct cmp_side *out, const struct side_data *d)
{
	stats_summary(d->v, d->n, &out->s);
	out->n = d->n;
	out->warmups = d->warmups;
	out->truncated = d->truncated;
	out->boots = d->nboot;
	out->pct_stddev = out->s.mean > 0 ? 100.0 * out->s.stddev / out->s.mean : 0.0;
}

static void judge(struct cmp_case *c, const struct side_data *b, const struct side_data *n,
		  const struct compare_opts *o)
{
	const double *ub = b->v, *un = n->v;
	size_t nb = b->n, nn = n->n;
	double t;

	c->per_boot = b->nboot >= 2 || n->nboot >= 2;
	if (c->per_boot) {
		ub = b->boot_med;
		nb = b->nboot;
		un = n->boot_med;
		nn = n->nboot;
	}
	c->threshold_pct = c->per_boot ? o->threshold_pct : fmax(o->threshold_pct, o->boot_noise_pct);
	c->p = stats_mann_whitney_p(ub, nb, un, nn, &c->u);
	c->have_ci = stats_ratio_ci(ub, nb, un, nn, o->iterations, o->seed, &c->ci_lo, &c->ci_hi) == 0;
	c->verdict = CMP_INCONCLUSIVE;
	if (b->n < 3 || n->n < 3) {
		c->why = "fewer than 3 samples on a side";
		return;
	}
	if (c->per_boot && (nb < 2 || nn < 2)) {
		c->why = "one side has several boots, the other one: per-boot test needs >= 2 on each";
		return;
	}
	if (!c->have_ci) {
		c->why = "no confidence interval (base median 0)";
		return;
	}
	t = c->threshold_pct / 100.0;
	if (c->ci_hi < 1.0 - t) {
		c->verdict = CMP_IMPROVED;
		c->why = "whole CI below 1 - threshold";
	} else if (c->ci_lo > 1.0 + t) {
		c->verdict = CMP_REGRESSED;
		c->why = "whole CI above 1 + threshold";
	} else if (c->ci_lo >= 1.0 - t && c->ci_hi <= 1.0 + t) {
		c->verdict = CMP_UNCHANGED;
		c->why = "whole CI within the threshold";
	} else {
		c->why = c->per_boot ? "CI spans the threshold" :
			 "CI spans the threshold (single boot per side: boot noise allowance applies)";
	}
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

int compare_run(sqlite3 *db, const struct db_selector *base, const struct db_selector *new,
		const struct compare_opts *opts, struct compare_result *out)
{
	struct side_load sb, sn;
	double *ratios;
	size_t i = 0, j = 0, nratio = 0;
	char *hb, *hn, *rb, *rn, *ab, *an;

	memset(out, 0, sizeof(*out));
	out->opts = *opts;
	if (load_side(db, base, opts->metric, &sb))
		return -1;
	if (load_side(db, new, opts->metric, &sn)) {
		free_side(&sb);
		return -1;
	}
	out->cases = xcalloc(sb.n < sn.n ? sb.n + 1 : sn.n + 1, sizeof(*out->cases));
	ratios = xcalloc(sb.n + 1, sizeof(*ratios));
	while (i < sb.n && j < sn.n) {
		int c = strcmp(sb.k[i].key, sn.k[j].key);
		struct cmp_case *cc;

		if (c < 0) {
			out->only_base++;
			i++;
			continue;
		}
		if (c > 0) {
			out->only_new++;
			j++;
			continue;
		}
		cc = &out->cases[out->ncases++];
		cc->key = xstrdup(sb.k[i].key);
		fill_side(&cc->base, &sb.k[i].d);
		fill_side(&cc->new, &sn.k[j].d);
		cc->ratio = cc->base.s.median > 0 ? cc->new.s.median / cc->base.s.median : 0.0;
		cc->pct_change = cc->ratio > 0 ? 100.0 * (cc->ratio - 1.0) : 0.0;
		judge(cc, &sb.k[i].d, &sn.k[j].d, opts);
		if (!cc->per_boot)
			out->single_boot = 1;
		out->counts[cc->verdict]++;
		if (cc->ratio > 0)
			ratios[nratio++] = cc->ratio;
		i++;
		j++;
	}
	out->only_base += sb.n - i;
	out->only_new += sn.n - j;
	out->geomean = stats_geomean(ratios, nratio);
	free(ratios);
	free_side(&sb);
	free_side(&sn);

	out->base_desc = xstrdup(base->describe);
	out->new_desc = xstrdup(new->describe);
	out->base_kernels = side_list(db, base, kernels_sql, ", ");
	out->new_kernels = side_list(db, new, kernels_sql, ", ");
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
	for (size_t i = 0; i < r->ncases; i++)
		free(r->cases[i].key);
	free(r->cases);
	free(r->base_desc);
	free(r->new_desc);
	free(r->base_kernels);
	free(r->new_kernels);
	free(r->host);
	free(r->reproduce);
	memset(r, 0, sizeof(*r));
}

/* ---- sinks: formatting only ---- */

static void method_lines(FILE *f, const struct compare_result *r, const char *prefix)
{
	fprintf(f, "%smetric %s_us, lower is better; warm-up and truncated samples excluded (counted)\n",
		prefix, r->opts.metric);
	fprintf(f, "%s95%% CI: percentile bootstrap of median(new)/median(base), %u resamples, seed %u;"
		" p: two-sided Mann-Whitney U (exact for n <= 10 without ties, else normal with tie correction)\n",
		prefix, r->opts.iterations, r->opts.seed);
	fprintf(f, "%sverdict: CI wholly beyond 1 -+ threshold %g%%; inconclusive when n < 3 or the CI spans it\n",
		prefix, r->opts.threshold_pct);
	fprintf(f, "%sboots: base %zu, new %zu; a side with >= 2 boots is tested on per-boot medians\n",
		prefix, r->base_boots, r->new_boots);
	if (r->single_boot)
		fprintf(f, "%ssingle boot per side for some cases: their p-values and CIs are within-boot only,"
			" so their threshold is the boot-noise allowance %g%%\n", prefix, r->opts.boot_noise_pct);
}

static void summary_line(FILE *f, const struct compare_result *r, const char *prefix)
{
	fprintf(f, "%s%zu cases compared: geomean ratio %.4f (%+.1f%%); %zu improved, %zu regressed,"
		" %zu unchanged, %zu inconclusive", prefix, r->ncases, r->geomean,
		r->geomean > 0 ? 100.0 * (r->geomean - 1.0) : 0.0, r->counts[CMP_IMPROVED],
		r->counts[CMP_REGRESSED], r->counts[CMP_UNCHANGED], r->counts[CMP_INCONCLUSIVE]);
	if (r->only_base || r->only_new)
		fprintf(f, "; %zu only in base, %zu only in new", r->only_base, r->only_new);
	fputc('\n', f);
}

static void ci_text(char *buf, size_t len, const struct cmp_case *c)
{
	if (c->have_ci)
		snprintf(buf, len, "%.3f..%.3f", c->ci_lo, c->ci_hi);
	else
		snprintf(buf, len, "-");
}

static void emit_text(FILE *f, const struct compare_result *r)
{
	fprintf(f, "base: %s: %s\n", r->base_desc, r->base_kernels);
	fprintf(f, "new:  %s: %s\n", r->new_desc, r->new_kernels);
	fprintf(f, "host: %s\n", r->host);
	fprintf(f, "%-34s %10s %7s %10s %7s %8s %13s %9s %-5s %s\n", "case", "base med", "%sd",
		"new med", "%sd", "%change", "95% CI ratio", "p", "unit", "verdict");
	for (size_t i = 0; i < r->ncases; i++) {
		const struct cmp_case *c = &r->cases[i];
		char ci[40];

		ci_text(ci, sizeof(ci), c);
		fprintf(f, "%-34s %10.1f %6.1f%% %10.1f %6.1f%% %+7.1f%% %13s %9.2g %-5s %s\n", c->key,
			c->base.s.median, c->base.pct_stddev, c->new.s.median, c->new.pct_stddev,
			c->pct_change, ci, c->p, c->per_boot ? "boot" : "rep", cmp_verdict_names[c->verdict]);
	}
	method_lines(f, r, "# ");
	summary_line(f, r, "");
}

static void emit_markdown(FILE *f, const struct compare_result *r)
{
	fprintf(f, "**base:** %s: %s  \n**new:** %s: %s  \n**host:** %s\n\n", r->base_desc, r->base_kernels,
		r->new_desc, r->new_kernels, r->host);
	fprintf(f, "| case | base n (warm-up) | base median | base %%sd | new n (warm-up) | new median |"
		" new %%sd | %%change | 95%% CI of ratio | p | unit | verdict |\n");
	fprintf(f, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|\n");
	for (size_t i = 0; i < r->ncases; i++) {
		const struct cmp_case *c = &r->cases[i];
		char ci[40];

		ci_text(ci, sizeof(ci), c);
		fprintf(f, "| `%s` | %zu (%zu) | %.1f | %.1f%% | %zu (%zu) | %.1f | %.1f%% | %+.1f%% | %s | %.2g | %s | %s |\n",
			c->key, c->base.n, c->base.warmups, c->base.s.median, c->base.pct_stddev, c->new.n,
			c->new.warmups, c->new.s.median, c->new.pct_stddev, c->pct_change, ci, c->p,
			c->per_boot ? "boot medians" : "repeats", cmp_verdict_names[c->verdict]);
	}
	fputc('\n', f);
	method_lines(f, r, "- ");
	fputc('\n', f);
	summary_line(f, r, "**summary:** ");
}

static json_t *side_json(const struct cmp_side *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f}",
			 "n", (json_int_t)s->n, "warmups", (json_int_t)s->warmups,
			 "truncated", (json_int_t)s->truncated, "boots", (json_int_t)s->boots,
			 "median", s->s.median, "mean", s->s.mean, "stddev", s->s.stddev,
			 "pct_stddev", s->pct_stddev, "min", s->s.min, "max", s->s.max);
}

static void emit_json(FILE *f, const struct compare_result *r)
{
	json_t *cases = json_array(), *counts = json_object(), *doc;

	for (size_t i = 0; i < r->ncases; i++) {
		const struct cmp_case *c = &r->cases[i];
		json_t *o = json_pack("{s:s, s:o, s:o, s:f, s:f, s:f, s:f, s:s, s:b, s:f, s:s, s:s}",
				      "key", c->key, "base", side_json(&c->base), "new", side_json(&c->new),
				      "ratio", c->ratio, "pct_change", c->pct_change, "p", c->p, "u", c->u,
				      "unit", c->per_boot ? "boot_median" : "repeat", "per_boot", c->per_boot,
				      "threshold_pct", c->threshold_pct,
				      "verdict", cmp_verdict_names[c->verdict], "why", c->why);

		json_object_set_new(o, "ci95", c->have_ci ? json_pack("[f, f]", c->ci_lo, c->ci_hi) : json_null());
		json_array_append_new(cases, o);
	}
	for (int v = 0; v < CMP_NVERDICTS; v++)
		json_object_set_new(counts, cmp_verdict_names[v], json_integer((json_int_t)r->counts[v]));
	doc = json_pack("{s:s, s:{s:s, s:s, s:I}, s:{s:s, s:s, s:I}, s:s, s:{s:s, s:f, s:f, s:s, s:I, s:I, s:s},"
			" s:o, s:{s:I, s:f, s:o, s:I, s:I}, s:s}",
			"format", "gupbench-compare-1",
			"base", "selector", r->base_desc, "kernels", r->base_kernels, "boots", (json_int_t)r->base_boots,
			"new", "selector", r->new_desc, "kernels", r->new_kernels, "boots", (json_int_t)r->new_boots,
			"host", r->host,
			"method", "metric", r->opts.metric, "threshold_pct", r->opts.threshold_pct,
			"boot_noise_pct", r->opts.boot_noise_pct, "ci", "percentile bootstrap of median ratio",
			"iterations", (json_int_t)r->opts.iterations, "seed", (json_int_t)r->opts.seed,
			"test", "two-sided Mann-Whitney U",
			"cases", cases,
			"summary", "compared", (json_int_t)r->ncases, "geomean_ratio", r->geomean, "verdicts", counts,
			"only_base", (json_int_t)r->only_base, "only_new", (json_int_t)r->only_new,
			"reproduce", r->reproduce);
	json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	fputc('\n', f);
	json_decref(doc);
}

static void emit_csv(FILE *f, const struct compare_result *r)
{
	fprintf(f, "key,base_n,base_warmups,base_boots,base_median,base_mean,base_stddev,new_n,new_warmups,"
		"new_boots,new_median,new_mean,new_stddev,ratio,pct_change,ci_lo,ci_hi,p,unit,verdict\n");
	for (size_t i = 0; i < r->ncases; i++) {
		const struct cmp_case *c = &r->cases[i];

		csv_quote(f, c->key);
		fprintf(f, ",%zu,%zu,%zu,%.6g,%.6g,%.6g,%zu,%zu,%zu,%.6g,%.6g,%.6g,%.6g,%.4f,", c->base.n,
			c->base.warmups, c->base.boots, c->base.s.median, c->base.s.mean, c->base.s.stddev,
			c->new.n, c->new.warmups, c->new.boots, c->new.s.median, c->new.s.mean,
			c->new.s.stddev, c->ratio, c->pct_change);
		if (c->have_ci)
			fprintf(f, "%.6g,%.6g,", c->ci_lo, c->ci_hi);
		else
			fputs(",,", f);
		fprintf(f, "%.6g,%s,%s\n", c->p, c->per_boot ? "boot_median" : "repeat",
			cmp_verdict_names[c->verdict]);
	}
}

/* The kernel test robot's mail: headline, provenance, %stddev/%change table, reproduce. */
static void emit_report(FILE *f, const struct compare_result *r)
{
	const struct cmp_case *worst = NULL, *best = NULL;

	for (size_t i = 0; i < r->ncases; i++) {
		const struct cmp_case *c = &r->cases[i];

		if (c->verdict == CMP_REGRESSED && (!worst || c->pct_change > worst->pct_change))
			worst = c;
		if (c->verdict == CMP_IMPROVED && (!best || c->pct_change < best->pct_change))
			best = c;
	}
	fprintf(f, "Hello,\n\n");
	if (worst)
		fprintf(f, "gupbench noticed a %+.1f%% regression of gup_test.%s_us on case '%s'\n",
			worst->pct_change, r->opts.metric, worst->key);
	else if (best)
		fprintf(f, "gupbench noticed a %+.1f%% improvement of gup_test.%s_us on case '%s'\n",
			best->pct_change, r->opts.metric, best->key);
	else
		fprintf(f, "gupbench found no change of gup_test.%s_us beyond the threshold\n", r->opts.metric);
	fprintf(f, "\nbase: %s\n      %s\nnew:  %s\n      %s\n", r->base_desc, r->base_kernels, r->new_desc,
		r->new_kernels);
	fprintf(f, "\nin testcase: gupbench (%s)\nunder: %s\n\n", r->opts.metric, r->host);
	method_lines(f, r, "  ");
	fprintf(f, "\n%20s %27s\n", "base", "new");
	fprintf(f, "---------------- --------------------------- \n");
	fprintf(f, "         %%stddev     %%change         %%stddev\n");
	fprintf(f, "             \\          |                \\  \n");
	for (size_t i = 0; i < r->ncases; i++) {
		const struct cmp_case *c = &r->cases[i];
		char sb[16] = "", sn[16] = "";

		if (c->base.pct_stddev >= 1.0)
			snprintf(sb, sizeof(sb), "\u00b1%3.0f%%", c->base.pct_stddev);
		if (c->new.pct_stddev >= 1.0)
			snprintf(sn, sizeof(sn), "\u00b1%3.0f%%", c->new.pct_stddev);
		fprintf(f, "%10.0f %*s %+8.1f%% %10.0f %*s  gupbench.%s_us[%s] %s\n", c->base.s.median, 6 + !!sb[0], sb,
			c->pct_change, c->new.s.median, 6 + !!sn[0], sn, r->opts.metric, c->key,
			c->verdict == CMP_INCONCLUSIVE || c->verdict == CMP_UNCHANGED ? "" :
			cmp_verdict_names[c->verdict]);
	}
	fputc('\n', f);
	summary_line(f, r, "");
	if (r->nrefs) {
		fprintf(f, "\nPublished figures for the same command:\n\n");
		for (size_t i = 0; i < r->nrefs; i++) {
			const struct cmp_reference *ref = &r->refs[i];
			const struct cmp_case *c = &r->cases[ref->case_index];

			fprintf(f, "  %s\n    published: %s: %.2f -> %.2f us (%.1fx) [%s]\n"
				"    ours:      %s: %.1f -> %.1f us (%.1fx) [%s]\n",
				ref->series, ref->command, ref->before_us, ref->after_us,
				ref->after_us > 0 ? ref->before_us / ref->after_us : 0.0, ref->environment,
				c->key, c->base.s.median, c->new.s.median,
				c->new.s.median > 0 ? c->base.s.median / c->new.s.median : 0.0, r->host);
		}
	}
	if (r->emulated)
		fprintf(f, "\nOur figures come from QEMU TCG guests (software CPU emulation), not bare metal:\n"
			"absolute times are many times the published ones and ratios differ; the direction\n"
			"and the rough size of a change are what carries over.\n");
	fprintf(f, "\nTo reproduce:\n\n");
	for (const char *p = r->reproduce; *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(f, "        %.*s\n", n, p);
		p += n + (nl ? 1 : 0);
	}
}

static const struct compare_format formats[] = {
	{ "text",     emit_text },
	{ "markdown", emit_markdown },
	{ "json",     emit_json },
	{ "csv",      emit_csv },
	{ "report",   emit_report },
};

const struct compare_format *compare_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(name, formats[i].name))
			return &formats[i];
	return NULL;
}

const char *compare_formats_list(void)
{
	static char list[128];

	if (!list[0])
		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
				 formats[i].name);
	return list;
}
