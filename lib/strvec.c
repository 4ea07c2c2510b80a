/*
 * strvec: the argv builder (see strvec.h).
 */
#include "lib/strvec.h"
#include "lib/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void push_owned(struct strvec *sv, char *s)
{
	if (sv->nr + 2 > sv->alloc) {
		sv->alloc = sv->alloc ? 2 * sv->alloc : 16;
		sv->v = xrealloc(sv->v, sv->alloc * sizeof(*sv->v));
	}
	sv->v[sv->nr++] = s;
	sv->v[sv->nr] = NULL;
}

void strvec_push(struct strvec *sv, const char *s)
{
	push_owned(sv, xstrdup(s));
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	push_owned(sv, xvasprintf(fmt, ap));
	va_end(ap);
}

void strvec_pushl(struct strvec *sv, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, sv);
	while ((s = va_arg(ap, const char *)))
		strvec_push(sv, s);
	va_end(ap);
}

char **strvec_detach(struct strvec *sv)
{
	char **v = sv->v ? sv->v : xcalloc(1, sizeof(*v));

	memset(sv, 0, sizeof(*sv));
	return v;
}

void strvec_clear(struct strvec *sv)
{
	strvec_free_argv(sv->v);
	memset(sv, 0, sizeof(*sv));
}

void strvec_free_argv(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}
