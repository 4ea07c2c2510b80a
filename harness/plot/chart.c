/*
 * chart: what every chart kind shares once its data is made (chart.h):
 * the first failure recorded, the data and params files written beside
 * the images, gnuplot run once per requested format, the chart listed for
 * the index; and the stem and subtitle every kind names its chart by.
 */
#include "harness/plot/chart.h"
#include "harness/plot/gnuplot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void ATTR_PRINTF(3, 4) plot_fail(struct plot_ctx *x, int status, const char *fmt, ...)
{
	va_list ap;

	if (x->status)
		return;
	va_start(ap, fmt);
	if (vasprintf(&x->err, fmt, ap) < 0)
		die(EXIT_FAIL, "out of memory");
	va_end(ap);
	x->status = status;
	if (!x->o.quiet)
		error("%s", x->err);
}

static void write_out(struct plot_ctx *x, const char *name, const char *buf, size_t len)
{
	char *path = xasprintf("%s/%s", x->out, name);

	if (write_file_atomic(path, buf, len) < 0)
		plot_fail(x, EXIT_IO, "cannot write '%s': %s; pass --out with a writable directory", path,
			  strerror(errno));
	free(path);
}

void plot_chart(struct plot_ctx *x, const char *kind, const char *stem, const char *title,
		char *data, size_t data_len, FILE *params, char **pbuf, size_t *plen,
		int width, int height)
{
	char *dat = xasprintf("%s.dat", stem), *par = xasprintf("%s.params.gp", stem);
	char *tmpl = xasprintf("%s/%s.gp", x->plotdir, kind);
	struct drawn *d;

	gnuplot_str(params, "plotdir", x->plotdir);
	gnuplot_str(params, "datafile", dat);
	gnuplot_str(params, "outbase", stem);
	gnuplot_num(params, "width", width);
	gnuplot_num(params, "height", height);
	fclose(params);
	write_out(x, dat, data, data_len);
	write_out(x, par, *pbuf, *plen);
	for (size_t i = 0; i < 2 && !x->status; i++) {
		const char *fmt = plot_formats[i].name;
		char *img;
		struct spawn_result r;

		if (!(x->o.formats & plot_formats[i].mask))
			continue;
		img = xasprintf("%s/%s.%s", x->out, stem, fmt);
		switch (gnuplot_run(x->out, fmt, par, tmpl, img, &r)) {
		case GNUPLOT_NOT_RUN:
			plot_fail(x, EXIT_ENV, "cannot run 'gnuplot'; install it with 'apt-get install gnuplot-nox'");
			break;
		case GNUPLOT_FAILED:
			plot_fail(x, EXIT_FAIL, "gnuplot failed drawing '%s' (status %d): %s", img, r.status,
				  r.out ? r.out : "");
			break;
		case GNUPLOT_NO_IMAGE:
			plot_fail(x, EXIT_IO, "gnuplot wrote no image '%s'; is the disk full?", img);
			break;
		case GNUPLOT_OK:
			if (r.out && *r.out && !x->o.quiet)
				warning("gnuplot on '%s': %s", img, r.out);
			break;
		}
		if (!x->status && !x->o.quiet)
			printf("%s\n", img);
		spawn_result_free(&r);
		free(img);
	}
	x->d = xrealloc(x->d, (x->nd + 1) * sizeof(*x->d));
	d = &x->d[x->nd++];
	d->stem = xstrdup(stem);
	d->kind = xstrdup(kind);
	d->title = xstrdup(title);
	free(*pbuf);
	free(dat);
	free(par);
	free(tmpl);
}

/* A chart's file-name stem from its parts, each sanitised. */
char *plot_stem(const char *kind, const char *a, const char *b, const char *extra)
{
	char sa[96], sb[96], se[128];

	sanitize_name(a ? a : "", sa, sizeof(sa));
	sanitize_name(b ? b : "", sb, sizeof(sb));
	sanitize_name(extra ? extra : "", se, sizeof(se));
	return xasprintf("%s_%s%s%s%s%s", kind, sa, b ? "_vs_" : "", b ? sb : "", extra ? "_" : "",
			 extra ? se : "");
}

char *plot_page_suffix(const char *filter, size_t page, size_t pages)
{
	if (pages > 1)
		return xasprintf("%s%s%zuof%zu", filter ? filter : "", filter ? "_" : "", page + 1, pages);
	return filter ? xstrdup(filter) : NULL;
}

/* Does any case of s run a workload beyond gup_test? */
static int has_workload(const struct pset *s)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (plot_is_workload(&s->c[i]))
			return 1;
	return 0;
}

/* The subtitle: what was measured (and by which clock), where. */
char *plot_measured_line(const struct plot_ctx *x, const struct pset *a, const struct pset *b)
{
	return xasprintf("%s (%s, %s) | accel %s%s%s | %s%s%s", x->o.metric->what,
			 has_workload(a) || has_workload(b) ? "gup_test: kernel ktime; workloads: the bench's clock around the syscalls"
							    : "kernel ktime",
			 x->o.metric->column, *a->accel ? a->accel : "?",
			 b && strcmp(a->accel, b->accel) ? " / " : "",
			 b && strcmp(a->accel, b->accel) ? b->accel : "",
			 a->sel.describe, b ? " vs " : "", b ? b->sel.describe : "");
}

