/*
 * explain: two logged icount boots, profiled beneath gup_test_ioctl and
 * joined per function (see explain.h). The logged boot is a plain `run` of
 * a one-case matrix with QEMU's in_asm+exec block log added, so its own
 * get/put times (icount: instructions at a fixed rate) stand beside the
 * profile as the measured change the function deltas must add up to.
 */
#include "harness/guest/explain.h"
#include "harness/kernel/kcache.h"
#include "harness/guest/qemu.h"
#include "lib/util.h"
#include "results/db.h"
#include "results/samples.h"
#include "lib/spawn.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A one-case matrix from the case's gupbench words (-u/-a/-L/-U/-b, -m,
 * -n, -t/-T; the matrix's defaults otherwise), or NULL after an error
 * naming a word it cannot carry (hugetlb, write, workloads: the window is
 * gup_test's ioctl, and a dropped word would explain another case). */
static char *case_matrix(const char *key)
{
	const char *cmd = "u", *thp = "system";
	long mb = 128, n = 1;
	char *w = xstrdup(key), *save = NULL, *bad = NULL;

	for (char *t = strtok_r(w, " ", &save); t && !bad; t = strtok_r(NULL, " ", &save)) {
		if (!strcmp(t, "-m") || !strcmp(t, "-n")) {
			char *v = strtok_r(NULL, " ", &save), *end = NULL;
			long x = v ? strtol(v, &end, 10) : 0;

			if (!v || *end || (t[1] == 'm' && x < 1) || (t[1] == 'n' && x < 1 && x != -1))
				bad = t;
			*(t[1] == 'm' ? &mb : &n) = x;
		} else if (!strcmp(t, "-t") || !strcmp(t, "-T")) {
			thp = t[1] == 't' ? "on" : "off";
		} else if (strlen(t) == 2 && t[0] == '-' && strchr("uaLUb", t[1])) {
			cmd = t[1] == 'u' ? "u" : t[1] == 'a' ? "a" : t[1] == 'L' ? "L" : t[1] == 'U' ? "U" : "b";
		} else {
			bad = t;
		}
	}
	if (bad) {
		error("explain: case word '%s' in '%s' is not supported; use -u/-a/-L/-U/-b, -m MB, -n PAGES, -t/-T",
		      bad, key);
		free(w);
		return NULL;
	}
	free(w);
	return xasprintf("{\"name\":\"explain\",\"repeats\":1,\"warmup\":0,\"axes\":{\"cmd\":\"%s\","
			 "\"size_mb\":%ld,\"nr_pages\":%ld,\"thp\":\"%s\"}}\n", cmd, mb, n, thp);
}

/* Run `gupharness run` on one kernel with the block log into dir/q.log;
 * its output goes to stderr as progress. Icount makes the instruction
 * stream repeatable only if the guest's inputs are too: the RTC then starts
 * at a fixed date and runs on the guest's clock (the host's time of day
 * seeds the guest's RNG), and norandmaps keeps the case's VMAs where they
 * were (their layout decides the maple-tree walks of mmap and GUP). The
 * log keeps the kernel's text only (-dfilter): no BIOS, decompressor or
 * user space, which the window never runs. */
static int boot_logged(const char *dir, const char *kernel, const char *map)
{
	unsigned long long lo, hi;

	if (tbprof_text_range(map, &lo, &hi))
		return -1;

	char *m = xasprintf("%s/case.json", dir), *db = xasprintf("%s/scratch.db", dir);
	char *darg = xasprintf("--qemu-arg=%s/q.log", dir), *farg = xasprintf("--qemu-arg=0x%llx..0x%llx", lo, hi - 1);
	char *argv[] = { (char *)self_exe(), "run", "--matrix", m, "--kernel", (char *)kernel, "--db", db,
			 "--accel", "tcg", "--clock", "icount", "--no-pin", "--timeout", "7200", "--append", "norandmaps",
			 "--qemu-arg=-rtc", "--qemu-arg=base=2020-01-01T00:00:00,clock=vm", "--qemu-arg=-d",
			 "--qemu-arg=in_asm,exec,nochain", "--qemu-arg=-dfilter", farg, "--qemu-arg=-D", darg, NULL };
	struct spawn_opts o = { .stdout_path = "/dev/stderr", .out_append = 1 };
	struct spawn_result res;
	int st = spawn_run(argv, &o, &res) ? -1 : res.status;

	spawn_result_free(&res);
	free(m);
	free(db);
	free(darg);
	free(farg);
	return st == 0 ? 0 : error("the logged boot of '%s' failed; see above", kernel);
}

/* The logged boot's own get and put time of its one case. */
static void read_measured(const char *dir, struct explain_side *s)
{
	char *path = xasprintf("%s/scratch.db", dir);
	sqlite3 *db = db_open(path, DB_READONLY | DB_MUST_EXIST);
	double v[2] = { 0, 0 };
	int got = 0;

	for (int m = 0; db && m < 2; m++) {
		struct sample_query q = { .boots_sql = samples_every_boot_sql, .metric = m ? "put" : "get" };
		struct sample_set set;

		if (samples_load(db, &q, &set))
			continue;
		if (set.n == 1 && set.c[0].nb == 1 && set.c[0].b[0].n)
			v[m] = set.c[0].b[0].median, got++;
		sample_set_free(&set);
	}
	if (db)
		db_close(db);
	s->get_us = v[0], s->put_us = v[1], s->measured = got == 2;
	free(path);
}

static int profile_side(const char *kernel, const char *key, struct explain_side *s)
{
	struct kernel_entry e;
	char *dir, *map, *mtx, *m;
	int r;

	s->kernel = kernel;
	if (!(m = case_matrix(key)))
		return EXIT_USAGE;
	free(m);
	if (kcache_lookup(kernel, &e))
		return error("no cached kernel '%s'; build it with 'gupharness kernel build'", kernel), EXIT_USAGE;
	if (strcmp(e.arch, "x86_64")) {
		error("explain supports x86_64 kernels only; '%s' is %s", kernel, e.arch);
		kernel_entry_free(&e);
		return EXIT_USAGE;
	}
	map = xasprintf("%s/System.map", e.dir);
	kernel_entry_free(&e);
	if (access(map, R_OK)) {
		error("kernel '%s' was cached without System.map; rebuild it: gupharness kernel rm %s, then kernel build",
		      kernel, kernel);
		free(map);
		return EXIT_USAGE;
	}
	dir = xasprintf("%s/explain-%d", cache_root(), (int)getpid());
	mtx = xasprintf("%s/case.json", dir);
	m = case_matrix(key);
	r = mkdir_p(dir, 0755) || write_file_atomic(mtx, m, strlen(m));
	if (!r) {
		note("explain: booting %s with the block log (this takes minutes)", kernel);
		r = boot_logged(dir, kernel, map);
	}
	if (!r) {
		char *log = xasprintf("%s/q.log", dir);

		read_measured(dir, s);
		note("explain: profiling %s", kernel);
		r = tbprof_read(log, map, "gup_test_ioctl", &s->prof);
		free(log);
	}
	remove_tree(dir);
	free(dir);
	free(map);
	free(mtx);
	free(m);
	return r ? EXIT_GUEST : 0;
}

static long long absll(long long x) { return x < 0 ? -x : x; }

static int by_delta(const void *a, const void *b)
{
	const struct explain_row *x = a, *y = b;

	if (absll(x->d) != absll(y->d))
		return absll(x->d) < absll(y->d) ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* One row per function either side touched, by |self delta|, ties by name. */
static void join(struct explain *x)
{
	const struct tbprof *p[2] = { &x->s[0].prof, &x->s[1].prof };

	x->row = xcalloc(p[0]->n + p[1]->n + 1, sizeof(*x->row));
	x->n = 0;
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < p[s]->n; i++) {
			const char *nm = p[s]->fn[i].name;
			struct explain_row *r = &x->row[x->n];

			if (s && tbprof_find(p[0], nm))
				continue;
			r->name = nm;
			for (int k = 0; k < 2; k++) {
				const struct tbprof_fn *f = tbprof_find(p[k], nm);

				r->self[k] = f ? (long long)f->self : 0;
				r->incl[k] = f ? (long long)f->incl : 0;
				r->calls[k] = f ? (long long)f->calls : 0;
			}
			r->d = r->self[1] - r->self[0];
			x->n++;
		}
	qsort(x->row, x->n, sizeof(*x->row), by_delta);
}

int explain_run(const char *base, const char *new, const char *key, struct explain *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->key = key;
	r = profile_side(base, key, &out->s[0]);
	if (!r)
		r = profile_side(new, key, &out->s[1]);
	if (r) {
		explain_free(out);
		return r;
	}
	join(out);
	return 0;
}

void explain_free(struct explain *x)
{
	tbprof_free(&x->s[0].prof);
	tbprof_free(&x->s[1].prof);
	free(x->row);
	memset(x, 0, sizeof(*x));
}
