/*
 * compare-formats: the sinks of a comparison (compare.h), formatting only:
 * text, markdown, JSON, CSV and the kernel-test-robot style report, chosen
 * from one table by name. Each reads the struct compare_run() filled and
 * computes nothing; each states the method and names the suspect boots
 * (events.h) behind the cases' samples.
 */
#include "results/compare.h"
#include "lib/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the interval is: the family's level and adjustment, in words. */
static const char *interval_name(const struct compare_result *r, char *buf, size_t len)
{
	if (r->opts.fdr)
		snprintf(buf, len, "%.4g%% false-coverage-rate interval (Benjamini-Hochberg at %g over %zu cases)",
			 100.0 * (1.0 - r->fam.level), r->opts.alpha, r->ncases);
	else
		snprintf(buf, len, "%.4g%% interval, simultaneous: all %zu together cover with %g%% (Sidak)",
			 100.0 * (1.0 - r->fam.level), r->ncases, 100.0 * (1.0 - r->opts.alpha));
	return buf;
}

/* Where the boot variance came from, for the whole comparison. */
static void variance_line(FILE *f, const struct compare_result *r, const char *prefix)
{
	const struct model_family *m = &r->fam;
	char d0[32] = "inf";

	if (r->icount) {
		fprintf(f, "%sboot variance: icount noise model, boot sd of log median x = sqrt((%.2g us / x)^2 +"
			" (%.2g%%)^2), %s; each case moderated by its own boots of one build, or its own sd where they step far beyond it\n", prefix,
			m->a_us, 100.0 * m->r, m->icount_fitted ? "fitted by maximum likelihood over the class's"
			" repeated boots of one build" : "the conservative default (fewer than 20 df of repeated"
			" boots of one build in the class)");
		return;
	}
	if (isfinite(m->d0))
		snprintf(d0, sizeof(d0), "%.1f", m->d0);
	fprintf(f, "%sboot variance: pooled over the cases (base sd %.2g%%, %.0f df; new %.2g%%, %.0f df; history"
		" %.2g%%, %.0f df%s); %s; moderated per case towards a prior of %s df%s\n", prefix,
		100.0 * m->sd_base, m->df_base, 100.0 * m->sd_new, m->df_new, 100.0 * m->sd_hist, m->df_hist,
		m->df_hist > 0 ? (m->hist_used ? ", used" : ", not used: tonight is noisier or the sides differ") : "",
		m->sides_differ ? "the sides differ (F-test): each its own variance (Welch)" : "one variance for"
		" both sides", d0, m->lambda > 1 ? "; no boot repeated tonight: widened"
		" by the cross-case spread of the changes" : "");
}

void compare_method_lines(FILE *f, const struct compare_result *r, const char *prefix)
{
	double t = r->opts.threshold_pct / 100.0;
	char iv[160];

	fprintf(f, "%smetric %s_us, lower is better; warm-up and truncated samples excluded (counted);"
		" clock %s; host class %s; architecture %s; guest %s\n", prefix, r->opts.metric,
		r->clock ? r->clock : "?", r->host_class ? r->host_class : "?", r->arch ? r->arch : "?",
		r->guest ? r->guest : "?");
	fprintf(f, "%sunit: the boot (one median per boot; repeats inside a boot share its luck); boots: base %zu, new %zu\n",
		prefix, r->base_boots, r->new_boots);
	variance_line(f, r, prefix);
	fprintf(f, "%sratio and CI: exp of the difference of mean log boot medians; the CI is the %s\n", prefix,
		interval_name(r, iv, sizeof(iv)));
	fprintf(f, "%sp: the model's t-test of no change; p(adj): %s over the %zu cases\n", prefix,
		r->opts.fdr ? "Benjamini-Hochberg" : "Sidak", r->ncases);
	fprintf(f, "%sverdict: regressed/improved when the CI excludes 1 and the ratio is beyond %.4f..%.4f (threshold"
		" %g%%, symmetric in log); unchanged when the whole CI is inside; else inconclusive\n", prefix,
		1.0 / (1.0 + t), 1.0 + t, r->opts.threshold_pct);
	if (r->no_estimate)
		fprintf(f, "%s%zu case%s had no boot-variance estimate: inconclusive, never"
			" unchanged; rerun with --repeat-boots 3\n", prefix, r->no_estimate, r->no_estimate == 1 ? "" : "s");
}

