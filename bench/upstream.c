/*
 * upstream: gup_bench's grammar and matrix. The matrix is the one upstream's
 * gup_bench runs with no arguments (run_vmtests.sh's former gup matrix):
 * {-u, -a, -L} x {-W, -w} x {private, -S} x ({-t, -T} x -n {1, 512, 123, -1}
 * at 128 MiB, then -H x -n {1, 512, 123, -1} at 256 MiB), 144 cases, in that
 * order. Each case is a word list parsed by the one option table, so a
 * matrix case means what the same words mean on the shell.
 */
#include "bench/upstream.h"
#include "lib/diag.h"
#include "bench/hugetlb.h"
#include "bench/knobs.h"

#include <stdlib.h>
#include <string.h>

#define GUP_BENCH_OPTS "m:r:n:F:f:aj:tTLuwWSH"
#define MATRIX_HUGETLB_MB 256

int gup_bench_mode(const char *argv0, const struct bench_opts *o)
{
	const char *base = strrchr(argv0, '/');

	return o->gup_bench || !strcmp(base ? base + 1 : argv0, "gup_bench");
}

/* gup_bench takes no -U -b -c -p -z and no page indexes. */
static int grammar_check(const struct bench_opts *o, char *err, size_t len)
{
	const char *bad = NULL;

	if (o->cmd != CMD_GUP_FAST && o->cmd != CMD_PIN_FAST && o->cmd != CMD_PIN_LONGTERM)
		bad = gup_cmd_info(o->cmd)->flag;
	else if (o->touch)
		bad = "-z";
	else if (o->dump_use_pin)
		bad = "-p";
	if (!bad)
		return 0;
	fmt_into(err, len, "option '%s' is not in gup_bench's command line (getopt \"%s\"); drop it or call "
		 "gupbench without --gup-bench", bad, GUP_BENCH_OPTS);
	return -1;
}

/* Nothing but the output options: the matrix. */
static int bare(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--out"))
			i++;
		else if (strcmp(argv[i], "--gup-bench") && strcmp(argv[i], "--json") && strncmp(argv[i], "--out=", 6))
			return 0;
	}
	return 1;
}

static void add(struct cli_case *c, size_t *n, const char *cmd, int write, int shared, const char *mem,
		const char *nr, const char *size)
{
	const char *words[] = { cmd, write ? "-w" : "-W", "-m", size, "-n", nr, mem, shared ? "-S" : NULL };
	struct cli_case *k = &c[(*n)++];
	char err[256];

	k->argv = xcalloc(9, sizeof(char *));
	k->owns_argv = 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]) && words[i]; i++)
		k->argv[k->argc++] = xstrdup(words[i]);
	opts_defaults(&k->o);
	if (opts_parse(&k->o, k->argc, k->argv, OPTS_CASE, err, sizeof(err)))
		die(EXIT_FAIL, "gup_bench matrix: %s (bug)", err);
}

static size_t matrix(struct cli_case **out)
{
	static const char *const cmds[] = { "-u", "-a", "-L" }, *const thp[] = { "-t", "-T" };
	static const char *const nrs[] = { "1", "512", "123", "-1" };
	struct cli_case *c = xcalloc(3 * 2 * 2 * (2 * 4 + 4), sizeof(*c));
	size_t n = 0;

	for (int k = 0; k < 3; k++)
		for (int w = 0; w <= 1; w++)
			for (int s = 0; s <= 1; s++) {
				for (int t = 0; t < 2; t++)
					for (int i = 0; i < 4; i++)
						add(c, &n, cmds[k], w, s, thp[t], nrs[i], "128");
				for (int i = 0; i < 4; i++)
					add(c, &n, cmds[k], w, s, "-H", nrs[i], "256");
			}
	*out = c;
	return n;
}

/* As upstream's hugetlb_setup_default(): enough default-size pages for the hugetlb cases. */
void gup_bench_reserve_hugetlb(void)
{
	unsigned long kb = hugetlb_default_kb();
	long nr, nfree, need;
	char path[128], val[32], why[256];

	if (!kb)
		return;
	need = (long)((MATRIX_HUGETLB_MB * 1024UL + kb - 1) / kb);
	nr = hugetlb_pool_read(kb, "nr_hugepages");
	nfree = hugetlb_pool_read(kb, "free_hugepages");
	if (nr < 0 || nfree >= need)
		return;
	fmt_into(path, sizeof(path), HUGETLB_SYSFS "/hugepages-%lukB/nr_hugepages", kb);
	fmt_into(val, sizeof(val), "%ld", nr + need - nfree);
	knobs_restore_on_exit();
	if (knob_write(path, val, why, sizeof(why)))
		warning("%s: the hugetlb cases will skip", why);
}

int gup_bench_cases(const struct bench_opts *o, int argc, char **argv, struct cli_case **cases, size_t *n,
		    char *err, size_t len)
{
	if (grammar_check(o, err, len))
		return -1;
	if (!bare(argc, argv)) {
		*cases = xcalloc(1, sizeof(**cases));
		**cases = (struct cli_case){ *o, argc, argv, 0 };
		*n = 1;
		return 0;
	}
	*n = matrix(cases);
	return 0;
}

void gup_bench_free(struct cli_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!cases[i].owns_argv)
			continue;
		for (int k = 0; k < cases[i].argc; k++)
			free(cases[i].argv[k]);
		free(cases[i].argv);
	}
	free(cases);
}
