/*
 * manpage: a command's --help text as a man page (roff) or as the words
 * bash completion offers, so neither can drift from the option tables the
 * help is printed from. The help texts follow one layout (opt.h):
 *   "usage: ..." and the lines up to a blank one    the synopsis
 *   "options:", "kinds:", ... alone on a line        a section
 *   "exit status: ..."                               a section with its text
 *   "   TERM  TEXT" (two spaces or more between)     an item of a list
 *   "   gupharness ..." under "examples:"            an example line
 *   any other line                                   running text
 */
#include "harness/cmd/manpage.h"
#include "lib/util.h"

#include <ctype.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *help_capture(int (*fn)(int, char **), int argc, char **argv)
{
	int fd[2];
	pid_t pid;
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	ssize_t r;

	fflush(stdout);
	if (pipe(fd) || (pid = fork()) < 0)
		die(EXIT_ENV, "cannot start a child for '%s --help': %m", argv[0]);
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], 1);
		fn(argc, argv);
		fflush(stdout);
		_exit(0);
	}
	close(fd[1]);
	while ((r = read(fd[0], buf + n, cap - n - 1)) > 0)
		if ((n += (size_t)r) == cap - 1)
			buf = xrealloc(buf, cap *= 2);
	close(fd[0]);
	waitpid(pid, NULL, 0);
	buf[n] = '\0';
	return buf;
}

/* "options:" alone on a line: a section title (without the colon), else NULL. */
static int section_len(const char *l, size_t len)
{
	if (len < 2 || l[len - 1] != ':' || !islower((unsigned char)l[0]))
		return 0;
	for (size_t i = 0; i < len - 1; i++)
		if (!islower((unsigned char)l[i]) && l[i] != ' ')
			return 0;
	return (int)len - 1;
}

/* An indented "TERM  TEXT" line: the term's length (its text after two spaces), else 0. */
static size_t item_term(const char *l, size_t len, size_t *text)
{
	size_t i = 0, t;

	while (i < len && l[i] == ' ')
		i++;
	if (!i || i == len)
		return 0;
	for (t = i; t + 1 < len; t++)
		if (l[t] == ' ' && l[t + 1] == ' ')
			break;
	if (t + 1 >= len)
		return 0;
	*text = t;
	while (*text < len && l[*text] == ' ')
		(*text)++;
	return *text < len ? t : 0;
}

static void roff_text(FILE *f, const char *s, size_t n)
{
	if (n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			fputs("\\e", f);
		else if (s[i] == '-')
			fputs("\\-", f);
		else
			fputc(s[i], f);
	}
}

/* "--db FILE": the first word bold, the rest italic. */
static void roff_term(FILE *f, const char *s, size_t n)
{
	const char *sp = memchr(s, ' ', n);
	size_t w = sp ? (size_t)(sp - s) : n;

	fputs(".TP\n\\fB", f);
	roff_text(f, s, w);
	fputs("\\fR", f);
	if (sp) {
		fputs(" \\fI", f);
		roff_text(f, sp + 1, n - w - 1);
		fputs("\\fR", f);
	}
	fputc('\n', f);
}

static void roff_title(FILE *f, const char *macro, const char *prefix, const char *s, size_t n)
{
	fprintf(f, "%s \"%s", macro, prefix);
	for (size_t i = 0; i < n; i++)
		fputc(toupper((unsigned char)s[i]), f);
	fputs("\"\n", f);
}

/*
 * One help text as roff. sub: the action's name when the text is an
 * action's (its sections become subsections under its own heading).
 */
