/*
 * run: the library behind `gupharness run` (cmd/run.c): the checks made before anything is
 * stored (kernels, impossible cases, tools), the run row and directory
 * (<db dir>/runs/<uuid>/, with run.json for --resume), then every boot of
 * every kernel through boot.c, and the summary table on stdout. The exit
 * statuses are listed in run.h.
 */
#include "harness/guest/run.h"
#include "harness/guest/boot.h"
#include "results/db.h"
#include "harness/kernel/kcache.h"
#include "harness/guest/matrix.h"
#include "harness/guest/qemu.h"
#include "harness/guest/runlock.h"
#include "results/runs.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <errno.h>
#include <math.h>
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- small pure helpers (run.h) ---- */

void run_shard_range(size_t total, int k, int n, size_t *lo, size_t *hi)
{
	*lo = total * (size_t)(k - 1) / (size_t)n;
	*hi = total * (size_t)k / (size_t)n;
}

int run_parse_shard(const char *s, int *k, int *n)
{
	char *end;
	long a, b;

	errno = 0;
	a = strtol(s, &end, 10);
	if (*end != '/' || end == s)
		return -1;
	b = strtol(end + 1, &end, 10);
	if (*end || errno || a < 1 || b < 1 || a > b || b > 10000)
		return -1;
	*k = (int)a;
	*n = (int)b;
	return 0;
}

/* ---- run.json, resume ---- */

/* The user's guest settings as JSON: only those given. */
static json_t *guest_json(const struct guest_settings *g)
{
	json_t *j = json_object(), *a;

	if (g->cpus)
		json_object_set_new(j, "cpus", json_integer(g->cpus));
	if (g->mem_mb)
		json_object_set_new(j, "memory_mb", json_integer(g->mem_mb));
	if (g->append)
		json_object_set_new(j, "append", json_string(g->append));
	if (g->nqemu_args) {
		a = json_array();
		for (int i = 0; i < g->nqemu_args; i++)
			json_array_append_new(a, json_string(g->qemu_args[i]));
		json_object_set_new(j, "qemu_args", a);
	}
	return j;
}

/* Read back what guest_json() wrote, pointing into j. */
static void guest_from_json(struct guest_settings *g, json_t *j)
{
	json_t *a = json_object_get(j, "qemu_args"), *v;
	size_t i;

	g->cpus = (int)json_integer_value(json_object_get(j, "cpus"));
	g->mem_mb = (long)json_integer_value(json_object_get(j, "memory_mb"));
	g->append = json_string_value(json_object_get(j, "append"));
	json_array_foreach(a, i, v)
		if (g->nqemu_args < MAX_QEMU_ARGS && json_is_string(v))
			g->qemu_args[g->nqemu_args++] = json_string_value(v);
}

static char *json_run_file(const struct run_opts *o)
{
	json_t *j = json_object(), *ks = json_array();
	char *s;

	for (int i = 0; i < o->kernels.n; i++)
		json_array_append_new(ks, json_string(o->kernels.v[i]));
	json_object_set_new(j, "kernels", ks);
	ks = json_array();
	for (int i = 0; i < o->cases.n; i++)
		json_array_append_new(ks, json_string(o->cases.v[i]));
	json_object_set_new(j, "cases", ks);
	json_object_set_new(j, "repeat_boots", json_integer(o->repeat_boots));
	json_object_set_new(j, "shard", o->shard ? json_string(o->shard) : json_null());
	json_object_set_new(j, "matrix_path", json_string(o->matrix_path));
	json_object_set_new(j, "clock", json_string(o->clock));
	json_object_set_new(j, "guest", guest_json(&o->guest));
	s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return s;
}

