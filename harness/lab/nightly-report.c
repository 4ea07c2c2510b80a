/*
 * nightly-report: the morning-after report of `gupharness nightly`, in
 * Markdown and in HTML with the charts embedded. The report is walked once
 * and handed to an output sink (SQLite's qrf habit: the walker never knows
 * which format it feeds): changed cases first, each with its first night,
 * size and confidence and a history chart from plot's history kind;
 * then the nights that failed to build or whose guest panicked; then
 * tonight against the last good night (compare's Markdown sink); then a
 * compact table of every case. Before the sources, the kernel builds
 * (provenance) tonight and the last good night ran. Files are written
 * whole and renamed into place, so a half-written report never looks
 * complete.
 */
#include "results/db.h"
#include "harness/lab/nightly.h"
#include "harness/plot/plot.h"
#include "results/provenance.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sinks ----------------------------------------------------------- */

struct sink {
	void (*begin)(FILE *f, const char *title);
	void (*heading)(FILE *f, int level, const char *text);
	void (*para)(FILE *f, const char *text);
	void (*table)(FILE *f, const char *const *cells, size_t ncols, size_t nrows);
	void (*image)(FILE *f, const char *path, const char *rel, const char *alt);
	void (*pre)(FILE *f, const char *text);
	void (*end)(FILE *f);
};

static void md_begin(FILE *f, const char *title)
{
	fprintf(f, "# %s\n\n", title);
}

static void md_heading(FILE *f, int level, const char *text)
{
	fprintf(f, "%.*s %s\n\n", level, "######", text);
}

static void md_para(FILE *f, const char *text)
{
	fprintf(f, "%s\n\n", text);
}

static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

/* cells: the header row then nrows rows, ncols each. */
static void md_table(FILE *f, const char *const *cells, size_t ncols, size_t nrows)
{
	for (size_t r = 0; r <= nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			fputs("| ", f);
			md_cell(f, cells[r * ncols + c]);
			fputc(' ', f);
		}
		fputs("|\n", f);
		if (r == 0) {
			for (size_t c = 0; c < ncols; c++)
				fputs("|---", f);
			fputs("|\n", f);
		}
	}
	fputc('\n', f);
}

static void md_image(FILE *f, const char *path, const char *rel, const char *alt)
{
	(void)path;
	fprintf(f, "![%s](%s)\n\n", alt, rel);
}

static void md_pre(FILE *f, const char *text)
{
	/* compare's own Markdown is kept as it is: it is already a report. */
	fprintf(f, "%s\n\n", text);
}

static void md_end(FILE *f)
{
	(void)f;
}

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

static void html_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", f);
	html_text(f, title);
	fputs("</title>\n<style>body{font-family:sans-serif;max-width:70em;margin:auto}"
	      "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}"
	      "pre{background:#f4f4f4;padding:6px;overflow-x:auto}img{max-width:100%}</style>\n"
	      "</head><body>\n<h1>", f);
	html_text(f, title);
	fputs("</h1>\n", f);
}

static void html_heading(FILE *f, int level, const char *text)
{
	fprintf(f, "<h%d>", level);
	html_text(f, text);
	fprintf(f, "</h%d>\n", level);
}

static void html_para(FILE *f, const char *text)
{
	fputs("<p>", f);
	html_text(f, text);
	fputs("</p>\n", f);
}

