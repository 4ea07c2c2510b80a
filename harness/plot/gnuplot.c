/*
 * gnuplot: params-file variables, data-file fields, change-point lists and
 * one run of gnuplot (gnuplot.h), for the plot kinds and the dashboard.
 */
#include "harness/plot/gnuplot.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * A gnuplot string. Single quotes, because gnuplot runs `...` as a shell
 * command inside double-quoted strings and nothing from the database may do
 * that; a quote is doubled, a line break becomes ' . "\n" . ' (titles and
 * footnotes span lines), other control characters are dropped.
 */
void gnuplot_str(FILE *f, const char *name, const char *val)
{
	fprintf(f, "%s = '", name);
	for (const char *p = val ? val : ""; *p; p++) {
		if (*p == '\'')
			fputs("''", f);
		else if (*p == '\n')
			fputs("' . \"\\n\" . '", f);
		else if ((unsigned char)*p >= 0x20)
			fputc(*p, f);
	}
	fputs("'\n", f);
}

void gnuplot_num(FILE *f, const char *name, double v)
{
	fprintf(f, "%s = %.10g\n", name, v);
}

/* A data-file field: tabs and line breaks would split it. */
void gnuplot_field(FILE *f, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++)
		fputc((unsigned char)*p < 0x20 ? ' ' : *p, f);
}

void gnuplot_changes(FILE *f, const struct cp_change *ch, size_t n)
{
	fputs("changes = '", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%zu", i ? " " : "", ch[i].index + 1);
	fputs("'\nchange_labels = '", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%+.1f%%", i ? " " : "", ch[i].size_pct);
	fputs("'\n", f);
}

enum gnuplot_status gnuplot_run(const char *dir, const char *fmt, const char *params, const char *tmpl,
				const char *image, struct spawn_result *r)
{
	char *fmtarg = fmt ? xasprintf("fmt='%s'", fmt) : NULL;
	char *with_fmt[] = { "gnuplot", "-e", fmtarg, (char *)params, (char *)tmpl, NULL };
	char *plain[] = { "gnuplot", (char *)params, (char *)tmpl, NULL };
	struct spawn_opts so = { .cwd = dir, .capture = 1, .merge_stderr = 1, .timeout = 120 };
	enum gnuplot_status st = GNUPLOT_OK;
	struct stat sb;

	memset(r, 0, sizeof(*r));
	if (spawn_run(fmt ? with_fmt : plain, &so, r) < 0 || r->exec_failed)
		st = GNUPLOT_NOT_RUN;
	else if (r->status || r->timed_out)
		st = GNUPLOT_FAILED;
	else if (stat(image, &sb) < 0 || sb.st_size == 0)
		st = GNUPLOT_NO_IMAGE;
	free(fmtarg);
	return st;
}