/* Fill R and o from an earlier run: its row, its matrix text and its run.json. */
static int load_resume(struct runner *R, struct run_opts *o, json_t **keep)
{
	struct run_row row;
	char err[512], *path;
	json_t *j;
	int rc = -1;

	if (runs_find_resumable(R->db, o->resume, &row))
		return error("no run '%s' with a run directory and matrix in '%s'; see 'gupharness db list'",
			     o->resume, o->db_path);
	R->run_id = row.id;
	R->uuid = row.uuid;
	R->run_dir = row.run_dir;
	row.uuid = row.run_dir = NULL;
	/* accepted once already, under whatever cap that run had */
	if (matrix_parse(row.matrix, "stored matrix", SIZE_MAX, &R->m, err, sizeof(err))) {
		run_row_free(&row);
		return error("run '%s': %s", o->resume, err);
	}
	run_row_free(&row);
	path = xasprintf("%s/run.json", R->run_dir);
	j = json_load_file(path, 0, NULL);
	if (!j || !json_is_array(json_object_get(j, "kernels"))) {
		error("run '%s': cannot read '%s'; it cannot be resumed", o->resume, path);
		goto out;
	}
	{
		size_t i;
		json_t *k;

		json_array_foreach(json_object_get(j, "kernels"), i, k)
			if (json_is_string(k))
				opt_add(&o->kernels, json_string_value(k));
		json_array_foreach(json_object_get(j, "cases"), i, k)
			if (json_is_string(k))
				opt_add(&o->cases, json_string_value(k));
	}
	o->repeat_boots = (int)json_integer_value(json_object_get(j, "repeat_boots"));
	if (o->repeat_boots < 1)
		o->repeat_boots = 1;
	o->shard = json_string_value(json_object_get(j, "shard"));
	o->matrix_path = json_string_value(json_object_get(j, "matrix_path"));
	/* a resumed run keeps its clock: runs from before clock modes were wall */
	o->clock = json_string_value(json_object_get(j, "clock"));
	if (!o->clock)
		o->clock = "wall";
	guest_from_json(&o->guest, json_object_get(j, "guest"));
	*keep = j;
	j = NULL;
	rc = 0;
out:
	json_decref(j);
	free(path);
	return rc;
}

static void print_summary(struct runner *R)
{
	printf("%-24s %-5s %-8s %12s %12s %4s  %s\n", "kernel", "boot", "status", "get_med_us",
	       "put_med_us", "n", "case");
	for (size_t i = 0; i < R->nrows; i++) {
		struct case_row *r = &R->rows[i];

		char put[32] = "-";

		if (!isnan(r->put_median))
			snprintf(put, sizeof(put), "%.1f", r->put_median);
		printf("%-24s %-5d %-8s %12.1f %12s %4ld  %s\n", r->kernel, r->boot, r->status,
		       r->get_median, put, r->n, r->id);
	}
}

/* The directory next to the database that holds the run directories. */
static char *runs_root(const char *db_path)
{
	char *d = xstrdup(db_path), *slash = strrchr(d, '/');
	char *r;

	if (slash)
		*slash = '\0';
	r = slash ? xasprintf("%s/runs", d) : xstrdup("runs");
	free(d);
	return r;
}

/* "have: a, b" for the message about a kernel that is not cached. */
static char *cached_kernel_list(void)
{
	char **names;
	int n = kcache_names(&names);
	size_t len = 1;
	char *list;

	for (int j = 0; j < n; j++)
		len += strlen(names[j]) + 2;
	list = xmalloc(len);
	list[0] = '\0';
	for (int j = 0; j < n; j++) {
		strcat(list, j ? ", " : "");
		strcat(list, names[j]);
		free(names[j]);
	}
	if (n >= 0)
		free(names);
	if (n <= 0) {
		free(list);
		list = xstrdup("none");
	}
	return list;
}

