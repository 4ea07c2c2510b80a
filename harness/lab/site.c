/*
 * site: the dashboard's pages (site.h). index.html at the top of the
 * report directory; site/<source>/<date>-<id>.html per night and
 * site/<source>/case-<name>.html (+ .svg, site-chart.c) per case.
 */
#include "harness/lab/site.h"
#include "results/compare.h"
#include "results/db.h"
#include "results/nights.h"
#include "results/provenance.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- what a night is ------------------------------------------------- */

/* "regressed", "failed build", "panic" (or another event kind), "ok", "no data". */
static const char *night_status(const struct nightly_stream *st, size_t n, const struct nightly_report *r)
{
	for (size_t i = 0; i < st->nevents; i++)
		if (st->events[i].night == n)
			return strstr(st->events[i].kind, "build") ? "failed build" : st->events[i].kind;
	for (size_t i = 0; i < st->ncases; i++) {
		const struct nightly_case *c = &st->cases[i];

		for (size_t k = 0; k < c->nchanges; k++)
			if (c->night[c->changes[k].index] == n && c->changes[k].size_pct >= r->cfg->threshold_pct)
				return "regressed";
	}
	if (st->nights[n].failed)
		return "failed";
	return st->nights[n].has_data ? "ok" : "no data";
}

static const char *status_class(const char *status)
{
	return !strcmp(status, "ok") ? "ok" : !strcmp(status, "regressed") ? "regressed" : "failed";
}

/* The kernel build(s) a night ran, one line each: the one place the site
 * says what was built (provenance.h), so a richer identity extends here. */
static char *night_build(sqlite3 *db, const struct nightly_night *n)
{
	struct kernel_builds b;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (provenance_of_label(db, n->label, &b))
		return xstrdup("unknown");
	f = open_memstream(&buf, &len);
	for (size_t i = 0; i < b.n; i++) {
		char *line = kernel_build_line(&b.k[i]);

		fprintf(f, "%s%s", i ? "; " : "", line);
		free(line);
	}
	if (!b.n)
		fputs("none recorded", f);
	fclose(f);
	kernel_builds_free(&b);
	return buf;
}

static char *night_page(const struct nightly_stream *st, size_t n)
{
	return xasprintf("%s-%s.html", st->nights[n].date, st->nights[n].id);
}

static char *case_stem(const char *key)
{
	char safe[200];

	sanitize_name(key, safe, sizeof(safe));
	return xasprintf("case-%s", safe);
}


/* The last good night before n, or -1. */
static long good_before(const struct nightly_stream *st, size_t n)
{
	for (long i = (long)n - 1; i >= 0; i--)
		if (st->nights[i].has_data && !st->nights[i].failed)
			return i;
	return -1;
}

static void compare_row(FILE *f, const struct cmp_case *c, const char *stem)
{
	const char *v = cmp_verdict_names[c->verdict];

	site_html(f, "<tr class=\"%s\" data-case=\"%s\"><td><a href=\"%s.html\">%s</a></td><td><strong>%s</strong></td>"
		  "<td>%.0f</td><td>%.0f</td><td>%+.1f%%</td>", v, c->key, stem, c->key, v, c->base.s.median,
		  c->new.s.median, c->pct_change);
	if (c->have_ci)
		site_html(f, "<td>%.3f .. %.3f</td>", c->ci_lo, c->ci_hi);
	else
		site_html(f, "<td>-</td>");
	if (c->have_p)
		site_html(f, "<td>%.3g</td>", c->p_adj);
	else
		site_html(f, "<td>-</td>");
	site_html(f, "<td>%u / %u</td><td class=\"why\">%s</td></tr>\n", c->base.boots, c->new.boots, c->why);
}

/* The comparison's method, as compare's footer says it, as a list. */
static void method_list(FILE *f, const struct compare_result *r)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	compare_method_lines(m, r, "");
	fclose(m);
	site_html(f, "<details open><summary>Method</summary><ul class=\"method\">\n");
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		site_html(f, "<li>%s</li>\n", line);
	site_html(f, "</ul></details>\n");
	free(buf);
}

