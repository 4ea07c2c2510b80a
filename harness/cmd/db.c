/*
 * cmd/db: `gupharness db list|import|export|merge|check`, the database's
 * housekeeping. import brings in a results stream or a bench --json
 * document made outside the harness (bare metal); export writes samples as
 * CSV or JSON with filters; merge copies another machine's database without
 * duplicates, keyed by runs.uuid and boots.stream_sha so provenance (hosts,
 * uuids, events) survives; check runs SQLite's integrity and foreign-key
 * checks. Each action is one transaction; listings go to stdout, progress
 * to stderr. The queries and the import transaction live in
 * results/housekeeping.c; this file parses
 * the options (one opt.c table) and formats the rows results hands it.
 */
#include "harness/cmd/commands.h"
#include "results/db.h"
#include "results/housekeeping.h"
#include "results/ingest.h"
#include "lib/opt.h"
#include "harness/guest/runlock.h"
#include "lib/util.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Options shared by the db subcommands; each action says which it takes. */
struct db_args {
	const char *db, *kernel, *label, *run, *kase, *format, *clock;
	const char *pos[2];
	int npos;
};

enum { O_DB = 1, O_KERNEL = 2, O_LABEL = 4, O_RUN = 8, O_CASE = 16, O_FORMAT = 32, O_CLOCK = 64 };

static const struct opt db_options[] = {
	{ "--db",     "FILE",     offsetof(struct db_args, db),     NULL, "database", DB_DEFAULT_HELP, O_DB },
	{ "--kernel", "NAME",     offsetof(struct db_args, kernel), NULL, "kernel name", NULL, O_KERNEL },
	{ "--label",  "LABEL",    offsetof(struct db_args, label),  NULL, "a name for the imported run", NULL, O_LABEL },
	{ "--run",    "ID",       offsetof(struct db_args, run),    NULL, "only this run (12 or #12)", NULL, O_RUN },
	{ "--case",   "KEY|ID",   offsetof(struct db_args, kase),   NULL, "only this case key or plan id", NULL, O_CASE },
	{ "--format", "csv|json", offsetof(struct db_args, format), NULL, "output format", "csv", O_FORMAT },
	{ "--clock",  "wall|icount", offsetof(struct db_args, clock), opt_set_recorded_clock,
	  "how the imported stream's guest counted time (run --clock)", "wall", O_CLOCK },
};

/* Each action's example lines for its --help. */
static const char *example(const char *action)
{
	static const struct { const char *action, *lines; } ex[] = {
		{ "list", "   gupharness db list\n   gupharness db list --db night.db\n" },
		{ "import", "   gupharness db import gupbench.jsonl --kernel linux-6.12-baremetal --label host-a\n" },
		{ "export", "   gupharness db export --kernel linux-6.12 --format json >samples.json\n" },
		{ "merge", "   gupharness db merge other-host.db\n" },
		{ "check", "   gupharness db check\n" },
	};

	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
		if (!strcmp(ex[i].action, action))
			return ex[i].lines;
	return "";
}

/* Options (those in allowed) and exactly npos positionals; usage is the action's synopsis. */
static int parse(int argc, char **argv, unsigned allowed, int npos, const char *usage, struct db_args *a)
{
	const struct opt_table t = { "db", db_options, sizeof(db_options) / sizeof(db_options[0]), allowed };

	a->npos = opt_parse(&t, argc, argv, a, a->pos, npos);
	if (a->npos == OPT_HELP) {
		printf("usage: gupharness db %s\n\noptions:\n", usage);
		opt_help(stdout, &t);
		printf("\nexamples:\n%s", example(argv[0]));
		exit(EXIT_OK);
	}
	if (a->npos < 0)
		return -1;
	if (a->npos != npos)
		return error("usage: gupharness db %s", usage);
	return 0;
}

static const char *dbpath(const struct db_args *a)
{
	return a->db ? a->db : default_db_path();
}

/* A listing's rows as aligned text with a header line. */
static void table_row(const struct db_row *row, long index, void *arg)
{
	(void)arg;
	for (int c = 0; c < row->ncols; c++) {
		const char *t = index < 0 ? row->names[c] : row->cells[c].text;

		printf(c ? "  %-10s" : "%-6s", t ? t : "-");
	}
	putchar('\n');
}

/*
 * The runs listing: the last column (run_dir) is not shown but says whether
 * a 'running' run still has a live harness (runlock.h); one that has none
 * was interrupted and is shown so, with --resume as the way on.
 */
static void runs_row(const struct db_row *row, long index, void *arg)
{
	int cols = row->ncols - 1;
	const char *dir = index < 0 ? NULL : row->cells[cols].text;

	(void)arg;
	for (int c = 0; c < cols; c++) {
		const char *name = row->names[c];
		const char *t = index < 0 ? name : row->cells[c].text;

		if (index >= 0 && !strcmp(name, "status") && t && !strcmp(t, "running") &&
		    runlock_state(dir) != RUNLOCK_ALIVE)
			t = "interrupted";
		printf(c ? "  %-10s" : "%-6s", t ? t : "-");
	}
	putchar('\n');
}

