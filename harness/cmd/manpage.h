/*
 * manpage: a command's --help text as a man page (roff) or as the words
 * bash completion offers (manpage.c says the layout the texts follow).
 * `gupharness help --man` and `help --words` use it; the Makefile makes
 * the installed pages with it.
 */
#ifndef GUPBENCH_MANPAGE_H
#define GUPBENCH_MANPAGE_H

#include <stddef.h>
#include <stdio.h>

/* What fn prints on stdout when called with argv (its --help), run in a child. */
char *help_capture(int (*fn)(int, char **), int argc, char **argv);

struct manpage {
	const char *name;        /* "gupharness-run" */
	const char *summary;     /* the NAME line's text */
	const char *version;
	const char *text;        /* the --help text */
	struct { const char *name, *text; } subs[16];  /* each action's --help, its own section */
	size_t nsubs;
	const char *see_also;    /* NULL: none */
};

void manpage_write(FILE *f, const struct manpage *m);

/* The first words of the items under "section:" ("options", "actions", ...); *out is allocated. */
size_t help_items(const char *text, const char *section, char ***out);

#endif