/* Night n against the last good night before it, as `gupharness compare` does. */
static void night_compare(FILE *f, sqlite3 *db, const struct nightly_report *rep,
			  const struct nightly_stream *st, size_t n)
{
	long g = good_before(st, n);
	struct compare_opts o = compare_defaults;
	struct db_selector base, new;
	struct compare_result r;

	if (g < 0 || !st->nights[n].has_data) {
		site_html(f, "<p>Nothing to compare: %s.</p>\n",
			  g < 0 ? "no good night before this one" : "this night has no samples");
		return;
	}
	o.metric = rep->cfg->metric;
	o.threshold_pct = rep->cfg->threshold_pct;
	o.base_arg = st->nights[g].label;
	o.new_arg = st->nights[n].label;
	if (db_resolve_selector(db, o.base_arg, &base) < 0)
		return;
	if (db_resolve_selector(db, o.new_arg, &new) == 0) {
		if (compare_run(db, &base, &new, &o, &r) == 0) {
			site_html(f, "<p>Against <a href=\"%s-%s.html\">%s</a> (the last good night before it):"
				  " %u cases, %u regressed, %u improved, %u unchanged, %u inconclusive.</p>\n",
				  st->nights[g].date, st->nights[g].id, st->nights[g].date, r.ncases,
				  r.counts[CMP_REGRESSED], r.counts[CMP_IMPROVED], r.counts[CMP_UNCHANGED],
				  r.counts[CMP_INCONCLUSIVE]);
			site_html(f, "<div class=\"wrap\"><table id=\"comparison\">\n<tr><th>case</th><th>verdict</th>"
				  "<th>before, us</th><th>after, us</th><th>change</th><th>95%% CI of ratio</th>"
				  "<th>p (Holm)</th><th>boots</th><th>why</th></tr>\n");
			for (size_t i = 0; i < r.ncases; i++) {
				char *stem = case_stem(r.cases[i].key);

				compare_row(f, &r.cases[i], stem);
				free(stem);
			}
			site_html(f, "</table></div>\n");
			method_list(f, &r);
			compare_result_free(&r);
		}
		db_selector_free(&new);
	}
	db_selector_free(&base);
}

/* The change points that start at night n. */
static void night_changes(FILE *f, const struct nightly_stream *st, size_t n)
{
	size_t found = 0;

	site_html(f, "<h2>Change points starting this night</h2>\n");
	for (size_t i = 0; i < st->ncases; i++) {
		const struct nightly_case *c = &st->cases[i];
		char *stem = case_stem(c->key);

		for (size_t k = 0; k < c->nchanges; k++) {
			const struct cp_change *ch = &c->changes[k];

			if (c->night[ch->index] != n)
				continue;
			if (!found++)
				site_html(f, "<div class=\"wrap\"><table id=\"changes\"><tr><th>case</th><th>change</th>"
					  "<th>before, us</th><th>after, us</th><th>p</th></tr>\n");
			site_html(f, "<tr class=\"%s\"><td><a href=\"%s.html\">%s</a></td><td>%+.1f%% (%s)</td>"
				  "<td>%.0f</td><td>%.0f</td><td>%.3f</td></tr>\n",
				  ch->size_pct > 0 ? "regressed" : "improved", stem, c->key, ch->size_pct,
				  ch->size_pct > 0 ? "slower" : "faster", ch->before_median, ch->after_median, ch->p_value);
		}
		free(stem);
	}
	site_html(f, found ? "</table></div>\n" : "<p>None.</p>\n");
}

