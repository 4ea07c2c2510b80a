/*
 * gupharness: the host-side CLI. Subcommands live in one table (git's
 * habit); each is a thin file in harness/cmd/ that parses its options and
 * calls the module named for its concern.
 */
#include "harness/cmd/commands.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <stdio.h>
#include <string.h>

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand commands[] = {
	{ "kernel",  cmd_kernel,  "build, list, show or remove cached kernels" },
	{ "matrix",  cmd_matrix,  "show the cases a matrix file expands to" },
	{ "run",     cmd_run,     "boot kernels in QEMU, run a matrix, store samples" },
	{ "compare", cmd_compare, "compare two kernels, labels or runs statistically" },
	{ "db",      cmd_db,      "list, import, export, merge or check the database" },
	{ "plot",    cmd_plot,    "draw gnuplot charts from the database" },
	{ "nightly", cmd_nightly, "one nightly run: resolve, build, run, analyse, report" },
	{ "bisect",  cmd_bisect,  "find the commit that made a case slower (build, boot, compare)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: gupharness <command> [<args>]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "   %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'gupharness <command> --help' describes one command.\n");
}

int main(int argc, char **argv)
{
	diag_init("gupharness");
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("gupharness %s\n", GUPBENCH_VERSION);
		return EXIT_OK;
	}
	spawn_install_signal_handlers();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "gupharness: '%s' is not a command; see 'gupharness --help'\n", argv[1]);
	return EXIT_USAGE;
}
