/*
 * console: fault markers and excerpts of a guest's kernel console (see
 * console.h). One row of console_faults[] per marker.
 */
#include "console.h"
#include "util.h"

#include <string.h>

static const struct {
	const char *marker, *kind;
} console_faults[] = {
	{ "Kernel panic - not syncing", "panic" },
	{ "Oops:", "oops" },
	{ "BUG: ", "oops" },
	{ "kernel BUG at", "oops" },
};

const char *console_fault(const char *console, const char **kind)
{
	const char *best = NULL;

	/* a panic outranks an oops that led to it: the run events name both */
	for (size_t i = 0; i < sizeof(console_faults) / sizeof(console_faults[0]); i++) {
		const char *p = strstr(console, console_faults[i].marker);

		if (p && (!best || !strcmp(console_faults[i].kind, "panic"))) {
			while (p > console && p[-1] != '\n')
				p--;
			best = p;
			*kind = console_faults[i].kind;
			if (!strcmp(*kind, "panic"))
				break;
		}
	}
	return best;
}

char *console_excerpt(const char *text, const char *pos)
{
	enum { BEFORE = 8, AFTER = 40, CAP = 6000 };
	const char *end = text + strlen(text), *a, *b;
	int lines;

	if (!pos) {
		/* the tail: the last AFTER lines */
		a = end;
		for (lines = 0; a > text && lines <= AFTER; a--)
			if (a[-1] == '\n')
				lines++;
		if (a > text)
			a++;
		b = end;
	} else {
		a = pos;
		for (lines = 0; a > text && lines <= BEFORE; a--)
			if (a[-1] == '\n')
				lines++;
		if (a > text)
			a++;
		b = pos;
		for (lines = 0; b < end && lines < AFTER; b++)
			if (*b == '\n')
				lines++;
	}
	if (b - a > CAP) {
		if (pos)
			b = a + CAP;
		else
			a = b - CAP;
	}
	char *s = xmalloc((size_t)(b - a) + 1);

	memcpy(s, a, (size_t)(b - a));
	s[b - a] = '\0';
	return s;
}