static int db_list_cmd(int argc, char **argv)
{
	struct db_args a = { 0 };
	sqlite3 *db;
	int ret;

	if (parse(argc, argv, O_DB, 0, "list [--db FILE]", &a))
		return EXIT_USAGE;
	db = db_open(dbpath(&a), DB_READONLY);
	printf("runs:\n");
	ret = db_list(db, DB_LIST_RUNS, runs_row, NULL);
	printf("\nkernels:\n");
	ret |= db_list(db, DB_LIST_KERNELS, table_row, NULL);
	db_close(db);
	return ret ? EXIT_DB : EXIT_OK;
}

/* A kernel name for an import: --kernel, else the release the env reports. */
static char *import_kernel_name(const char *buf, size_t len, const char *given)
{
	const char *nl = memchr(buf, '\n', len);
	json_t *j, *env;
	const char *rel;
	char *name = NULL;

	if (given)
		return xstrdup(given);
	j = json_loadb(buf, nl ? (size_t)(nl - buf) : len, 0, NULL);
	if (!j)     /* a pretty-printed --json document: parse it whole */
		j = json_loadb(buf, len, 0, NULL);
	env = json_object_get(j, "env") ? json_object_get(j, "env") : j;
	rel = json_string_value(json_object_get(env, "release"));
	if (rel)
		name = xasprintf("linux-%s", rel);
	json_decref(j);
	return name;
}

/* A stream already stored: fine under the same kernel, an error under another. */
static int import_duplicate(sqlite3 *db, const struct db_args *a, int64_t kid, const struct ingest_result *res)
{
	char *stored;

	if (res->dup_kernel_id == kid) {
		note("'%s' is already stored (boot #%lld); nothing to do", a->pos[0], (long long)res->boot_id);
		return EXIT_OK;
	}
	stored = db_kernel_name(db, res->dup_kernel_id);
	error("'%s' is already stored as boot #%lld of kernel '%s', not '%s'; nothing stored: the same stream"
	      " cannot have measured two kernels (drop --kernel, or remove that run first)", a->pos[0],
	      (long long)res->boot_id, stored ? stored : "?", a->kernel ? a->kernel : "?");
	free(stored);
	return EXIT_USAGE;
}

static int db_import(int argc, char **argv)
{
	struct db_args a = { 0 };
	struct ingest_result res;
	struct db_import im;
	char *buf, *kname, *cmdline;
	size_t len;
	sqlite3 *db;
	int64_t kid, rid;
	int ret;

	if (parse(argc, argv, O_DB | O_KERNEL | O_LABEL | O_CLOCK, 1,
		  "import FILE [--kernel NAME] [--label LABEL] [--clock wall|icount] [--db FILE]", &a))
		return EXIT_USAGE;
	if (!(buf = read_file(a.pos[0], &len))) {
		error("cannot read '%s': %s", a.pos[0], strerror(errno));
		return errno == ENOENT ? EXIT_USAGE : EXIT_IO;
	}
	if (!(kname = import_kernel_name(buf, len, a.kernel))) {
		error("'%s' does not say which kernel it measured; pass --kernel NAME", a.pos[0]);
		free(buf);
		return EXIT_USAGE;
	}
	db = db_open(dbpath(&a), 0);
	cmdline = xasprintf("gupharness db import %s", a.pos[0]);
	im = (struct db_import){ .path = a.pos[0], .db_path = dbpath(&a), .kernel = kname, .label = a.label,
				 .clock = a.clock, .cmdline = cmdline };
	if ((ret = db_import_stream(db, &im, buf, len, &rid, &kid, &res)))
		goto out;
	if (res.duplicate) {
		ret = import_duplicate(db, &a, kid, &res);
		ingest_result_free(&res);
		goto out;
	}
	printf("imported '%s' as run #%lld (kernel '%s'): %d cases, %d samples\n", a.pos[0], (long long)rid,
	       kname, res.cases, res.samples);
	ingest_result_free(&res);
	ret = EXIT_OK;
out:
	free(cmdline);
	free(kname);
	free(buf);
	db_close(db);
	return ret;
}

static void export_csv_row(const struct db_row *row, long index, void *arg)
{
	(void)arg;
	for (int c = 0; c < row->ncols; c++) {
		const char *t = index < 0 ? row->names[c] : row->cells[c].text;

		if (c)
			putchar(',');
		if (t)
			csv_quote(stdout, t);
	}
	putchar('\n');
}

