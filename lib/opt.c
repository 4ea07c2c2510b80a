/*
 * opt: the option-table parser and help (see opt.h).
 */
#include "lib/opt.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

static int in_group(const struct opt_table *t, const struct opt *o)
{
	return !o->groups || !t->group || (o->groups & t->group);
}

static const struct opt *find(const struct opt_table *t, const char *word, size_t len)
{
	for (size_t k = 0; k < t->n; k++)
		if (in_group(t, &t->opts[k]) && strlen(t->opts[k].name) == len &&
		    !strncmp(word, t->opts[k].name, len))
			return &t->opts[k];
	return NULL;
}

int opt_parse(const struct opt_table *t, int argc, char **argv, void *args, const char **pos, int maxpos)
{
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		const char *w = argv[i], *eq = strchr(w, '='), *v;
		const struct opt *o;

		if (!strcmp(w, "--help") || !strcmp(w, "-h"))
			return OPT_HELP;
		if (w[0] != '-' || w[1] == '\0') {
			if (npos == maxpos)
				return error("unexpected argument '%s'; see 'gupharness %s --help'", w, t->cmd);
			pos[npos++] = w;
			continue;
		}
		o = find(t, w, eq ? (size_t)(eq - w) : strlen(w));
		if (!o)
			return error("unknown option '%s'; see 'gupharness %s --help'", w, t->cmd);
		if (!o->arg) {
			if (eq)
				return error("option '%s' takes no value", o->name);
			*(int *)((char *)args + o->off) = 1;
			continue;
		}
		v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!v)
			return error("option '%s' needs a value (%s)", o->name, o->arg);
		if (!o->set)
			*(const char **)((char *)args + o->off) = v;
		else if (o->set((char *)args + o->off, v))
			return error("bad value '%s' for '%s' (%s)", v, o->name, o->arg);
	}
	return npos;
}

void opt_help(FILE *f, const struct opt_table *t)
{
	for (size_t k = 0; k < t->n; k++) {
		const struct opt *o = &t->opts[k];
		char left[40];

		if (!o->help || !in_group(t, o))
			continue;
		snprintf(left, sizeof(left), "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		/* two spaces at least between an option and its help: manpage.c splits there */
		fprintf(f, "   %-22s%s%s", left, strlen(left) < 22 ? " " : "  ", o->help);
		if (o->dflt)
			fprintf(f, " (default %s)", o->dflt);
		fputc('\n', f);
	}
}

int opt_set_pct(void *dst, const char *v)
{
	char *end;
	double d = strtod(v, &end);

	if (*end || end == v || d < 0 || d >= 100)
		return -1;
	*(double *)dst = d;
	return 0;
}

int opt_set_uint(void *dst, const char *v)
{
	char *end;
	unsigned long u = strtoul(v, &end, 10);

	if (*end || end == v || u < 100 || u > 1000000)
		return -1;
	*(unsigned *)dst = (unsigned)u;
	return 0;
}

/* The guest clock modes, one table: "auto" picks one per boot (qemu.c),
 * the other two are what a stream's samples were timed with. */
static const struct clock_mode {
	const char *name;
	int recorded;            /* can name a stored stream's clock (db import) */
} clock_modes[] = {
	{ "auto", 0 },
	{ "icount", 1 },
	{ "wall", 1 },
};

int opt_clock_known(const char *v, int recorded)
{
	for (size_t i = 0; i < sizeof(clock_modes) / sizeof(clock_modes[0]); i++)
		if (!strcmp(clock_modes[i].name, v) && (clock_modes[i].recorded || !recorded))
			return 1;
	return 0;
}

static int set_clock_of(void *dst, const char *v, int recorded)
{
	if (!opt_clock_known(v, recorded))
		return -1;
	*(const char **)dst = v;
	return 0;
}

int opt_set_clock(void *dst, const char *v)
{
	return set_clock_of(dst, v, 0);
}

int opt_set_recorded_clock(void *dst, const char *v)
{
	return set_clock_of(dst, v, 1);
}

int opt_int_in(void *dst, const char *v, long lo, long hi)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*end || end == v || n < lo || n > hi)
		return -1;
	*(int *)dst = (int)n;
	return 0;
}

int opt_add(void *dst, const char *v)
{
	struct opt_list *l = dst;

	if (l->n == (l->max > 0 && l->max < OPT_LIST_MAX ? l->max : OPT_LIST_MAX))
		return -1;
	l->v[l->n++] = v;
	return 0;
}
