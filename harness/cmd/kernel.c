/*
 * cmd/kernel: `gupharness kernel build|list|show|rm`, the user's door to kbuild
 * and kcache. Option parsing (build's from the option table below, its help
 * generated from it) and output only; the work happens in kbuild.c
 * and kcache.c. Machine-readable results (the built kernel's name and key,
 * meta.json, the list) go to stdout, progress to stderr.
 */
#include "harness/cmd/commands.h"
#include "harness/kernel/kbuild.h"
#include "harness/kernel/kcache.h"
#include "lib/opt.h"
#include "lib/util.h"

#include <stddef.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Where `kernel build`'s options go: the request and its fragments. */
struct build_args {
	struct kbuild_req q;
	struct opt_list frags;   /* --config */
};

static int set_jobs(void *dst, const char *v)
{
	return opt_int_in(dst, v, 1, 4096);
}

#define B(f) offsetof(struct build_args, q.f)
static const struct opt build_options[] = {
	{ "--source", "PATH", B(source), NULL, "kernel tarball, source directory, or git tree (with --rev)", NULL, 0 },
	{ "--rev", "REV", B(rev), NULL, "revision of a git tree; the tree itself is only read", NULL, 0 },
	{ "--series", "PATH", B(series), NULL,
	  "patch series: a kernel-patches/ directory (series, commits or *.mbox) or an mbox file", NULL, 0 },
	{ "--config", "FRAGMENT", offsetof(struct build_args, frags), opt_add,
	  "extra config fragment, merged after the arch's default one (harness/configs/gupbench.config,"
	  " gupbench-arm64.config); repeatable, at most 64", NULL, 0 },
	{ "--no-default-config", NULL, B(no_default_fragment), NULL, "leave the default fragment out", NULL, 0 },
	{ "--name", "NAME", B(name), NULL, "cache name", "linux-<version>[+<series>]", 0 },
	{ "--arch", "ARCH", B(arch), NULL, "target architecture: x86_64 or arm64 (cross-built with"
	  " aarch64-linux-gnu-gcc)", "x86_64", 0 },
	{ "-j", "N", B(jobs), set_jobs, "make jobs", "CPUs + 1", 0 },
	{ "--force", NULL, B(force), NULL, "rebuild even when the cache holds this kernel", NULL, 0 },
	{ "--replace", NULL, B(replace), NULL, "move --name to this build when it names another one (runs"
	  " stored under the name keep the build they ran)", NULL, 0 },
	{ "-v", NULL, B(verbose), NULL, "show every command (make V=1)", NULL, 0 },
	{ "--verbose", NULL, B(verbose), NULL, "the same as -v", NULL, 0 },
};
#undef B

static const struct opt_table build_table = { "kernel build", build_options,
					       sizeof(build_options) / sizeof(build_options[0]), 0 };

static void build_usage(FILE *f)
{
	fprintf(f, "usage: gupharness kernel build --source TARBALL|DIR [--rev REV] [--series DIR|MBOX]\n"
		   "                               [--config FRAGMENT]... [--no-default-config] [--name NAME]\n"
		   "                               [--arch ARCH] [-j N] [--force] [--replace] [-v]\n\noptions:\n");
	opt_help(f, &build_table);
	fprintf(f, "\nPrints '<name> <key> <entry directory>' on stdout. GUPBENCH_NO_CCACHE=1 disables ccache.\n"
		   "--series also takes the name of a shipped series (gupbench-pin-cost).\n"
		   "\nexamples:\n"
		   "   gupharness kernel build --source /usr/src/linux-source-6.12.tar.xz\n"
		   "   gupharness kernel build --source /usr/src/linux-source-6.12.tar.xz --series gupbench-pin-cost\n");
}

static int kernel_build(int argc, char **argv)
{
	struct build_args a = { .q = { .arch = "x86_64" } };
	struct kbuild_result res;
	const char *v = getenv("V");
	int n, r;
	char *dir;

	a.q.verbose = v && !strcmp(v, "1");
	n = opt_parse(&build_table, argc, argv, &a, NULL, 0);
	if (n == OPT_HELP) {
		build_usage(stdout);
		return EXIT_OK;
	}
	if (n < 0 || !a.q.source) {
		build_usage(stderr);
		return EXIT_USAGE;
	}
	if (a.q.series)
		a.q.series = data_named("kernel-patches", a.q.series, "");
	a.q.fragments = a.frags.v;
	a.q.nfragments = a.frags.n;
	r = kbuild_build(&a.q, &res);
	if (r)
		return r;
	dir = kcache_entry_dir(res.key);
	if (res.hit)
		note("'%s' is cached (%.2f s)", res.name, res.seconds);
	printf("%s %s %s\n", res.name, res.key, dir);
	free(dir);
	kbuild_result_free(&res);
	return EXIT_OK;
}

static void human_size(char *buf, size_t n, long long bytes)
{
	if (bytes >= 1 << 20)
		snprintf(buf, n, "%.1fM", bytes / 1048576.0);
	else
		snprintf(buf, n, "%lldK", bytes / 1024);
}