/* The case's flag column: "suspect" when a boot behind its samples is. */
static const char *case_flag(const struct cmp_case *c)
{
	return c->base.nsuspect || c->new.nsuspect ? "suspect" : "-";
}

/* The suspect boots behind the comparison, one line each (none: nothing). */
static void suspect_lines(FILE *f, const struct compare_result *r, const char *prefix)
{
	if (!r->nsuspects)
		return;
	fprintf(f, "%ssuspect: %zu case%s include samples of boots whose kernel console showed trouble (stored as"
		" events); those samples count in the verdicts like any other: confirm a change they carry by"
		" another boot\n", prefix, r->suspect_cases, r->suspect_cases == 1 ? "" : "s");
	for (size_t i = 0; i < r->nsuspects; i++) {
		const struct cmp_suspect *s = &r->suspects[i];

		fprintf(f, "%s  %s boot id %lld (run #%lld, %s boot%ld): %s; in %zu case%s\n", prefix,
			s->is_new ? "new" : "base", (long long)s->b.boot_id, (long long)s->b.run_id, s->b.kernel,
			s->b.boot_index, s->b.kinds, s->cases, s->cases == 1 ? "" : "s");
	}
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

static void p_text(char *buf, size_t len, int have, double p)
{
	if (have)
		snprintf(buf, len, "%.2g", p);
	else
		snprintf(buf, len, "-");
}

static void emit_text(FILE *f, const struct compare_result *r)
{
	fprintf(f, "base: %s: %s\n", r->base_desc, r->base_kernels);
	fprintf(f, "new:  %s: %s\n", r->new_desc, r->new_kernels);
	fprintf(f, "host: %s\n", r->host);
	fprintf(f, "%-34s %10s %7s %10s %7s %8s %13s %8s %8s %5s %-12s %-7s %s\n", "case", "base med", "%sd",
		"new med", "%sd", "%change", "CI ratio", "p", "p(adj)", "boots", "verdict", "flag", "why");
	for (size_t i = 0; i < r->ncases; i++) {
		const struct cmp_case *c = &r->cases[i];
		char ci[40], p[16], pa[16], nb[16];

		ci_text(ci, sizeof(ci), c);
		p_text(p, sizeof(p), c->have_p, c->p);
		p_text(pa, sizeof(pa), c->have_p, c->p_adj);
		snprintf(nb, sizeof(nb), "%zuv%zu", c->base.boots, c->new.boots);
		fprintf(f, "%-34s %10.1f %6.1f%% %10.1f %6.1f%% %+7.1f%% %13s %8s %8s %5s %-12s %-7s %s\n", c->key,
			c->base.s.median, c->base.pct_stddev, c->new.s.median, c->new.pct_stddev,
			c->pct_change, ci, p, pa, nb, cmp_verdict_names[c->verdict], case_flag(c), c->why);
	}
	compare_method_lines(f, r, "# ");
	suspect_lines(f, r, "# ");
	summary_line(f, r, "");
}

/* The kernel builds of both sides, one line each (prefix, then "base"/"new"). */
static void build_lines(FILE *f, const struct compare_result *r, const char *prefix)
{
	for (int side = 0; side < 2; side++) {
		const struct kernel_builds *b = side ? &r->new_builds : &r->base_builds;

		for (size_t i = 0; i < b->n; i++) {
			char *line = kernel_build_line(&b->k[i]);

			fprintf(f, "%s%-4s %s\n", prefix, side ? "new" : "base", line);
			free(line);
		}
	}
}

static json_t *builds_json(const struct kernel_builds *b)
{
	json_t *a = json_array();

	for (size_t i = 0; i < b->n; i++) {
		const struct kernel_build *k = &b->k[i];

		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", k->name,
						   "release", k->release, "source", k->source, "series", k->series,
						   "patch_sha256_12", k->patches, "config_hash", k->config_hash,
						   "compiler", k->compiler, "arch", k->arch));
	}
	return a;
}