/* The night's files: the day's report, its logs (build, run, console), a bisection. */
static void night_links(FILE *f, const struct nightly_report *rep, const struct nightly_stream *st,
			const char *dir, size_t n)
{
	const char *date = st->nights[n].date;
	char *p = xasprintf("%s/%s/logs", dir, date), *rel;
	DIR *d = opendir(p);
	struct dirent *de;
	size_t plen = strlen(st->src->name);

	size_t nfiles = 0;

	site_html(f, "<h2>Files</h2>\n<ul id=\"files\">\n");
	free(p);
	p = xasprintf("%s/%s/report.html", dir, date);
	if (file_exists(p) && ++nfiles)
		site_html(f, "<li><a href=\"../../%s/report.html\">the report of %s</a></li>\n", date, date);
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, st->src->name, plen) && de->d_name[plen] == '-' && ++nfiles)
			site_html(f, "<li><a href=\"../../%s/logs/%s\">%s</a></li>\n", date, de->d_name, de->d_name);
	if (d)
		closedir(d);
	rel = st->bisect_report && (long)n == st->tonight && !strncmp(st->bisect_report, dir, strlen(dir))
	      ? st->bisect_report + strlen(dir) + 1 : NULL;
	if (rel && ++nfiles)
		site_html(f, "<li><a href=\"../../%s\">bisection of %s</a>: %s</li>\n", rel, st->worst_key,
			  st->bisect_outcome);
	if (!nfiles)
		site_html(f, "<li>none kept: no report, log or bisection of this night in the report directory</li>\n");
	site_html(f, "</ul>\n");
	free(p);
	(void)rep;
}

struct boots_ctx {
	FILE *f;
	const char *sdir;
	size_t n;
};

/* One boot's row; its console log is copied into the site (boots/<id>.console.log)
 * so the link stays inside the folder. */
static void boot_row(const struct night_boot *b, void *arg)
{
	struct boots_ctx *x = arg;
	char *src = xasprintf("%s/%s/boot%d/console.log", b->run_dir, b->kernel, b->index);
	char *dst = xasprintf("%s/boots/%lld.console.log", x->sdir, b->id), *data;
	size_t len;

	if (!x->n++)
		site_html(x->f, "<div class=\"wrap\"><table id=\"boots\"><tr><th>boot</th><th>kernel</th>"
			  "<th>#</th><th>status</th><th>console</th></tr>\n");
	site_html(x->f, "<tr><td>%d</td><td>%s</td><td>%d</td><td>%s</td>", (int)b->id, b->kernel, b->index,
		  b->status);
	data = *b->run_dir ? read_file(src, &len) : NULL;
	if (data && write_file_atomic(dst, data, len) == 0)
		site_html(x->f, "<td><a href=\"boots/%d.console.log\">console log</a></td></tr>\n", (int)b->id);
	else
		site_html(x->f, "<td>not kept%s</td></tr>\n", *b->run_dir ? "" : " (imported run)");
	free(data);
	free(src);
	free(dst);
}

static void night_boots(FILE *f, sqlite3 *db, const char *sdir, const struct nightly_night *nt)
{
	struct boots_ctx x = { f, sdir, 0 };

	site_html(f, "<h2 id=\"boots-list\">Boots</h2>\n");
	nights_each_boot(db, nt->label, boot_row, &x);
	site_html(f, x.n ? "</table></div>\n" : "<p>None stored.</p>\n");
}

