/*
 * site-chart: a case's history chart for the dashboard (site.h). Writes
 * the nightly medians, the spread of the boot medians and the change
 * points of one case into <stem>.dat and <stem>.params.gp beside the page
 * and runs gnuplot on plots/site-history.gp, giving <stem>.svg, through
 * the chart library's gnuplot.h (the same quoting, change lists and run
 * as `plot history`). The files stay, so the chart can be redrawn by hand.
 */
#include "harness/lab/site.h"
#include "harness/plot/gnuplot.h"
#include "lib/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* 1 when night point k lies in a segment that ended in a regression. */
static int regressed_at(const struct nightly_case *c, size_t k)
{
	if (!c->regressed)
		return 0;
	return k >= c->changes[c->nchanges - 1].index;
}

static char *chart_data(const struct nightly_stream *st, const struct nightly_case *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (size_t k = 0; k < c->n; k++)
		fprintf(f, "%zu\t%.6g\t%.6g\t%.6g\t%d\t%s\n", k + 1, c->median[k], c->lo[k], c->hi[k],
			regressed_at(c, k), st->nights[c->night[k]].date);
	fclose(f);
	return buf;
}

static char *chart_params(const struct nightly_report *r, const struct nightly_stream *st,
			  const struct nightly_case *c, const char *stem)
{
	char *buf = NULL, *s;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	s = xasprintf("%s.dat", stem);
	gnuplot_str(f, "datafile", s);
	free(s);
	s = xasprintf("%s.svg", stem);
	gnuplot_str(f, "outfile", s);
	free(s);
	s = xasprintf("%s: %s", st->src->name, c->key);
	gnuplot_str(f, "title", s);
	free(s);
	s = xasprintf("%s time per call, us", r->cfg->metric);
	gnuplot_str(f, "ylabel", s);
	free(s);
	gnuplot_num(f, "npoints", (double)c->n);
	gnuplot_changes(f, c->changes, c->nchanges);
	fclose(f);
	return buf;
}

static int put(const char *dir, const char *stem, const char *ext, char *buf, char **why)
{
	char *path = xasprintf("%s/%s%s", dir, stem, ext);
	int ret = write_file_atomic(path, buf, strlen(buf));

	if (ret < 0)
		*why = xasprintf("cannot write '%s': %s", path, strerror(errno));
	free(path);
	free(buf);
	return ret;
}

int site_chart(const struct nightly_report *r, const struct nightly_stream *st, const struct nightly_case *c,
	       const char *dir, const char *stem, char **why)
{
	char *par = xasprintf("%s.params.gp", stem), *tmpl = data_path("plots/site-history.gp");
	char *svg = xasprintf("%s/%s.svg", dir, stem);
	struct spawn_result res = { 0 };
	int ret = -1;

	*why = NULL;
	if (put(dir, stem, ".dat", chart_data(st, c), why) < 0 ||
	    put(dir, stem, ".params.gp", chart_params(r, st, c, stem), why) < 0)
		;
	else
		switch (gnuplot_run(dir, NULL, par, tmpl, svg, &res)) {
		case GNUPLOT_NOT_RUN:
			*why = xstrdup("cannot run 'gnuplot'; install it with 'apt-get install gnuplot-nox'");
			break;
		case GNUPLOT_FAILED:
			*why = xasprintf("gnuplot failed (status %d): %.200s", res.status, res.out ? res.out : "");
			break;
		case GNUPLOT_NO_IMAGE:
			*why = xasprintf("gnuplot wrote no '%s'", svg);
			break;
		case GNUPLOT_OK:
			ret = 0;
			break;
		}
	if (ret < 0)
		warning("no dashboard chart for '%s' in '%s': %s", c->key, st->src->name, *why);
	spawn_result_free(&res);
	free(par);
	free(tmpl);
	free(svg);
	return ret;
}
