/*
 * axes: the axes of a matrix file and what makes a case of them: the one
 * table of axes (harness/MATRIX.md), and a case's collapse, argv and id,
 * all rendered by the bench's own tables (bench/options.h).
 */
#ifndef GUPBENCH_AXES_H
#define GUPBENCH_AXES_H

#include "harness/guest/matrix.h"

#include <jansson.h>
#include <stddef.h>

struct axis {
	const char *name;
	/* Set the axis on c from v; 0, or -1 with why filled. */
	int (*set)(struct matrix_case *c, json_t *v, char *why, size_t len);
	int (*same)(const struct matrix_case *a, const struct matrix_case *b);
	const char *dflt;        /* JSON text */
};

enum { MATRIX_NAXES = 11 };   /* rows of matrix_axes (axes.c checks) */
extern const struct axis *const matrix_axes;
const struct axis *axis_find(const char *name);

/* Axes the case's workload does not take fall back to their defaults. */
void case_collapse(struct matrix_case *c);
/* c->argv: the bench's key words, then -r and the options outside the key. */
void case_build_argv(struct matrix_case *c);
/* The case's key as the bench will report it (malloc'd). */
char *case_key(const struct matrix_case *c);
void case_copy(struct matrix_case *dst, const struct matrix_case *src);
void case_free(struct matrix_case *c);

#endif