static int write_night(const struct nightly_report *rep, sqlite3 *db, const struct nightly_stream *st,
		       const char *dir, const char *sdir, size_t n)
{
	const struct nightly_night *nt = &st->nights[n];
	const char *status = night_status(st, n, rep);
	char *buf = NULL, *title = xasprintf("%s: night of %s", st->src->name, nt->date);
	char *build = night_build(db, nt), *page = night_page(st, n), *path = xasprintf("%s/%s", sdir, page);
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	site_page_begin(f, "../../site.css", title);
	site_html(f, "<nav><a href=\"../../index.html\">all nights</a>");
	if (n > 0)
		site_html(f, " · <a rel=\"prev\" href=\"%s-%s.html\">previous night</a>", st->nights[n - 1].date,
			  st->nights[n - 1].id);
	if (n + 1 < st->nnights)
		site_html(f, " · <a rel=\"next\" href=\"%s-%s.html\">next night</a>", st->nights[n + 1].date,
			  st->nights[n + 1].id);
	site_html(f, "</nav>\n<p>Status: <strong class=\"%s\" id=\"status\">%s</strong>. Label <code>%s</code>.</p>\n"
		  "<p>Kernel build: <code>%s</code></p>\n<h2>Comparison</h2>\n", status_class(status), status,
		  nt->label, build);
	night_compare(f, db, rep, st, n);
	night_changes(f, st, n);
	for (size_t i = 0; i < st->nevents; i++)
		if (st->events[i].night == n)
			site_html(f, "<p class=\"failed\">%s%s%s: %s</p>\n", st->events[i].kind,
				  st->events[i].case_id ? " in " : "", st->events[i].case_id ? st->events[i].case_id : "",
				  st->events[i].message);
	night_boots(f, db, sdir, nt);
	night_links(f, rep, st, dir, n);
	ret = site_page_end(f, &buf, path);
	free(title);
	free(build);
	free(page);
	free(path);
	return ret;
}

static void case_nights(FILE *f, const struct nightly_stream *st, const struct nightly_case *c)
{
	site_html(f, "<h2>Nights</h2>\n<div class=\"wrap\"><table id=\"nights\"><tr><th>night</th>"
		  "<th>median, us</th><th>boot medians, us</th><th>boots</th><th>change from here</th></tr>\n");
	for (size_t k = 0; k < c->n; k++) {
		const struct nightly_night *nt = &st->nights[c->night[k]];
		const struct cp_change *ch = NULL;

		for (size_t j = 0; j < c->nchanges; j++)
			if (c->changes[j].index == k)
				ch = &c->changes[j];
		site_html(f, "<tr class=\"%s\"><td><a href=\"%s-%s.html\">%s</a></td><td>%.0f</td><td>%.0f .. %.0f</td>"
			  "<td><a href=\"%s-%s.html#boots-list\">%u</a></td>", ch ? (ch->size_pct > 0 ? "regressed" : "improved")
			  : "ok", nt->date, nt->id, nt->date, c->median[k], c->lo[k], c->hi[k], nt->date, nt->id, c->boots[k]);
		if (ch)
			site_html(f, "<td>%+.1f%%</td></tr>\n", ch->size_pct);
		else
			site_html(f, "<td></td></tr>\n");
	}
	site_html(f, "</table></div>\n");
}

static int write_case(const struct nightly_report *rep, const struct nightly_stream *st,
		      const struct nightly_case *c, const char *sdir)
{
	char *buf = NULL, *stem = case_stem(c->key), *why = NULL;
	char *title = xasprintf("%s: %s", st->src->name, c->key), *path = xasprintf("%s/%s.html", sdir, stem);
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	site_page_begin(f, "../../site.css", title);
	site_html(f, "<nav><a href=\"../../index.html\">all nights</a></nav>\n<p>%s. %u nights.</p>\n",
		  c->regressed ? "Regressed now" : c->nchanges ? "Changed" : "No change beyond the threshold", c->n);
	if (site_chart(rep, st, c, sdir, stem, &why) == 0)
		site_html(f, "<figure><img id=\"chart\" src=\"%s.svg\" width=\"960\" height=\"420\" alt=\"history of %s:"
			  " nightly medians with the spread of boot medians%s\"><figcaption>Each point is a night's"
			  " median (median of its boots' medians); the bar spans the boots; dashed lines are change"
			  " points; red nights are in a regressed segment. Redraw: <code>gnuplot %s.params.gp"
			  " plots/site-history.gp</code></figcaption></figure>\n", stem, c->key,
			  c->nchanges ? ", change points marked" : "", stem);
	else
		site_html(f, "<p class=\"failed\">No chart: %s</p>\n", why);
	case_nights(f, st, c);
	ret = site_page_end(f, &buf, path);
	free(why);
	free(stem);
	free(title);
	free(path);
	return ret;
}