static void human_age(char *buf, size_t n, const char *iso)
{
	struct tm tm = { 0 };
	long long s;

	if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	s = (long long)(time(NULL) - timegm(&tm));
	if (s < 120)
		snprintf(buf, n, "%llds", s);
	else if (s < 7200)
		snprintf(buf, n, "%lldm", s / 60);
	else if (s < 172800)
		snprintf(buf, n, "%lldh", s / 3600);
	else
		snprintf(buf, n, "%lldd", s / 86400);
}

/* The usage and examples of list, show and rm: on stdout for --help (status 0), else stderr (2). */
static int small_usage(char **argv, const char *synopsis, const char *example)
{
	int help = argv[1] && !strcmp(argv[1], "--help");

	fprintf(help ? stdout : stderr, "usage: gupharness kernel %s\n\nexamples:\n   gupharness kernel %s\n",
		synopsis, example);
	return help ? EXIT_OK : EXIT_USAGE;
}

static int kernel_list(int argc, char **argv)
{
	int names_only = argc == 2 && !strcmp(argv[1], "--names");
	char **names;
	int n;

	if (argc > 1 && !names_only)
		return small_usage(argv, "list [--names]\n\n--names prints only the names, one a line.",
				   "list\n   gupharness kernel list --names");
	n = kcache_names(&names);
	if (names_only) {
		for (int i = 0; i < n; i++)
			printf("%s\n", names[i]), free(names[i]);
		free(names);
		return EXIT_OK;
	}
	printf("%-40s %-20s %-28s %8s %6s  %-12s  %s\n", "NAME", "RELEASE", "SERIES", "SIZE", "AGE", "KEY", "ARCH");
	for (int i = 0; i < n; i++) {
		struct kernel_entry e;
		json_t *m;
		char size[32], age[32];

		if (kcache_lookup(names[i], &e)) {
			free(names[i]);
			continue;
		}
		m = json_loads(e.meta_json, 0, NULL);
		human_size(size, sizeof(size), (long long)json_integer_value(json_object_get(m, "image_size")));
		human_age(age, sizeof(age), json_string_value(json_object_get(m, "built_at")));
		printf("%-40s %-20s %-28s %8s %6s  %.12s  %s\n", names[i], e.release ? e.release : "?",
		       e.series ? e.series : "-", size, age, e.key, e.arch ? e.arch : "?");
		json_decref(m);
		kernel_entry_free(&e);
		free(names[i]);
	}
	free(names);
	return EXIT_OK;
}

static int kernel_show(int argc, char **argv)
{
	struct kernel_entry e;

	if (argc != 2 || !strcmp(argv[1], "--help"))
		return small_usage(argv, "show NAME", "show linux-6.12");
	if (kcache_lookup(argv[1], &e))
		return error("no cached kernel named '%s'; see 'gupharness kernel list'", argv[1]), EXIT_USAGE;
	fputs(e.meta_json, stdout);
	if (e.meta_json[0] && e.meta_json[strlen(e.meta_json) - 1] != '\n')
		putchar('\n');
	fprintf(stderr, "entry: %s\n", e.dir);
	kernel_entry_free(&e);
	return EXIT_OK;
}

static int kernel_rm(int argc, char **argv)
{
	int r = EXIT_OK;

	if (argc < 2 || !strcmp(argv[1], "--help"))
		return small_usage(argv, "rm NAME...", "rm linux-6.12+gupbench-pin-cost");
	for (int i = 1; i < argc; i++)
		if (kcache_remove(argv[i]))
			r = EXIT_USAGE;
	return r;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} subs[] = {
	{ "build", kernel_build, "build a kernel (or find it in the cache)" },
	{ "list",  kernel_list,  "list cached kernels: name, release, series, size, age, key, arch" },
	{ "show",  kernel_show,  "print a cached kernel's meta.json" },
	{ "rm",    kernel_rm,    "remove cached kernels by name" },
};

int cmd_kernel(int argc, char **argv)
{
	int help = argc >= 2 && !strcmp(argv[1], "--help");
	FILE *f = help ? stdout : stderr;

	if (argc >= 2)
		for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
			if (!strcmp(argv[1], subs[i].name))
				return subs[i].fn(argc - 1, argv + 1);
	fprintf(f, "usage: gupharness kernel <build|list|show|rm> [<args>]\n\nactions:\n");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		fprintf(f, "   %-6s %s\n", subs[i].name, subs[i].summary);
	fprintf(f, "\n'gupharness kernel <action> --help' describes one.\n\nexamples:\n"
		   "   gupharness kernel build --source /usr/src/linux-source-6.12.tar.xz\n"
		   "   gupharness kernel list\n");
	if (help)
		return EXIT_OK;
	if (argc >= 2)
		error("'%s' is not a kernel subcommand", argv[1]);
	return EXIT_USAGE;
}
