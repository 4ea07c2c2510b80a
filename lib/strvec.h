/*
 * strvec: a growing, always NULL-terminated array of owned strings, as
 * git's strvec: the one way the harness builds an argv for spawn (and the
 * bench argv of a matrix case). Every string pushed is copied.
 */
#ifndef GUPBENCH_STRVEC_H
#define GUPBENCH_STRVEC_H

#include <stddef.h>

struct strvec {
	char **v;        /* NULL-terminated once anything was pushed */
	size_t nr, alloc;
};

#define STRVEC_INIT { NULL, 0, 0 }

void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Push each argument up to a NULL. */
void strvec_pushl(struct strvec *sv, ...) __attribute__((sentinel));
/* Hand the array to the caller (free each string and the array); sv is empty after. */
char **strvec_detach(struct strvec *sv);
void strvec_clear(struct strvec *sv);
/* Free a detached array. */
void strvec_free_argv(char **argv);

#endif