static void index_stream(FILE *f, sqlite3 *db, const struct nightly_report *rep, const struct nightly_stream *st)
{
	site_html(f, "<h2>Source %s</h2>\n", st->src->name);
	if (!st->nnights) {
		site_html(f, "<p>No nights measured yet.</p>\n");
		return;
	}
	site_html(f, "<div class=\"wrap\"><table class=\"nights\"><tr><th>night</th><th>status</th><th>kernel build</th></tr>\n");
	for (size_t n = st->nnights; n-- > 0;) {
		const char *status = night_status(st, n, rep);
		char *build = night_build(db, &st->nights[n]);

		site_html(f, "<tr class=\"%s\" data-night=\"%s\"><td><a href=\"site/%s/%s-%s.html\">%s</a></td>"
			  "<td><strong>%s</strong></td><td><code>%s</code></td></tr>\n", status_class(status),
			  st->nights[n].date, st->src->name, st->nights[n].date, st->nights[n].id, st->nights[n].date,
			  status, build);
		free(build);
	}
	site_html(f, "</table></div>\n<h3>Cases</h3>\n<ul>\n");
	for (size_t i = 0; i < st->ncases; i++) {
		char *stem = case_stem(st->cases[i].key);

		site_html(f, "<li><a href=\"site/%s/%s.html\">%s</a>%s</li>\n", st->src->name, stem, st->cases[i].key,
			  st->cases[i].regressed ? " (regressed now)" : "");
		free(stem);
	}
	site_html(f, "</ul>\n");
}

static int write_index(const struct nightly_report *r, sqlite3 *db, const char *dir)
{
	char *buf = NULL, *title = xasprintf("gupbench nightly '%s'", r->cfg->name);
	char *path = xasprintf("%s/index.html", dir);
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	site_page_begin(f, "site.css", title);
	site_html(f, "<p>Analysed %s: %u case%s changed, %u regressed now beyond %g%%. Metric: %s time per call."
		  " Database <code>%s</code>.</p>\n", r->date, r->changed_cases, r->changed_cases == 1 ? "" : "s",
		  r->regressions, r->cfg->threshold_pct, r->cfg->metric, r->db);
	for (size_t i = 0; i < r->nstreams; i++)
		index_stream(f, db, r, &r->streams[i]);
	ret = site_page_end(f, &buf, path);
	free(title);
	free(path);
	return ret;
}

static int write_stream(const struct nightly_report *r, sqlite3 *db, const struct nightly_stream *st,
			const char *dir)
{
	char *sdir = xasprintf("%s/site/%s", dir, st->src->name), *bdir = xasprintf("%s/boots", sdir);
	int ret = EXIT_OK;

	if (mkdir_p(bdir, 0755) < 0) {
		error("cannot create '%s': %s", bdir, strerror(errno));
		free(sdir);
		free(bdir);
		return EXIT_IO;
	}
	for (size_t n = 0; n < st->nnights && ret == EXIT_OK; n++)
		ret = write_night(r, db, st, dir, sdir, n);
	for (size_t i = 0; i < st->ncases && ret == EXIT_OK; i++)
		ret = write_case(r, st, &st->cases[i], sdir);
	free(sdir);
	free(bdir);
	return ret;
}

int site_write(const struct nightly_report *r, const char *dir)
{
	sqlite3 *db;
	char *css = xasprintf("%s/site.css", dir);
	int ret = EXIT_OK;

	if (mkdir_p(dir, 0755) < 0 || write_file_atomic(css, site_css, strlen(site_css)) < 0) {
		error("cannot write '%s': %s; give a writable directory", css, strerror(errno));
		free(css);
		return EXIT_IO;
	}
	free(css);
	db = db_open(r->db, DB_READONLY);
	for (size_t i = 0; i < r->nstreams && ret == EXIT_OK; i++)
		ret = write_stream(r, db, &r->streams[i], dir);
	if (ret == EXIT_OK)
		ret = write_index(r, db, dir);
	db_close(db);
	return ret;
}