/* The kernels from the cache, all of one arch run can boot. 0 or an exit status. */
static int load_kernels(struct runner *R, const struct run_opts *o, struct kernel_ctx *K)
{
	for (int i = 0; i < o->kernels.n; i++) {
		K[i].name = o->kernels.v[i];
		if (kcache_lookup(K[i].name, &K[i].e)) {
			char *list = cached_kernel_list();

			error("no kernel '%s' in the cache (have: %s); build it with 'gupharness kernel build'",
			      K[i].name, list);
			free(list);
			return EXIT_USAGE;
		}
	}
	R->arch = arch_lookup(K[0].e.arch);
	for (int i = 0; i < o->kernels.n; i++) {
		if (!K[i].e.arch || !arch_lookup(K[i].e.arch) || !qemu_binary(K[i].e.arch)) {
			error("kernel '%s' is for arch '%s', which run cannot boot (known: %s)", K[i].name,
			      K[i].e.arch ? K[i].e.arch : "?", arch_names());
			return EXIT_USAGE;
		}
		if (strcmp(K[i].e.arch, K[0].e.arch)) {
			error("kernels '%s' and '%s' are for different arches; run them separately",
			      K[0].name, K[i].name);
			return EXIT_USAGE;
		}
	}
	if (R->m.arch && strcmp(R->m.arch, R->arch->name)) {
		error("matrix '%s' is for %s, kernel '%s' for %s; use a kernel built for %s or another matrix", R->m.name,
		      R->m.arch, K[0].name, R->arch->name, R->m.arch);
		return EXIT_USAGE;
	}
	return 0;
}

