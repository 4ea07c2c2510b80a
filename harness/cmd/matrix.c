/*
 * cmd/matrix: `gupharness matrix show [--json] [--max-cases N] FILE`.
 * Parses argv from the option table below, loads the matrix (matrix.c)
 * and prints its cases (id and argv) or, with --json, the guest plan for
 * x86_64 on stdout.
 */
#include "harness/kernel/arch.h"
#include "harness/cmd/commands.h"
#include "harness/guest/matrix.h"
#include "lib/opt.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct matrix_args {
	int json;
	size_t max_cases;        /* 0: MATRIX_MAX_CASES */
};

static const struct opt options[] = {
	{ "--json", NULL, offsetof(struct matrix_args, json), NULL, "print the guest plan for x86_64 instead", NULL, 0 },
	{ "--max-cases", "N", offsetof(struct matrix_args, max_cases), matrix_set_max_cases,
	  "allow the matrix to expand to up to N cases", "10000", 0 },
};

static const struct opt_table table = { "matrix", options, sizeof(options) / sizeof(options[0]), 0 };

static void usage(FILE *f)
{
	fprintf(f, "usage: gupharness matrix show [--json] [--max-cases N] FILE\n"
		   "\nPrints the cases FILE expands to (id and gupbench argv), then their count.\n"
		   "A matrix may expand to at most %d cases unless --max-cases allows more.\n\noptions:\n",
		MATRIX_MAX_CASES);
	opt_help(f, &table);
	fprintf(f, "\nFILE is a matrix file or the name of a shipped one (seed, pin-fast, folio-walk, ...).\n"
		   "\nexamples:\n   gupharness matrix show seed\n   gupharness matrix show --json pin-fast\n");
}

static void print_plan(const struct matrix *m)
{
	size_t *idx = xcalloc(m->n + 1, sizeof(*idx));
	struct plan_needs needs;
	char *plan;

	for (size_t k = 0; k < m->n; k++)
		idx[k] = k;
	plan = matrix_plan(m, idx, m->n, arch_lookup("x86_64"), &needs);
	printf("%s\n", plan);
	free(plan);
	free(idx);
}

static void print_cases(const struct matrix *m)
{
	for (size_t k = 0; k < m->n; k++) {
		char *all = argv_to_string(m->cases[k].argv);

		printf("%s\t%s %s\n", m->cases[k].id, m->cases[k].selftest ? "gup_test" : "gupbench", all);
		free(all);
	}
	printf("%zu cases\n", m->n);
}

int cmd_matrix(int argc, char **argv)
{
	struct matrix_args a = { 0 };
	const char *pos[2];
	struct matrix m;
	char err[512];
	int n = opt_parse(&table, argc, argv, &a, pos, 2);

	if (n == OPT_HELP) {
		usage(stdout);
		return EXIT_OK;
	}
	if (n < 0)
		return EXIT_USAGE;
	if (n != 2 || strcmp(pos[0], "show")) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* a missing matrix is bad input, as in run: exit 2 */
	pos[1] = data_named("harness/matrices", pos[1], ".json");
	if (matrix_load(pos[1], a.max_cases, &m, err, sizeof(err))) {
		fprintf(stderr, "gupharness: %s\n", err);
		return EXIT_USAGE;
	}
	if (a.json)
		print_plan(&m);
	else
		print_cases(&m);
	matrix_free(&m);
	return EXIT_OK;
}
