/*
 * site-html: the dashboard's HTML writing (site.h): the escaping printf,
 * the style sheet and a page's head and tail. Text from the database
 * reaches the pages only through site_html()'s %s, which escapes it.
 */
#include "harness/lab/site.h"
#include "lib/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

void site_html(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		char spec[16] = "%";
		size_t n = 1;

		if (*p != '%') {
			fputc(*p, f);
			continue;
		}
		while (p[1] && !strchr("sdfgu%", p[1]) && n < sizeof(spec) - 2)
			spec[n++] = *++p;
		spec[n++] = *++p;
		spec[n] = 0;
		if (*p == 's')
			esc(f, va_arg(ap, const char *));
		else if (*p == '%')
			fputc('%', f);
		else if (*p == 'd')
			fprintf(f, spec, va_arg(ap, int));
		else if (*p == 'u')
			fprintf(f, "%zu", va_arg(ap, size_t));   /* %u means size_t here */
		else
			fprintf(f, spec, va_arg(ap, double));
	}
	va_end(ap);
}

const char site_css[] =
	"body{font-family:sans-serif;margin:0 auto;max-width:72em;padding:0 1em;line-height:1.4;color:#222}\n"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:3px 7px;text-align:left;"
	"vertical-align:top}\nth{background:#eee}.wrap{overflow-x:auto;max-width:100%}\n"
	".regressed,.failed{background:#f8d0c8}.improved{background:#d4ecd0}.inconclusive{background:#f6efc8}"
	".ok,.unchanged{background:#fff}\nimg{max-width:100%;height:auto}nav{margin:.8em 0}"
	"code{word-break:break-all}td a{white-space:nowrap}.why{min-width:18em}\n@media (max-width:600px){body{font-size:15px}td,th{padding:2px 4px}}\n";

void site_page_begin(FILE *f, const char *css_rel, const char *title)
{
	site_html(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		  "<title>%s</title>\n<link rel=\"stylesheet\" href=\"%s\">\n"
		  "<link rel=\"icon\" href=\"data:,\">\n</head><body>\n<h1>%s</h1>\n", title, css_rel, title);
}

int site_page_end(FILE *f, char **buf, const char *path)
{
	int ret;

	fputs("</body></html>\n", f);
	fclose(f);
	ret = write_file_atomic(path, *buf, strlen(*buf));
	if (ret < 0)
		error("cannot write '%s': %s", path, strerror(errno));
	free(*buf);
	return ret < 0 ? EXIT_IO : EXIT_OK;
}