/* Impossible cases, caught here rather than as a guest failure. 0 or EXIT_USAGE. */
static int check_cases(struct runner *R, const struct run_opts *o, struct kernel_ctx *K)
{
	size_t *all = xcalloc(R->m.n, sizeof(*all));
	struct plan_needs needs;
	char *plan;

	for (size_t i = 0; i < R->m.n; i++)
		all[i] = i;
	plan = matrix_plan(&R->m, all, R->m.n, R->arch, &needs);
	free(plan);
	free(all);
	if (o->guest.mem_mb && o->guest.mem_mb < needs.mem_mb) {
		error("--memory %ldM is less than the %ld MiB the matrix needs (its largest case and hugetlb pages); "
		      "give at least that or drop --memory", o->guest.mem_mb, needs.mem_mb);
		return EXIT_USAGE;
	}
	for (int i = 0; i < o->kernels.n; i++) {
		char *gt = xasprintf("%s/gup_test", K[i].e.dir);
		int have = file_exists(gt);

		free(gt);
		if (needs.selftest && !have) {
			error("kernel '%s' has no gup_test selftest binary; drop \"selftest\" from the matrix",
			      K[i].name);
			return EXIT_USAGE;
		}
		if (needs.numa_nodes > 1 && !kcache_config_has(&K[i].e, R->arch->numa_config)) {
			error("the matrix names NUMA node %d but kernel '%s' lacks CONFIG_%s",
			      needs.numa_nodes - 1, K[i].name, R->arch->numa_config);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* The arch's static bench, refused when it was built for another arch. */
static int find_bench(struct runner *R)
{
	const struct arch_info *other;
	int m;

	R->bench = data_path(R->arch->bench_path);
	if (!file_exists(R->bench)) {
		if (arch_cross_prefix(R->arch)[0])
			error("the %s guest bench '%s' is missing; run 'make' with %sgcc and the static %s jansson and "
			      "numa libraries installed ('make deps': %s)", R->arch->name, R->bench,
			      arch_cross_prefix(R->arch), R->arch->name, R->arch->deb_cross_gcc);
		else
			error("the guest bench '%s' is missing; run 'make'", R->bench);
		return EXIT_ENV;
	}
	m = arch_elf_machine(R->bench);
	if (m != R->arch->elf_machine) {
		other = arch_by_elf_machine(m);
		error("the guest bench '%s' is %s, not %s like the kernels; rebuild it with 'make'", R->bench,
		      other ? other->name : "not an executable of a known arch", R->arch->name);
		return EXIT_USAGE;
	}
	return 0;
}

/* QEMU and the guest bench. 0 or EXIT_ENV (EXIT_USAGE: a bench of another arch). */
static int find_tools(struct runner *R)
{
	R->qemu = xstrdup(qemu_binary(R->arch->name));
	if (!have_program(R->qemu)) {
		error("'%s' is not installed; run 'make deps' (Debian: %s)", R->qemu, R->arch->deb_qemu);
		return EXIT_ENV;
	}
	return find_bench(R);
}

/* A new run's directory and run.json. */
static void make_run_dir(struct runner *R, const struct run_opts *o)
{
	char *root = runs_root(o->db_path), *rj, *p, uuid[37];

	uuid_v4(uuid);
	R->uuid = xstrdup(uuid);
	R->run_dir = xasprintf("%s/%s", root, R->uuid);
	free(root);
	if (mkdir_p(R->run_dir, 0755))
		die(EXIT_IO, "cannot create run directory '%s': %s", R->run_dir, strerror(errno));
	rj = json_run_file(o);
	p = xasprintf("%s/run.json", R->run_dir);
	if (write_file_atomic(p, rj, strlen(rj)))
		die(EXIT_IO, "cannot write '%s': %s", p, strerror(errno));
	free(p);
	free(rj);
}

/* The run's noise controls and guest settings (runs.noise): what compare
 * needs to tell like from unlike. */
static char *noise_json(const struct runner *R)
{
	json_t *j = json_object();
	char *s;

	json_object_set_new(j, "guest_fifo", json_integer(R->m.n ? R->m.cases[0].fifo : 0));
	json_object_set_new(j, "vcpu_pinning", json_boolean(boot_pin_wanted(R)));
	json_object_set_new(j, "accel", json_string(R->accel));
	json_object_set_new(j, "clock", json_string(R->clock));
	json_object_set_new(j, "guest", guest_json(&R->guest));
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	return s;
}

/* The run row: a new one, or the resumed one set running again. */
static void record_run(struct runner *R, const struct run_opts *o, int argc, char **argv)
{
	char **full, *cmdline, *qv, *noise;

	if (o->resume) {
		db_run_set_status(R->db, R->run_id, "running");
		return;
	}
	full = xcalloc((size_t)argc + 2, sizeof(*full));
	full[0] = "gupharness";
	for (int i = 0; i < argc; i++)
		full[i + 1] = argv[i];
	cmdline = argv_to_string(full);
	free(full);
	qv = qemu_version(R->qemu);
	noise = noise_json(R);
	R->run_id = db_run_create(R->db, &(struct db_run_info){
		.uuid = R->uuid, .label = o->label, .matrix_name = R->m.name, .matrix_json = R->m.text,
		.cmdline = cmdline, .run_dir = R->run_dir, .accel = R->accel, .noise_json = noise,
		.host_id = db_host_current(R->db, qv ? qv : "unknown"),
	});
	free(noise);
	free(qv);
	free(cmdline);
	if (R->run_id < 0)
		die(EXIT_DB, "cannot record the run in '%s'", o->db_path);
}

/* Every boot of every kernel over the shard's missing cases; the run's status. */
static void run_boots(struct runner *R, const struct run_opts *o, struct kernel_ctx *K, int shard_k, int shard_n)
{
	size_t lo, hi, *idx;

	/* plan every boot first so that progress knows the total */
	run_shard_range(R->m.n, shard_k, shard_n, &lo, &hi);
	idx = xcalloc(R->m.n + 1, sizeof(*idx));
	for (int i = 0; i < o->kernels.n; i++)
		for (int b = 0; b < o->repeat_boots; b++)
			R->total += boot_cases_to_run(R, K[i].id, b, lo, hi, idx);
	R->t0 = now_monotonic();
	for (int i = 0; i < o->kernels.n && !spawn_interrupted(); i++)
		for (int b = 0; b < o->repeat_boots && !spawn_interrupted(); b++) {
			size_t n = boot_cases_to_run(R, K[i].id, b, lo, hi, idx);

			if (n)
				boot_once(R, &K[i], b, idx, n);
		}
	free(idx);
	if (spawn_interrupted()) {
		db_event_add(R->db, R->run_id, 0, 0, "interrupted", NULL,
			     "run interrupted; finish it with 'gupharness run --resume'", NULL);
		R->incomplete = 1;
	}
	db_run_set_status(R->db, R->run_id, R->incomplete ? "incomplete" : "complete");
}

/* Everything the run needs, checked before anything is stored: the matrix
 * (or the run being resumed), the shard, the cases, the kernels, the tools. */
static int prepare(struct runner *R, struct run_opts *o, struct kernel_ctx *K, json_t **resume_doc,
		   int *shard_k, int *shard_n)
{
	char err[512];
	int rc;

	if (!o->resume && matrix_load(o->matrix_path, o->max_cases, &R->m, err, sizeof(err))) {
		fprintf(stderr, "gupharness: %s\n", err);
		return EXIT_USAGE;
	}
	R->db = db_open(o->db_path, 0);
	if (o->resume && load_resume(R, o, resume_doc))
		return EXIT_USAGE;
	if (o->shard && run_parse_shard(o->shard, shard_k, shard_n))
		return error("--shard '%s': expected K/N with 1 <= K <= N", o->shard), EXIT_USAGE;
	if (o->cases.n && matrix_select(&R->m, o->cases.v, (size_t)o->cases.n, err, sizeof(err))) {
		fprintf(stderr, "gupharness: %s\n", err);
		return EXIT_USAGE;
	}
	if ((rc = load_kernels(R, o, K)) || (rc = check_cases(R, o, K)) || (rc = find_tools(R)))
		return rc;
	return 0;
}

static void runner_free(struct runner *R, const struct run_opts *o, struct kernel_ctx *K)
{
	for (int i = 0; i < o->kernels.n; i++)
		if (K[i].e.name)
			kernel_entry_free(&K[i].e);
	for (size_t i = 0; i < R->nrows; i++) {
		free(R->rows[i].kernel);
		free(R->rows[i].id);
		free(R->rows[i].status);
	}
	free(R->rows);
	matrix_free(&R->m);
	if (R->db)
		db_close(R->db);
	free(R->uuid);
	free(R->run_dir);
	free(R->bench);
	free(R->qemu);
}

int run_matrix(struct run_opts *o, int argc, char **argv)
{
	struct runner R = { 0 };
	struct kernel_ctx K[RUN_MAX_KERNELS];
	json_t *resume_doc = NULL;
	int shard_k = 1, shard_n = 1, rc;

	memset(K, 0, sizeof(K));
	/* a closed pipe on stdout/stderr must not kill the harness and orphan QEMU */
	signal(SIGPIPE, SIG_IGN);
	R.timeout = o->timeout;
	R.no_pin = o->no_pin;
	R.guest = o->guest;
	if (!o->db_path)
		o->db_path = default_db_path();
	if ((rc = prepare(&R, o, K, &resume_doc, &shard_k, &shard_n)))
		goto out;
	for (int i = 0; i < o->kernels.n; i++)
		K[i].id = db_kernel_upsert(R.db, K[i].name, K[i].e.meta_json);
	if (!o->resume)
		make_run_dir(&R, o);
	/* held until exit: a run whose harness died shows as interrupted */
	if (runlock_take(R.run_dir) < 0) {
		error(errno == EWOULDBLOCK ? "run %s is still being run by another gupharness (it holds '%s/harness.lock');"
		      " wait for it to finish" : "run %s: cannot lock '%s/harness.lock': %m", R.uuid, R.run_dir);
		rc = errno == EWOULDBLOCK ? EXIT_DB : EXIT_IO;
		goto out;
	}
	if (boot_pick_accel(&R, &K[0], o->accel, o->clock)) {
		rc = R.accel ? EXIT_USAGE : EXIT_ENV;
		goto out;
	}
	/* after the accelerator and clock are known: the recovered boots were timed with them */
	if (o->resume)
		boot_recover_streams(&R, K, o->kernels.n, o->repeat_boots);
	record_run(&R, o, argc, argv);
	note("run %s: matrix '%s', %zu cases, %d kernel(s), %d boot(s) each, %s, %s clock; %s", R.uuid,
	     R.m.name, R.m.n, o->kernels.n, o->repeat_boots, R.accel, R.clock, R.run_dir);
	run_boots(&R, o, K, shard_k, shard_n);
	print_summary(&R);
	if (R.incomplete)
		note("run %s incomplete after %.1f s; finish it with 'gupharness run --resume %s --db %s'",
		     R.uuid, now_monotonic() - R.t0, R.uuid, o->db_path);
	else
		note("run %s complete in %.1f s", R.uuid, now_monotonic() - R.t0);
	rc = spawn_interrupted() ? EXIT_INTERRUPTED : R.faults ? EXIT_GUEST : R.incomplete ? EXIT_FAIL : EXIT_OK;
out:
	runner_free(&R, o, K);
	json_decref(resume_doc);
	return rc;
}
