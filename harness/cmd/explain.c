/*
 * cmd/explain: `gupharness explain BASE NEW --case KEY [--format
 * text|markdown|json] [--top N]`. Boots each cached kernel once under
 * icount with QEMU's in_asm+exec block log (through `run`, so the kernels
 * measured are the kernels built), profiles the instructions executed
 * beneath gup_test_ioctl (the case's measured ioctl loop, tbprof.c) with
 * the build's System.map, and prints the functions whose cost changed most
 * (explain.c does the work, explain-print.c the printing).
 */
#include "harness/cmd/commands.h"
#include "harness/guest/explain.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *f)
{
	fprintf(f, "usage: gupharness explain BASE NEW --case KEY [--format text|markdown|json] [--top N]\n"
		   "Boots each cached x86_64 kernel once under icount with QEMU's block log and prints the\n"
		   "kernel functions whose instructions beneath gup_test_ioctl changed most.\n"
		   "KEY is a case's gupbench words, e.g. '-L -m 512 -n 1024 -t' (-m scales it down).\n"
		   "\noptions:\n"
		   "   --case KEY             the case to explain (required)\n"
		   "   --format FMT           text, markdown or json (default text)\n"
		   "   --top N                how many functions to show (default 12)\n"
		   "\nexamples:\n"
		   "   gupharness explain linux-6.12 linux-6.12+gupbench-no-thp-batch --case '-L -m 32 -n 1024 -t'\n");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

int cmd_explain(int argc, char **argv)
{
	const char *side[2] = { NULL, NULL }, *key = NULL, *fmt = "text";
	int top = 12, r, ns = 0;
	struct explain x;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--case") && v)
			key = v, i++;
		else if (!strcmp(argv[i], "--format") && v)
			fmt = v, i++;
		else if (!strcmp(argv[i], "--top") && v && atoi(v) > 0)
			top = atoi(v), i++;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage(stdout);
		else if (argv[i][0] != '-' && ns < 2)
			side[ns++] = argv[i];
		else
			return error("explain: bad argument '%s'", argv[i]), usage(stderr);
	}
	if (ns != 2 || !key)
		return error("explain needs BASE, NEW and --case KEY"), usage(stderr);
	if (!explain_format_known(fmt))
		return error("--format '%s': use text, markdown or json", fmt), EXIT_USAGE;
	if ((r = explain_run(side[0], side[1], key, &x)))
		return r;
	explain_print(stdout, &x, fmt, top);
	explain_free(&x);
	return EXIT_OK;
}