static void emit_markdown(FILE *f, const struct compare_result *r)
{
	fprintf(f, "**base:** %s: %s  \n**new:** %s: %s  \n**host:** %s\n\n", r->base_desc, r->base_kernels,
		r->new_desc, r->new_kernels, r->host);
	fprintf(f, "**kernel builds** (name (release): source, series (patches), config, compiler, arch; hashes cut to 12):\n\n");
	build_lines(f, r, "- ");
	fputc('\n', f);
	fprintf(f, "| case | base n (warm-up) | base median | base %%sd | new n (warm-up) | new median |"
		" new %%sd | %%change | CI of ratio (adjusted) | p | p(adj) | boots | verdict | flag | why |\n");
	fprintf(f, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|\n");
	for (size_t i = 0; i < r->ncases; i++) {
		const struct cmp_case *c = &r->cases[i];
		char ci[40], p[16], pa[16];

		ci_text(ci, sizeof(ci), c);
		p_text(p, sizeof(p), c->have_p, c->p);
		p_text(pa, sizeof(pa), c->have_p, c->p_adj);
		fprintf(f, "| `%s` | %zu (%zu) | %.1f | %.1f%% | %zu (%zu) | %.1f | %.1f%% | %+.1f%% | %s | %s | %s |"
			" %zu v %zu | %s | %s | %s |\n", c->key, c->base.n, c->base.warmups, c->base.s.median,
			c->base.pct_stddev, c->new.n, c->new.warmups, c->new.s.median, c->new.pct_stddev,
			c->pct_change, ci, p, pa, c->base.boots, c->new.boots, cmp_verdict_names[c->verdict],
			case_flag(c), c->why);
	}
	fputc('\n', f);
	compare_method_lines(f, r, "- ");
	suspect_lines(f, r, "- ");
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

static const char *const source_names[] = {
	[MODEL_NONE] = "none", [MODEL_POOLED] = "pooled", [MODEL_SPREAD] = "spread", [MODEL_ICOUNT] = "icount",
};

static json_t *ids_json(const struct cmp_side *s)
{
	json_t *a = json_array();

	for (size_t i = 0; i < s->nsuspect; i++)
		json_array_append_new(a, json_integer((json_int_t)s->suspect[i]));
	return a;
}

static json_t *case_json(const struct cmp_case *c)
{
	json_t *o = json_pack("{s:s, s:o, s:o, s:f, s:f, s:s, s:b, s:s, s:f, s:s, s:s, s:I}",
			      "key", c->key, "base", side_json(&c->base), "new", side_json(&c->new),
			      "ratio", c->ratio, "pct_change", c->pct_change,
			      /* the unit is always the boot; per_boot stays for older readers */
			      "unit", "boot_median", "per_boot", 1, "variance_source", source_names[c->source],
			      "threshold_pct", c->threshold_pct, "verdict", cmp_verdict_names[c->verdict],
			      "why", c->why, "boots_needed", (json_int_t)c->boots_needed);

	json_object_set_new(o, "ci", c->have_ci ? json_pack("[f, f]", c->ci_lo, c->ci_hi) : json_null());
	json_object_set_new(o, "p", c->have_p ? json_real(c->p) : json_null());
	json_object_set_new(o, "p_adj", c->have_p ? json_real(c->p_adj) : json_null());
	json_object_set_new(o, "boot_sd_pct", c->have_ci ? json_real(c->boot_sd_pct) : json_null());
	json_object_set_new(o, "df", c->have_ci && isfinite(c->df) ? json_real(c->df) : json_null());
	json_object_set_new(o, "suspect", json_boolean(c->base.nsuspect || c->new.nsuspect));
	json_object_set_new(o, "suspect_boots", json_pack("{s:o, s:o}", "base", ids_json(&c->base),
							  "new", ids_json(&c->new)));
	return o;
}

/* Every suspect boot behind the comparison: id, side, run, kernel, event kinds. */
static json_t *suspects_json(const struct compare_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nsuspects; i++) {
		const struct cmp_suspect *s = &r->suspects[i];
		json_t *kinds = json_array();
		char *copy = xstrdup(s->b.kinds), *save = NULL;

		for (char *k = strtok_r(copy, ", ", &save); k; k = strtok_r(NULL, ", ", &save))
			json_array_append_new(kinds, json_string(k));
		free(copy);
		json_array_append_new(a, json_pack("{s:I, s:s, s:I, s:s, s:I, s:o, s:I}", "boot_id",
						   (json_int_t)s->b.boot_id, "side", s->is_new ? "new" : "base",
						   "run_id", (json_int_t)s->b.run_id, "kernel", s->b.kernel,
						   "boot_index", (json_int_t)s->b.boot_index, "kinds", kinds,
						   "cases", (json_int_t)s->cases));
	}
	return a;
}

static void emit_json(FILE *f, const struct compare_result *r)
{
	json_t *cases = json_array(), *counts = json_object(), *doc;
	char iv[160];

	interval_name(r, iv, sizeof(iv));
	for (size_t i = 0; i < r->ncases; i++)
		json_array_append_new(cases, case_json(&r->cases[i]));
	for (int v = 0; v < CMP_NVERDICTS; v++)
		json_object_set_new(counts, cmp_verdict_names[v], json_integer((json_int_t)r->counts[v]));
	doc = json_pack("{s:s, s:{s:s, s:s, s:I}, s:{s:s, s:s, s:I}, s:s,"
			" s:{s:s, s:f, s:f, s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:s},"
			" s:o, s:{s:I, s:f, s:o, s:I, s:I, s:I}, s:o, s:{s:o, s:o}, s:s}",
			"format", "gupbench-compare-3",
			"base", "selector", r->base_desc, "kernels", r->base_kernels, "boots", (json_int_t)r->base_boots,
			"new", "selector", r->new_desc, "kernels", r->new_kernels, "boots", (json_int_t)r->new_boots,
			"host", r->host,
			"method", "metric", r->opts.metric, "threshold_pct", r->opts.threshold_pct, "alpha", r->opts.alpha,
			"clock", r->clock, "host_class", r->host_class, "arch", r->arch, "guest", r->guest,
			"ci", iv, "ci_level", 1.0 - r->fam.level,
			"test", "t-test of no change on log boot medians (docs/statistics.md)",
			"adjustment", r->opts.fdr ? "Benjamini-Hochberg over all compared cases" : "Sidak over all compared cases",
			"cases", cases,
			"summary", "compared", (json_int_t)r->ncases, "geomean_ratio", r->geomean, "verdicts", counts,
			"only_base", (json_int_t)r->only_base, "only_new", (json_int_t)r->only_new,
			"suspect_cases", (json_int_t)r->suspect_cases,
			"suspect_boots", suspects_json(r),
			"builds", "base", builds_json(&r->base_builds), "new", builds_json(&r->new_builds),
			"reproduce", r->reproduce);
	json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	fputc('\n', f);
	json_decref(doc);
}

static void emit_csv(FILE *f, const struct compare_result *r)
{
	fprintf(f, "key,base_n,base_warmups,base_boots,base_median,base_mean,base_stddev,new_n,new_warmups,"
		"new_boots,new_median,new_mean,new_stddev,ratio,pct_change,ci_lo,ci_hi,p,p_adj,variance_source,"
		"boot_sd_pct,df,verdict,why,suspect_boots\n");
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
		if (c->have_p)
			fprintf(f, "%.6g,%.6g,", c->p, c->p_adj);
		else
			fputs(",,", f);
		fprintf(f, "%s,", source_names[c->source]);
		if (c->have_ci)
			fprintf(f, "%.4g,%s", c->boot_sd_pct, isfinite(c->df) ? "" : "inf");
		else
			fputc(',', f);
		if (c->have_ci && isfinite(c->df))
			fprintf(f, "%.0f", c->df);
		fprintf(f, ",%s,", cmp_verdict_names[c->verdict]);
		csv_quote(f, c->why);
		fprintf(f, ",%zu\n", c->base.nsuspect + c->new.nsuspect);
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
	fprintf(f, "\nkernel builds:\n");
	build_lines(f, r, "  ");
	fprintf(f, "\nin testcase: gupbench (%s)\nunder: %s\n\n", r->opts.metric, r->host);
	compare_method_lines(f, r, "  ");
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
		fprintf(f, "%10.0f %*s %+8.1f%% %10.0f %*s  gupbench.%s_us[%s] %s%s\n", c->base.s.median, 6 + !!sb[0], sb,
			c->pct_change, c->new.s.median, 6 + !!sn[0], sn, r->opts.metric, c->key,
			c->verdict == CMP_INCONCLUSIVE || c->verdict == CMP_UNCHANGED ? "" :
			cmp_verdict_names[c->verdict], c->base.nsuspect || c->new.nsuspect ? " (suspect)" : "");
	}
	fputc('\n', f);
	summary_line(f, r, "");
	if (r->nsuspects)
		fputc('\n', f);
	suspect_lines(f, r, "");
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
