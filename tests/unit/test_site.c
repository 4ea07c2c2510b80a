/*
 * test_site: the dashboard's one escaping printf (harness/lab/site-html.c):
 * text arguments are escaped, markup in the format is not, numbers keep
 * their flags and precision, %u takes a size_t.
 */
#include "harness/lab/site.h"
#include "tap.h"

#include <stdlib.h>

static char *fmt(const char *f, const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	site_html(m, f, s);
	fclose(m);
	return buf;
}

int main(void)
{
	char *buf = NULL, *s;
	size_t len = 0;
	FILE *m;

	tap_plan(4);
	s = fmt("<td>%s</td>", "<script>alert(\"x\" & 'y')</script>");
	tap_ok(!strcmp(s, "<td>&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;</td>"),
	       "a %%s argument is escaped, the format's markup is not: %s", s);
	free(s);
	s = fmt("<a href=\"%s\">", "a\"onclick=\"x");
	tap_ok(!strcmp(s, "<a href=\"a&quot;onclick=&quot;x\">"), "a quote cannot leave an attribute: %s", s);
	free(s);
	m = open_memstream(&buf, &len);
	site_html(m, "%d|%u|%+.1f%%|%.0f|%g", -3, (size_t)1 << 40, 39.86, 2354.6, 0.05);
	fclose(m);
	tap_ok(!strcmp(buf, "-3|1099511627776|+39.9%|2355|0.05"), "numbers: int, size_t, flags, precision: %s", buf);
	free(buf);
	s = fmt("%s", NULL);
	tap_ok(!strcmp(s, ""), "a NULL text prints nothing");
	free(s);
	return tap_done();
}
