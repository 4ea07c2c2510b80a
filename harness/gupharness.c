/*
 * gupharness: the host-side CLI. Subcommands live in one table (git's
 * habit); each is a thin file in harness/cmd/ that parses its options and
 * calls the module named for its concern.
 */
#include "harness/cmd/commands.h"
#include "harness/cmd/manpage.h"
#include "bench/options.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
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
	{ "site",    cmd_site,    "write the nightly dashboard: a static web site of every night" },
	{ "bisect",  cmd_bisect,  "find the commit that made a case slower (build, boot, compare)" },
	{ "explain", cmd_explain, "attribute a case's instructions to kernel functions on two kernels" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: gupharness <command> [<args>]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "   %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'gupharness <command> --help' (or 'man gupharness-<command>') describes one command.\n"
		   "\nenvironment:\n"
		   "   GUPBENCH_DB        the database (default: results/gupbench.db in a source tree, else\n"
		   "                      $XDG_DATA_HOME/gupbench/gupbench.db, ~/.local/share/gupbench/gupbench.db)\n"
		   "   GUPBENCH_CACHE     built kernels (default $XDG_CACHE_HOME/gupbench, ~/.cache/gupbench)\n"
		   "   GUPBENCH_DATA      matrices, configs, plot templates, kernel-patches (default: the\n"
		   "                      source tree, else %s)\n"
		   "   GUPBENCH_LIBEXEC   the guest benches (default: the source tree, else %s)\n"
		   "\nexamples:\n"
		   "   gupharness kernel build --source /usr/src/linux-source-6.12.tar.xz\n"
		   "   gupharness run --matrix seed --kernel linux-6.1 --kernel linux-6.12 --label seed\n",
		gupbench_datadir, gupbench_libexecdir);
}

static int top_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	usage(stdout);
	return EXIT_OK;
}

static int bench_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	opts_usage(stdout);
	return EXIT_OK;
}

static const struct subcommand *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* `help --man [CMD|gupbench]`: the page, from the --help texts (each action's its own section). */
static int help_man(const char *name)
{
	const struct subcommand *c = name ? find_command(name) : NULL;
	struct manpage m = { .version = GUPBENCH_VERSION };
	char *argv[3] = { (char *)name, "--help", NULL }, *page = NULL, *all = xstrdup("gupbench(1)"), **acts;
	size_t n;

	for (size_t i = 0; i < NCOMMANDS; i++) {
		char *more = xasprintf("%s, gupharness-%s(1)", all, commands[i].name);

		free(all);
		all = more;
	}

	if (!name || !strcmp(name, "gupbench")) {
		m.name = name ? "gupbench" : "gupharness";
		m.summary = name ? "time the kernel's GUP paths (the guest's /init, or bare metal)"
				 : "build kernels, run GUP benchmarks in QEMU, compare and plot them";
		m.text = help_capture(name ? bench_help : top_help, 1, argv);
		m.see_also = name ? "gupharness(1)" : all;
	} else if (c) {
		m.name = page = xasprintf("gupharness-%s", name);
		m.summary = c->summary;
		m.text = help_capture(c->fn, 2, argv);
		m.see_also = "gupharness(1)";
		n = help_items(m.text, "actions", &acts);
		for (size_t i = 0; i < n && m.nsubs < sizeof(m.subs) / sizeof(m.subs[0]); i++) {
			char *sub[4] = { (char *)name, acts[i], "--help", NULL };

			m.subs[m.nsubs].name = xasprintf("%s %s", name, acts[i]);
			m.subs[m.nsubs++].text = help_capture(c->fn, 3, sub);
		}
	} else {
		return error("no manual page for '%s'; see 'gupharness --help'", name), EXIT_USAGE;
	}
	manpage_write(stdout, &m);
	return fflush(stdout) ? EXIT_IO : EXIT_OK;
}

/* `help --words [CMD [ACTION]]`: what bash completion offers next, one a line. */
static int help_words(int argc, char **argv)
{
	const struct subcommand *c = argc > 0 ? find_command(argv[0]) : NULL;
	char *hv[4] = { argc > 0 ? argv[0] : NULL, argc > 1 ? argv[1] : "--help", "--help", NULL }, *text;
	static const char *const lists[] = { "commands", "actions", "kinds", "options" };
	char **w;

	if (argc > 0 && !c)
		return EXIT_USAGE;
	text = help_capture(c ? c->fn : top_help, argc > 1 ? 3 : 2, hv);
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		size_t n = help_items(text, lists[l], &w);

		for (size_t i = 0; i < n; i++)
			printf("%s\n", w[i]);
	}
	return EXIT_OK;
}

static int help(int argc, char **argv)
{
	const struct subcommand *c;

	if (argc >= 2 && !strcmp(argv[1], "--man"))
		return help_man(argc > 2 ? argv[2] : NULL);
	if (argc >= 2 && !strcmp(argv[1], "--words"))
		return help_words(argc - 2, argv + 2);
	if (argc >= 2 && (c = find_command(argv[1]))) {
		char *hv[3] = { argv[1], "--help", NULL };

		return c->fn(2, hv);
	}
	usage(stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	diag_init("gupharness");
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("gupharness %s\n", GUPBENCH_VERSION);
		return EXIT_OK;
	}
	spawn_install_signal_handlers();
	if (find_command(argv[1]))
		return find_command(argv[1])->fn(argc - 1, argv + 1);
	fprintf(stderr, "gupharness: '%s' is not a command; see 'gupharness --help'\n", argv[1]);
	return EXIT_USAGE;
}