static void render(FILE *f, const char *text, const char *sub)
{
	enum { TEXT, SYNOPSIS, EXAMPLES } mode = TEXT;
	const char *sec = sub ? ".SS" : ".SH";
	int described = 0, nf = 0;

	if (sub)
		roff_title(f, ".SH", "", sub, strlen(sub));
	for (const char *l = text, *e; *l; l = *e ? e + 1 : e) {
		size_t len, t, tx;
		int sl;

		e = strchr(l, '\n');
		e = e ? e : l + strlen(l);
		len = (size_t)(e - l);
		if (nf && (!len || l[0] != ' ' || mode != EXAMPLES) && mode != SYNOPSIS) {
			fputs(".fi\n", f);
			nf = 0;
		}
		if (!strncmp(l, "usage: ", 7)) {
			fprintf(f, "%s\n.nf\n", sub ? ".PP" : ".SH SYNOPSIS");
			roff_text(f, l + 7, len - 7);
			fputc('\n', f);
			mode = SYNOPSIS;
			nf = 1;
		} else if (mode == SYNOPSIS && len) {
			roff_text(f, l + (len > 7 && !strncmp(l, "       ", 7) ? 7 : 0),
				  len - (len > 7 && !strncmp(l, "       ", 7) ? 7 : 0));
			fputc('\n', f);
		} else if (!len) {
			if (mode == SYNOPSIS) {
				fputs(".fi\n", f);
				nf = 0;
				mode = TEXT;
			}
			fputs(".PP\n", f);
		} else if ((sl = section_len(l, len))) {
			roff_title(f, sec, "", l, (size_t)sl);
			mode = !strncmp(l, "examples:", 9) ? EXAMPLES : TEXT;
			described = 1;
		} else if (!strncmp(l, "exit status: ", 13)) {
			roff_title(f, sec, "", "exit status", 11);
			roff_text(f, l + 13, len - 13);
			fputc('\n', f);
			described = 1;
		} else if (mode == EXAMPLES && l[0] == ' ') {
			if (!nf)
				fputs(".nf\n.RS\n", f), nf = 2;
			roff_text(f, l + 3, len - 3);
			fputc('\n', f);
		} else if ((t = item_term(l, len, &tx))) {
			size_t s = 0;

			while (l[s] == ' ')
				s++;
			roff_term(f, l + s, t - s);
			roff_text(f, l + tx, len - tx);
			fputc('\n', f);
		} else {
			if (!described && !sub) {
				fputs(".SH DESCRIPTION\n", f);
				described = 1;
			}
			while (len && l[0] == ' ')
				l++, len--;
			roff_text(f, l, len);
			fputc('\n', f);
		}
		if (nf == 2 && (!*e || e[1] != ' '))
			fputs(".RE\n.fi\n", f), nf = 0;
	}
	if (nf)
		fputs(".fi\n", f);
}

void manpage_write(FILE *f, const struct manpage *m)
{
	fputs(".\\\" generated from the --help text (and so from the option tables); do not edit\n", f);
	fprintf(f, ".TH \"%s\" 1 \"\" \"gupbench %s\" \"gupbench manual\"\n.SH NAME\n", m->name, m->version);
	roff_text(f, m->name, strlen(m->name));
	fputs(" \\- ", f);
	roff_text(f, m->summary, strlen(m->summary));
	fputc('\n', f);
	render(f, m->text, NULL);
	for (size_t i = 0; i < m->nsubs; i++)
		render(f, m->subs[i].text, m->subs[i].name);
	if (m->see_also) {
		fputs(".SH \"SEE ALSO\"\n", f);
		roff_text(f, m->see_also, strlen(m->see_also));
		fputc('\n', f);
	}
}

size_t help_items(const char *text, const char *section, char ***out)
{
	size_t n = 0, slen = strlen(section);
	int in = 0;
	char **v = NULL;

	for (const char *l = text, *e; *l; l = *e ? e + 1 : e) {
		size_t len, t, tx, s = 0;

		e = strchr(l, '\n');
		e = e ? e : l + strlen(l);
		len = (size_t)(e - l);
		if (section_len(l, len)) {
			in = len == slen + 1 && !strncmp(l, section, slen);
			continue;
		}
		if (!in || !(t = item_term(l, len, &tx)))
			continue;
		while (l[s] == ' ')
			s++;
		for (t = s; t < len && l[t] != ' '; t++)
			;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = xasprintf("%.*s", (int)(t - s), l + s);
	}
	*out = v;
	return n;
}