static void html_table(FILE *f, const char *const *cells, size_t ncols, size_t nrows)
{
	fputs("<table>\n", f);
	for (size_t r = 0; r <= nrows; r++) {
		fputs("<tr>", f);
		for (size_t c = 0; c < ncols; c++) {
			fputs(r ? "<td>" : "<th>", f);
			html_text(f, cells[r * ncols + c]);
			fputs(r ? "</td>" : "</th>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		fputc(t[v >> 18 & 63], f);
		fputc(t[v >> 12 & 63], f);
		fputc(i + 1 < n ? t[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? t[v & 63] : '=', f);
	}
}

/* The HTML report stands alone: charts go in as data: URIs. */
static void html_image(FILE *f, const char *path, const char *rel, const char *alt)
{
	size_t len;
	char *data = read_file(path, &len);
	int svg = strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".svg");

	if (!data) {
		fprintf(f, "<p><a href=\"%s\">", rel);
		html_text(f, alt);
		fputs("</a></p>\n", f);
		return;
	}
	fprintf(f, "<p><img alt=\"");
	html_text(f, alt);
	fprintf(f, "\" src=\"data:image/%s;base64,", svg ? "svg+xml" : "png");
	base64(f, (const unsigned char *)data, len);
	fputs("\"></p>\n", f);
	free(data);
}

static void html_pre(FILE *f, const char *text)
{
	fputs("<pre>", f);
	html_text(f, text);
	fputs("</pre>\n", f);
}

static void html_end(FILE *f)
{
	fputs("</body></html>\n", f);
}

static const struct {
	const char *ext;
	struct sink sink;
} sinks[] = {
	{ "md", { md_begin, md_heading, md_para, md_table, md_image, md_pre, md_end } },
	{ "html", { html_begin, html_heading, html_para, html_table, html_image, html_pre, html_end } },
};

/* ---- table building -------------------------------------------------- */

struct table {
	char **cells;
	size_t ncols, n;
};

static void t_add(struct table *t, char *cell)
{
	t->cells = xrealloc(t->cells, (t->n + 1) * sizeof(*t->cells));
	t->cells[t->n++] = cell;
}

static void t_emit(const struct sink *s, FILE *f, struct table *t)
{
	s->table(f, (const char *const *)t->cells, t->ncols, t->n / t->ncols - 1);
}

static void t_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

static void t_header(struct table *t, const char *const *cols, size_t n)
{
	t->ncols = n;
	for (size_t i = 0; i < n; i++)
		t_add(t, xstrdup(cols[i]));
}

static char *night_name(const struct nightly_stream *st, size_t night)
{
	return xasprintf("%s (%s)", st->nights[night].date, st->nights[night].id);
}

static const char *verdict(const struct cp_change *c)
{
	return c->size_pct > 0 ? "slower" : "faster";
}

/* ---- charts ---------------------------------------------------------- */

/* The first image plot wrote into dir (SVG preferred: it scales in HTML). */
static char *find_image(const char *dir)
{
	static const char *const exts[] = { ".svg", ".png" };
	char *found = NULL;

	for (size_t e = 0; !found && e < sizeof(exts) / sizeof(exts[0]); e++) {
		DIR *d = opendir(dir);
		struct dirent *de;

		if (!d)
			return NULL;
		while (!found && (de = readdir(d))) {
			size_t l = strlen(de->d_name), el = strlen(exts[e]);

			if (l > el && !strcmp(de->d_name + l - el, exts[e]))
				found = xasprintf("%s/%s", dir, de->d_name);
		}
		closedir(d);
	}
	return found;
}

/*
 * One history chart per changed case, drawn by plot's history kind
 * (plot_draw). It selects runs by a kernel, one exact label or a run id,
 * not by a label prefix, so it can draw a stream's nights only when the
 * database holds nothing else (then no selector means every run); otherwise
 * the report says why the chart is missing. A chart that cannot be drawn is
 * a warning and a line in the report, never a failed night.
 */
static void draw_chart(const struct nightly_report *r, const struct nightly_stream *st,
		       struct nightly_case *c, const char *dir)
{
	char safe[200], *out, alpha[32], minch[32], *cmdline, *err = NULL;
	struct plot_opts o = { .db_path = r->db, .filter = c->key, .format_arg = "svg", .alpha_arg = alpha,
			       .min_change_arg = minch, .x_axis = "size_mb", .y_axis = "nr_pages", .quiet = 1 };

	if (!st->alone) {
		c->chart_missing = xasprintf("'plot history' cannot select the label prefix '%s' in a database shared with other runs",
					     st->prefix);
		return;
	}
	/* the chart's change points come from the same cp_history call with the
	 * same parameters as this report's table (permutations, min_nights and
	 * seed are the defaults plot uses; other values are not passed yet) */
	snprintf(alpha, sizeof(alpha), "%.17g", r->cfg->cp.alpha);
	snprintf(minch, sizeof(minch), "%.17g", r->cfg->cp.min_size_pct);
	sanitize_name(c->key, safe, sizeof(safe));
	out = xasprintf("%s/charts/%s-%s", dir, st->src->name, safe);
	o.out_dir = out;
	if (mkdir_p(out, 0755) < 0) {
		c->chart_missing = xasprintf("cannot create chart directory '%s': %s", out, strerror(errno));
		free(out);
		return;
	}
	/* the index beside the chart names the command that redraws it */
	{
		char *argv[] = { "plot", "history", "--case", c->key, "--db", (char *)r->db, "--out", out,
				 "--format", "svg", "--alpha", alpha, "--min-change", minch, NULL };

		cmdline = argv_to_string(argv);
	}
	if (plot_opts_resolve(&o) == EXIT_OK && plot_draw(&o, plot_kind_find("history"), NULL, 0, cmdline, &err) == EXIT_OK)
		c->chart = find_image(out);
	if (!c->chart) {
		const char *msg = err && *err ? err : "plot history drew nothing";

		c->chart_missing = xasprintf("plot history: %.*s", (int)strcspn(msg, "\n"), msg);
		warning("no history chart for '%s' in '%s': %.*s", c->key, st->src->name, (int)strcspn(msg, "\n"),
			msg);
	}
	free(err);
	free(cmdline);
	free(out);
}

/* ---- the report ------------------------------------------------------ */

/* The change points of every case, then each changed case's history chart. */
static void changes_section(const struct sink *s, FILE *f, const struct nightly_stream *st, const char *dir)
{
	struct table t = { 0 };
	char *line;
	size_t changed = 0;

	s->heading(f, 3, "Changes");
	{
		static const char *const cols[] = { "case", "from night", "change", "before", "after",
						    "p", "now" };

		t_header(&t, cols, sizeof(cols) / sizeof(cols[0]));
	}
	for (size_t i = 0; i < st->ncases; i++) {
		const struct nightly_case *c = &st->cases[i];

		for (size_t k = 0; k < c->nchanges; k++) {
			const struct cp_change *ch = &c->changes[k];

			t_add(&t, xstrdup(c->key));
			t_add(&t, night_name(st, c->night[ch->index]));
			t_add(&t, xasprintf("%+.1f%% (%s)", ch->size_pct, verdict(ch)));
			t_add(&t, xasprintf("%.0f us", ch->before_median));
			t_add(&t, xasprintf("%.0f us", ch->after_median));
			t_add(&t, xasprintf("%.3f", ch->p_value));
			t_add(&t, xstrdup(k + 1 < c->nchanges ? "" : c->regressed ? "REGRESSED" : "latest"));
			changed++;
		}
	}
	if (changed)
		t_emit(s, f, &t);
	else
		s->para(f, "No change beyond the threshold.");
	t_free(&t);
	for (size_t i = 0; i < st->ncases; i++) {
		const struct nightly_case *c = &st->cases[i];

		if (c->nchanges && c->chart) {
			char *rel = xstrdup(c->chart + strlen(dir) + 1);

			line = xasprintf("history of %s", c->key);
			s->image(f, c->chart, rel, line);
			free(line);
			free(rel);
		} else if (c->nchanges) {
			line = xasprintf("(no history chart for %s: %s)", c->key,
					 c->chart_missing ? c->chart_missing : "not drawn");
			s->para(f, line);
			free(line);
		}
	}
}

/* Nights that failed to build, and events (panics, timeouts) of the stream. */
static void events_section(const struct sink *s, FILE *f, const struct nightly_stream *st)
{
	struct table t = { 0 };

	s->heading(f, 3, "Failed nights and events");
	if (st->nevents) {
		static const char *const cols[] = { "night", "kind", "case", "message" };

		t_header(&t, cols, sizeof(cols) / sizeof(cols[0]));
		for (size_t i = 0; i < st->nevents; i++) {
			t_add(&t, night_name(st, st->events[i].night));
			t_add(&t, xstrdup(st->events[i].kind));
			t_add(&t, xstrdup(st->events[i].case_id ? st->events[i].case_id : ""));
			t_add(&t, xstrdup(st->events[i].message));
		}
		t_emit(s, f, &t);
		t_free(&t);
	} else {
		s->para(f, "None.");
	}
}

static int icount(const struct nightly_stream *st)
{
	return st->clock && !strcmp(st->clock, "icount");
}

/* Tonight ran another build than the last good night: what changed, and
 * what can decide about it tonight. */
static void build_change_section(const struct sink *s, FILE *f, const struct nightly_stream *st, size_t min_segment)
{
	char *line, *a, *b;

	if (!st->build_change)
		return;
	a = night_name(st, (size_t)st->tonight);
	b = night_name(st, (size_t)st->last_good);
	s->heading(f, 3, "Build changed tonight");
	line = xasprintf("Tonight, %s, ran another build than the last good night, %s: %s. Tonight is a change-point"
			 " candidate; the change points need at least %zu nights on each side (their minimum segment)"
			 " before they can list it. %s", a, b, st->build_change, min_segment,
			 icount(st) ? "Under the icount clock each sample is exact, so tonight against the last good"
				      " night (below) decides now: its regressed cases count in tonight's exit status."
				    : "Under the wall clock only more nights can confirm a change.");
	s->para(f, line);
	free(line);
	free(a);
	free(b);
}

/* Tonight against the last good night (compare's text), and any bisection. */
static void compare_section(const struct sink *s, FILE *f, const struct nightly_stream *st)
{
	char *line;

	s->heading(f, 3, "Tonight against the last good night");
	if (st->compare) {
		line = xasprintf("%s against %s (gupharness compare, exit status %d; its boot-aware model takes the"
				 " boot-to-boot variance from the database's other boots of each case, build by build;"
				 " %s):",
				 st->nights[st->tonight].label, st->nights[st->last_good].label,
				 st->compare_status, icount(st)
				 ? "the icount clock makes samples exact, so its regressed cases count in the exit status"
				   " when the change points above find none yet"
				 : "the change points above decide the exit status");
		s->para(f, line);
		free(line);
		s->pre(f, st->compare);
	} else {
		s->para(f, st->tonight >= 0 && !st->nights[st->tonight].has_data
			   ? "Tonight has no samples to compare."
			   : "No earlier good night to compare with.");
	}
	if (st->bisect_report) {
		s->heading(f, 3, "Bisection");
		line = xasprintf("'%s' bisected between the two nights' commits: %s. The report: %s",
				 st->worst_key, st->bisect_outcome, st->bisect_report);
		s->para(f, line);
		free(line);
	}
}

/* One row per case: nights, latest and previous median, last change. */
static void all_cases_section(const struct sink *s, FILE *f, const struct nightly_stream *st)
{
	struct table t = { 0 };

	s->heading(f, 3, "All cases");
	{
		static const char *const cols[] = { "case", "nights", "latest", "previous", "change" };

		t_header(&t, cols, sizeof(cols) / sizeof(cols[0]));
	}
	for (size_t i = 0; i < st->ncases; i++) {
		const struct nightly_case *c = &st->cases[i];
		double last = c->median[c->n - 1], prev = c->n > 1 ? c->median[c->n - 2] : NAN;

		t_add(&t, xstrdup(c->key));
		t_add(&t, xasprintf("%zu", c->n));
		t_add(&t, xasprintf("%.0f us", last));
		t_add(&t, isnan(prev) ? xstrdup("-") : xasprintf("%.0f us", prev));
		t_add(&t, c->nchanges ? xasprintf("%+.1f%% since %s", c->changes[c->nchanges - 1].size_pct,
						  st->nights[c->night[c->changes[c->nchanges - 1].index]].date)
				      : xstrdup("none"));
	}
	t_emit(s, f, &t);
	t_free(&t);
}

static void write_stream(const struct sink *s, FILE *f, const struct nightly_report *r,
			 const struct nightly_stream *st, const char *dir)
{
	char *line;

	line = xasprintf("%s '%s'", "Source", st->src->name);
	s->heading(f, 2, line);
	free(line);
	if (!st->nnights) {
		s->para(f, "No nights measured yet.");
		return;
	}
	line = xasprintf("%zu night%s from %s to %s, %zu case%s.", st->nnights, st->nnights == 1 ? "" : "s",
			 st->nights[0].date, st->nights[st->nnights - 1].date, st->ncases,
			 st->ncases == 1 ? "" : "s");
	s->para(f, line);
	free(line);
	build_change_section(s, f, st, r->cfg->cp.min_segment);
	changes_section(s, f, st, dir);
	events_section(s, f, st);
	compare_section(s, f, st);
	all_cases_section(s, f, st);
}

/* One row per kernel build behind a night's runs. */
static void build_rows(sqlite3 *db, struct table *t, const struct nightly_stream *st, long night, const char *which)
{
	struct kernel_builds b;

	if (night < 0 || provenance_of_label(db, st->nights[night].label, &b))
		return;
	for (size_t i = 0; i < b.n; i++) {
		t_add(t, xstrdup(st->src->name));
		t_add(t, xasprintf("%s, %s", night_name(st, (size_t)night), which));
		t_add(t, kernel_build_line(&b.k[i]));
	}
	kernel_builds_free(&b);
}

/* Which kernel builds tonight and the last good night ran, per source:
 * release, source identity, series and patches, config, compiler, arch. */
static void write_builds(const struct sink *s, FILE *f, const struct nightly_report *r)
{
	static const char *const cols[] = { "source", "night", "kernel build (hashes cut to 12)" };
	sqlite3 *db = db_open(r->db, DB_READONLY);
	struct table t = { 0 };

	s->heading(f, 2, "Kernel builds");
	t_header(&t, cols, 3);
	for (size_t i = 0; i < r->nstreams; i++) {
		build_rows(db, &t, &r->streams[i], r->streams[i].tonight, "tonight");
		build_rows(db, &t, &r->streams[i], r->streams[i].last_good, "last good");
	}
	if (t.n > t.ncols)
		t_emit(s, f, &t);
	else
		s->para(f, "No kernel build is recorded for tonight or the last good night.");
	t_free(&t);
	db_close(db);
}

static void write_report(const struct sink *s, FILE *f, const struct nightly_report *r, const char *dir)
{
	const struct nightly_config *c = r->cfg;
	char *line = xasprintf("gupbench nightly '%s', %s", c->name, r->date);

	s->begin(f, line);
	free(line);
	line = xasprintf("%zu case%s changed; %zu regressed now beyond %g%%. Metric: %s time (us). "
			 "Method: E-Divisive means over nightly medians (median of each boot's "
			 "median), permutation test with %u permutations at alpha %g, segments of at "
			 "least %zu nights, changes below %g%% merged away. Database: %s.",
			 r->changed_cases, r->changed_cases == 1 ? "" : "s", r->regressions,
			 c->threshold_pct, c->metric, c->cp.permutations, c->cp.alpha,
			 c->cp.min_segment, c->threshold_pct, r->db);
	s->para(f, line);
	free(line);
	write_builds(s, f, r);
	/* Streams with a change first, as the morning reader wants. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->nstreams; i++) {
			size_t n = 0;

			for (size_t k = 0; k < r->streams[i].ncases; k++)
				n += r->streams[i].cases[k].nchanges;
			if ((pass == 0) == (n > 0))
				write_stream(s, f, r, &r->streams[i], dir);
		}
	s->end(f);
}

/* Changed cases first inside a stream too: stable, by the size of the latest change. */
static int cmp_case(const void *a, const void *b)
{
	const struct nightly_case *x = a, *y = b;
	double sx = x->nchanges ? fabs(x->changes[x->nchanges - 1].size_pct) : -1;
	double sy = y->nchanges ? fabs(y->changes[y->nchanges - 1].size_pct) : -1;

	if (sx != sy)
		return sx < sy ? 1 : -1;
	return strcmp(x->key, y->key);
}

int nightly_report_write(struct nightly_report *r, char **md_path)
{
	char *dir = xasprintf("%s/%s", r->cfg->report_dir, r->date);
	int ret = EXIT_OK;

	*md_path = NULL;
	if (mkdir_p(dir, 0755) < 0) {
		error("cannot create report directory '%s': %s", dir, strerror(errno));
		free(dir);
		return EXIT_IO;
	}
	for (size_t i = 0; i < r->nstreams; i++) {
		struct nightly_stream *st = &r->streams[i];

		qsort(st->cases, st->ncases, sizeof(*st->cases), cmp_case);
		for (size_t k = 0; k < st->ncases; k++)
			if (st->cases[k].nchanges)
				draw_chart(r, st, &st->cases[k], dir);
	}
	for (size_t i = 0; i < sizeof(sinks) / sizeof(sinks[0]); i++) {
		char *buf = NULL, *path = xasprintf("%s/report.%s", dir, sinks[i].ext);
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		write_report(&sinks[i].sink, f, r, dir);
		fclose(f);
		if (write_file_atomic(path, buf, len) < 0) {
			error("cannot write report '%s': %s", path, strerror(errno));
			ret = EXIT_IO;
		}
		if (i == 0)
			*md_path = path;
		else
			free(path);
		free(buf);
	}
	free(dir);
	return ret;
}
