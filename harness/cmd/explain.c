/*
 * cmd/explain: `gupharness explain BASE NEW --case KEY [--format
 * text|markdown|json] [--top N]`. Boots each cached kernel once under
 * icount with QEMU's in_asm+exec block log (through `run`, so the kernels
 * measured are the kernels built), profiles the instructions executed
 * beneath gup_test_ioctl (the case's measured ioctl loop, tbprof.c) with
 * the build's System.map, and prints the functions whose cost changed most.
 */
#include "harness/cmd/commands.h"
#include "harness/kernel/kcache.h"
#include "harness/guest/tbprof.h"
#include "lib/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct xrow { const char *name; long long self[2], incl[2], calls[2]; long long d; };

/* A one-case matrix from the case's gupbench words (-L/-u/-a, -m, -n, -t/-T). */
static char *case_matrix(const char *key)
{
	const char *cmd = "L", *thp = "on";
	long mb = 128, n = 1024;
	char *w = xstrdup(key), *save = NULL;

	for (char *t = strtok_r(w, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!strcmp(t, "-m") || !strcmp(t, "-n")) {
			char *v = strtok_r(NULL, " ", &save);
			long x = v ? atol(v) : 0;

			*(t[1] == 'm' ? &mb : &n) = x;
		} else if (!strcmp(t, "-t") || !strcmp(t, "-T")) {
			thp = t[1] == 't' ? "on" : "off";
		} else if (!strcmp(t, "-L") || !strcmp(t, "-u") || !strcmp(t, "-a")) {
			cmd = t[1] == 'L' ? "L" : t[1] == 'u' ? "u" : "a";
		}
	}
	free(w);
	return xasprintf("{\"name\":\"explain\",\"repeats\":1,\"warmup\":0,\"axes\":{\"cmd\":\"%s\","
			 "\"size_mb\":%ld,\"nr_pages\":%ld,\"thp\":\"%s\"}}\n", cmd, mb, n, thp);
}

/* Run `gupharness run` on one kernel with the block log into dir/q.log;
 * its output goes to stderr as progress. */
