/*
 * opt: a subcommand's options as one table (fio's habit): name, argument,
 * where the value goes, how it is checked, default and help. The parser
 * takes "--name VALUE" and "--name=VALUE" alike; the help lists the table.
 * Words that are not options are the command's positional arguments.
 */
#ifndef GUPBENCH_OPT_H
#define GUPBENCH_OPT_H

#include <stddef.h>
#include <stdio.h>

struct opt {
	const char *name;        /* "--db" */
	const char *arg;         /* "FILE", shown in messages and help; NULL: a flag (int set to 1) */
	size_t off;              /* where the value goes in the command's args struct */
	/* Store v at dst; 0, or -1 for a bad value. NULL: store v as a const char *. */
	int (*set)(void *dst, const char *v);
	const char *help;        /* NULL: left out of the help */
	const char *dflt;        /* "(default X)" in the help; NULL: none */
	unsigned groups;         /* which of the command's actions take it; 0: all */
};

struct opt_table {
	const char *cmd;         /* "db export": messages say 'gupharness db export --help' */
	const struct opt *opts;
	size_t n;
	unsigned group;          /* the action being parsed; 0 takes every option */
};

enum { OPT_HELP = -2 };

/*
 * Parse argv[1..argc) into args; positional words go to pos[0..maxpos).
 * Returns how many positionals there were, OPT_HELP for --help or -h, or
 * -1 after one error line (unknown option, missing or bad value, too many
 * arguments).
 */
int opt_parse(const struct opt_table *t, int argc, char **argv, void *args, const char **pos, int maxpos);

/* One line per option of the table's group: "   --db FILE   help (default X)". */
void opt_help(FILE *f, const struct opt_table *t);

/* A repeatable option's values in order: at most max (0: OPT_LIST_MAX). */
#define OPT_LIST_MAX 64
struct opt_list {
	const char *v[OPT_LIST_MAX];
	int n, max;
};

/* Setters for the common kinds of value. */
int opt_add(void *dst, const char *v);            /* appends to the opt_list at dst; -1 when full */
int opt_set_pct(void *dst, const char *v);        /* double, 0 <= v < 100 */
int opt_set_uint(void *dst, const char *v);       /* unsigned, 100 to 1000000 */
int opt_set_clock(void *dst, const char *v);      /* a guest clock mode: auto, icount or wall */
int opt_set_recorded_clock(void *dst, const char *v);  /* a stream's clock: icount or wall */

/* v as a whole number from lo to hi into the int at dst; 0, or -1. */
int opt_int_in(void *dst, const char *v, long lo, long hi);

/* Is v a guest clock mode (recorded: one a stored stream can have)? */
int opt_clock_known(const char *v, int recorded);

#endif