static void export_json_row(const struct db_row *row, long index, void *arg)
{
	json_t *o;
	char *text;

	(void)arg;
	if (index < 0)
		return;
	o = json_object();
	for (int c = 0; c < row->ncols; c++) {
		const struct db_cell *x = &row->cells[c];
		json_t *v;

		switch (x->kind) {
		case DB_CELL_INT:
			v = json_integer(x->i);
			break;
		case DB_CELL_REAL:
			v = json_real(x->d);
			break;
		case DB_CELL_NULL:
			v = json_null();
			break;
		default:
			v = json_string(x->text);
		}
		json_object_set_new(o, row->names[c], v);
	}
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	printf("%s%s", index == 0 ? "[\n" : ",\n", text);
	free(text);
	json_decref(o);
}

static int db_export(int argc, char **argv)
{
	struct db_args a = { .format = "csv" };
	sqlite3 *db;
	long rows;
	int json;

	if (parse(argc, argv, O_DB | O_KERNEL | O_RUN | O_CASE | O_FORMAT, 0,
		  "export [--format csv|json] [--kernel NAME] [--run ID] [--case KEY|ID] [--db FILE]", &a))
		return EXIT_USAGE;
	if (strcmp(a.format, "csv") && strcmp(a.format, "json")) {
		error("unknown export format '%s'; known: csv, json", a.format);
		return EXIT_USAGE;
	}
	json = !strcmp(a.format, "json");
	db = db_open(dbpath(&a), DB_READONLY);
	rows = db_export_samples(db, a.kernel, a.run, a.kase, json ? export_json_row : export_csv_row, NULL);
	if (json && rows >= 0)
		printf(rows ? "\n]\n" : "[]\n");
	db_close(db);
	if (fflush(stdout))
		die(EXIT_IO, "cannot write the export to stdout");
	if (rows >= 0)
		note("exported %ld samples", rows);
	return rows >= 0 ? EXIT_OK : EXIT_DB;
}

static int same_file(const char *x, const char *y)
{
	struct stat a, b;

	return stat(x, &a) == 0 && stat(y, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int db_merge(int argc, char **argv)
{
	struct db_args a = { 0 };
	sqlite3 *db, *other;
	char summary[512];

	if (parse(argc, argv, O_DB, 1, "merge OTHER.db [--db FILE]", &a))
		return EXIT_USAGE;
	if (same_file(a.pos[0], dbpath(&a))) {
		error("cannot merge '%s' into itself ('%s' is the same file); give --db another database",
		      a.pos[0], dbpath(&a));
		return EXIT_USAGE;
	}
	/* Opening it read-only first refuses a newer, foreign or corrupt file with the usual message. */
	other = db_open(a.pos[0], DB_READONLY);
	db_close(other);
	db = db_open(dbpath(&a), 0);
	if (db_merge_file(db, a.pos[0], summary, sizeof(summary))) {
		db_close(db);
		return EXIT_DB;
	}
	printf("merged '%s' into '%s': new %s\n", a.pos[0], dbpath(&a), summary);
	db_close(db);
	return EXIT_OK;
}

static void check_line(const char *what, const char *finding, void *arg)
{
	(void)arg;
	printf("%s: %s\n", what, finding ? finding : "ok");
}

static int db_check(int argc, char **argv)
{
	struct db_args a = { 0 };
	sqlite3 *db;
	int bad;

	if (parse(argc, argv, O_DB, 0, "check [--db FILE]", &a))
		return EXIT_USAGE;
	db = db_open(dbpath(&a), DB_READONLY);
	bad = db_check_all(db, check_line, NULL);
	db_close(db);
	if (bad)
		error("'%s' failed its checks; restore a backup or re-import the run directories", dbpath(&a));
	return bad ? EXIT_DB : EXIT_OK;
}

static const struct db_action {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} db_actions[] = {
	{ "list",   db_list_cmd,   "runs and kernels in the database" },
	{ "import", db_import, "store a results stream or bench --json document" },
	{ "export", db_export, "samples as CSV or JSON, filtered by kernel, run, case" },
	{ "merge",  db_merge,  "copy another database in, without duplicates" },
	{ "check",  db_check,  "integrity and foreign-key checks" },
};

int cmd_db(int argc, char **argv)
{
	if (argc >= 2) {
		for (size_t i = 0; i < sizeof(db_actions) / sizeof(db_actions[0]); i++)
			if (!strcmp(argv[1], db_actions[i].name))
				return db_actions[i].fn(argc - 1, argv + 1);
	}
	FILE *f = argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr;

	fprintf(f, "usage: gupharness db <action> [<args>]\n\nactions:\n");
	for (size_t i = 0; i < sizeof(db_actions) / sizeof(db_actions[0]); i++)
		fprintf(f, "   %-7s %s\n", db_actions[i].name, db_actions[i].summary);
	fprintf(f, "\n'gupharness db <action> --help' describes one.\n\nexamples:\n"
		   "   gupharness db list\n   gupharness db export --run 12 >run12.csv\n");
	if (argc >= 2 && strcmp(argv[1], "--help"))
		error("'%s' is not a db action", argv[1]);
	return argc >= 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
}