static int boot_logged(const char *dir, const char *kernel)
{
	char *m = xasprintf("%s/case.json", dir), *db = xasprintf("%s/scratch.db", dir);
	char *darg = xasprintf("--qemu-arg=%s/q.log", dir);
	char *argv[] = { "gupharness", "run", "--matrix", m, "--kernel", (char *)kernel, "--db", db,
			 "--accel", "tcg", "--clock", "icount", "--no-pin", "--qemu-arg=-d",
			 "--qemu-arg=in_asm,exec,nochain", "--qemu-arg=-D", darg, NULL };
	int st = -1;
	pid_t p = fork();

	if (p == 0) {
		dup2(2, 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (p > 0)
		waitpid(p, &st, 0);
	free(m);
	free(db);
	free(darg);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : error("the logged boot of '%s' failed; see above", kernel);
}

static int profile_side(const char *kernel, const char *key, struct tbprof *out)
{
	struct kernel_entry e;
	char *dir, *map, *log, *mtx;
	int r;

	if (kcache_lookup(kernel, &e))
		return error("no cached kernel '%s'; build it with 'gupharness kernel build'", kernel), -EXIT_USAGE;
	if (strcmp(e.arch, "x86_64")) {
		kernel_entry_free(&e);
		return error("explain supports x86_64 kernels only; '%s' is %s", kernel, e.arch), -EXIT_USAGE;
	}
	map = xasprintf("%s/System.map", e.dir);
	if (access(map, R_OK)) {
		error("kernel '%s' was cached without System.map; rebuild it: gupharness kernel rm %s, then kernel build",
		      kernel, kernel);
		free(map);
		kernel_entry_free(&e);
		return -EXIT_USAGE;
	}
	dir = xasprintf("%s/explain-%d", cache_root(), (int)getpid());
	log = xasprintf("%s/q.log", dir);
	mtx = xasprintf("%s/case.json", dir);
	r = mkdir_p(dir, 0755);
	if (!r) {
		char *m = case_matrix(key);

		r = write_file_atomic(mtx, m, strlen(m));
		free(m);
	}
	if (!r) {
		note("explain: booting %s with the block log (this takes minutes)", kernel);
		r = boot_logged(dir, kernel);
	}
	if (!r) {
		note("explain: profiling %s", kernel);
		r = tbprof_read(log, map, "gup_test_ioctl", out);
	}
	remove_tree(dir);
	free(dir);
	free(map);
	free(log);
	free(mtx);
	kernel_entry_free(&e);
	return r ? -EXIT_GUEST : 0;
}

static long long absll(long long x) { return x < 0 ? -x : x; }

static int by_delta(const void *a, const void *b)
{
	const struct xrow *x = a, *y = b;

	if (absll(x->d) != absll(y->d))
		return absll(x->d) < absll(y->d) ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* One row per function either side touched, by |self delta|, ties by name. */
static struct xrow *join(const struct tbprof p[2], int *n)
{
	struct xrow *r = xcalloc(p[0].n + p[1].n + 1, sizeof(*r));

	*n = 0;
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < p[s].n; i++) {
			const char *nm = p[s].fn[i].name;

			if (s && tbprof_find(&p[0], nm))
				continue;
			r[*n].name = nm;
			for (int k = 0; k < 2; k++) {
				const struct tbprof_fn *f = tbprof_find(&p[k], nm);

				r[*n].self[k] = f ? (long long)f->self : 0;
				r[*n].incl[k] = f ? (long long)f->incl : 0;
				r[*n].calls[k] = f ? (long long)f->calls : 0;
			}
			r[*n].d = r[*n].self[1] - r[*n].self[0];
			(*n)++;
		}
	qsort(r, *n, sizeof(*r), by_delta);
	return r;
}

static double pct(long long a, long long b)
{
	return a ? 100.0 * (double)(b - a) / (double)a : 0.0;
}

static void print_text(const char *base, const char *new, const char *key, const struct tbprof p[2],
		       const struct xrow *r, int n, int top, int md)
{
	long long t0 = (long long)p[0].total, t1 = (long long)p[1].total, sum = 0;

	printf(md ? "**explain** `%s` vs `%s`, case `%s` (guest instructions beneath gup_test_ioctl, icount)\n\n"
		  : "explain %s vs %s, case '%s' (guest instructions beneath gup_test_ioctl, icount)\n",
	       base, new, key);
	printf(md ? "| base | %%change | new | function | self base | self new | calls base | calls new |\n"
		    "|---:|---:|---:|---|---:|---:|---:|---:|\n"
		  : "%14s %9s %14s  %-32s %12s %12s %10s %10s\n",
	       "incl base", "%change", "incl new", "function", "self base", "self new", "calls base", "calls new");
	if (md)
		printf("| %lld | %+.1f%% | %lld | **total** | | | %llu | %llu |\n", t0, pct(t0, t1), t1,
		       p[0].windows, p[1].windows);
	else
		printf("%14lld %+8.1f%% %14lld  %-32s %12s %12s %10llu %10llu\n", t0, pct(t0, t1), t1, "total", "", "",
		       p[0].windows, p[1].windows);
	for (int i = 0; i < n; i++)
		sum += r[i].d;
	for (int i = 0; i < n && i < top; i++)
		printf(md ? "| %lld | %+.1f%% | %lld | %s | %lld | %lld | %lld | %lld |\n"
			  : "%14lld %+8.1f%% %14lld  %-32s %12lld %12lld %10lld %10lld\n",
		       r[i].incl[0], pct(r[i].incl[0], r[i].incl[1]), r[i].incl[1], r[i].name,
		       r[i].self[0], r[i].self[1], r[i].calls[0], r[i].calls[1]);
	long long shown = 0;

	for (int i = 0; i < n && i < top; i++)
		shown += r[i].d;
	printf(md ? "\nself deltas of the %d lines shown: %+lld of the total's %+lld (%.1f%%); all functions: %+lld\n"
		  : "self deltas of the %d lines shown: %+lld of the total's %+lld (%.1f%%); all functions: %+lld\n",
	       n < top ? n : top, shown, t1 - t0, t1 != t0 ? 100.0 * (double)shown / (double)(t1 - t0) : 100.0, sum);
}

static void print_json(const char *base, const char *new, const char *key, const struct tbprof p[2],
		       const struct xrow *r, int n, int top)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "base", base, "new", new, "case", key,
			      "window", "gup_test_ioctl", "total_base", (json_int_t)p[0].total,
			      "total_new", (json_int_t)p[1].total);
	json_t *a = json_array();

	for (int i = 0; i < n && i < top; i++)
		json_array_append_new(a, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "function", r[i].name,
						   "self_base", (json_int_t)r[i].self[0], "self_new", (json_int_t)r[i].self[1],
						   "incl_base", (json_int_t)r[i].incl[0], "incl_new", (json_int_t)r[i].incl[1],
						   "calls_base", (json_int_t)r[i].calls[0], "calls_new", (json_int_t)r[i].calls[1]));
	json_object_set_new(o, "functions", a);
	char *s = json_dumps(o, JSON_INDENT(2));

	printf("%s\n", s);
	free(s);
	json_decref(o);
}

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
	int top = 12, n, r = 0, ns = 0;
	struct tbprof p[2] = { 0 };

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
	if (strcmp(fmt, "text") && strcmp(fmt, "markdown") && strcmp(fmt, "json"))
		return error("--format '%s': use text, markdown or json", fmt), EXIT_USAGE;
	for (int s = 0; s < 2 && !r; s++)
		r = profile_side(side[s], key, &p[s]);
	if (r) {
		tbprof_free(&p[0]);
		return -r;
	}
	struct xrow *rows = join(p, &n);

	if (!strcmp(fmt, "json"))
		print_json(side[0], side[1], key, p, rows, n, top);
	else
		print_text(side[0], side[1], key, p, rows, n, top, !strcmp(fmt, "markdown"));
	free(rows);
	tbprof_free(&p[0]);
	tbprof_free(&p[1]);
	return EXIT_OK;
}
