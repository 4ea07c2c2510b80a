/*
 * dbcmd: `gupharness db list|import|export|merge|check`, the database's
 * housekeeping. import brings in a results stream or a bench --json
 * document made outside the harness (bare metal); export writes samples as
 * CSV or JSON with filters; merge copies another machine's database without
 * duplicates, keyed by runs.uuid and boots.stream_sha so provenance (hosts,
 * uuids, events) survives; check runs SQLite's integrity and foreign-key
 * checks. Each action is one transaction; listings go to stdout, progress
 * to stderr.
 */
#include "commands.h"
#include "db.h"
#include "ingest.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Options shared by the db subcommands; each action says which it takes. */
struct db_args {
	const char *db, *kernel, *label, *run, *kase, *format;
	const char *pos[2];
	int npos;
};

enum { O_DB = 1, O_KERNEL = 2, O_LABEL = 4, O_RUN = 8, O_CASE = 16, O_FORMAT = 32 };

static const struct db_option {
	const char *name;
	int bit;
	size_t off;
	const char *arg;
} db_options[] = {
	{ "--db",     O_DB,     offsetof(struct db_args, db),     "FILE" },
	{ "--kernel", O_KERNEL, offsetof(struct db_args, kernel), "NAME" },
	{ "--label",  O_LABEL,  offsetof(struct db_args, label),  "LABEL" },
	{ "--run",    O_RUN,    offsetof(struct db_args, run),    "ID" },
	{ "--case",   O_CASE,   offsetof(struct db_args, kase),   "KEY|ID" },
	{ "--format", O_FORMAT, offsetof(struct db_args, format), "csv|json" },
};

static int parse(int argc, char **argv, int allowed, int npos, const char *usage, struct db_args *a)
{
	for (int i = 1; i < argc; i++) {
		const struct db_option *o = NULL;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: gupharness db %s\n", usage);
			exit(EXIT_OK);
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			if (a->npos == npos)
				return error("unexpected argument '%s'; usage: gupharness db %s", argv[i], usage);
			a->pos[a->npos++] = argv[i];
			continue;
		}
		for (size_t k = 0; k < sizeof(db_options) / sizeof(db_options[0]); k++)
			if ((db_options[k].bit & allowed) && !strcmp(argv[i], db_options[k].name))
				o = &db_options[k];
		if (!o)
			return error("unknown option '%s'; usage: gupharness db %s", argv[i], usage);
		if (i + 1 >= argc)
			return error("option '%s' needs a value (%s)", o->name, o->arg);
		*(const char **)((char *)a + o->off) = argv[++i];
	}
	if (a->npos != npos)
		return error("usage: gupharness db %s", usage);
	return 0;
}

static const char *dbpath(const struct db_args *a)
{
	return a->db ? a->db : default_db_path();
}

/* Print a query's rows as aligned text with a header line. */
static int print_table(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int cols, rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return error("cannot list '%s': %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	cols = sqlite3_column_count(st);
	for (int c = 0; c < cols; c++)
		printf(c ? "  %-10s" : "%-6s", sqlite3_column_name(st, c));
	putchar('\n');
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; c < cols; c++) {
			const unsigned char *t = sqlite3_column_text(st, c);

			printf(c ? "  %-10s" : "%-6s", t ? (const char *)t : "-");
		}
		putchar('\n');
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int db_list(int argc, char **argv)
{
	struct db_args a = { 0 };
	sqlite3 *db;
	int ret;

	if (parse(argc, argv, O_DB, 0, "list [--db FILE]", &a))
		return EXIT_USAGE;
	db = db_open(dbpath(&a), DB_READONLY);
	printf("runs:\n");
	ret = print_table(db,
		"SELECT '#' || r.id AS run, coalesce(r.label, '-') AS label, r.status, r.started,"
		" coalesce(r.accel, '-') AS accel,"
		" (SELECT group_concat(DISTINCT k.name) FROM boots b JOIN kernels k ON k.id = b.kernel_id"
		"  WHERE b.run_id = r.id) AS kernels,"
		" (SELECT count(*) FROM boots b WHERE b.run_id = r.id) AS boots,"
		" (SELECT count(*) FROM cases c JOIN boots b ON b.id = c.boot_id WHERE b.run_id = r.id) AS cases"
		" FROM runs r ORDER BY r.id");
	printf("\nkernels:\n");
	ret |= print_table(db,
		"SELECT k.name AS kernel, coalesce(k.release, '-') AS release, coalesce(k.series, '-') AS series,"
		" (SELECT count(DISTINCT b.run_id) FROM boots b WHERE b.kernel_id = k.id) AS runs"
		" FROM kernels k ORDER BY k.name");
	db_close(db);
	return ret ? EXIT_DB : EXIT_OK;
}

/* A kernel name for an import: --kernel, else the release the env reports. */
static char *import_kernel_name(const char *buf, size_t len, const char *given)
{
	const char *nl = memchr(buf, '\n', len);
	json_t *j = json_loadb(buf, nl ? (size_t)(nl - buf) : len, 0, NULL), *env;
	const char *rel;
	char *name = NULL;

	if (given)
		return xstrdup(given);
	if (!j)     /* a pretty-printed --json document: parse it whole */
		j = json_loadb(buf, len, 0, NULL);
	env = json_object_get(j, "env") ? json_object_get(j, "env") : j;
	rel = json_string_value(json_object_get(env, "release"));
	if (rel)
		name = xasprintf("linux-%s", rel);
	json_decref(j);
	return name;
}

static int db_import(int argc, char **argv)
{
	struct db_args a = { 0 };
	struct ingest_result res;
	struct ingest_ctx ctx = { 0 };
	struct db_run_info ri = { 0 };
	char *buf, *kname, *cmdline;
	size_t len;
	sqlite3 *db;
	int64_t kid, hid, rid;
	int ret = EXIT_DB;

	if (parse(argc, argv, O_DB | O_KERNEL | O_LABEL, 1, "import FILE [--kernel NAME] [--label LABEL] [--db FILE]", &a))
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
	/* One transaction: a duplicate or a bad stream leaves no run row behind. */
	if (db_begin(db))
		goto out;
	kid = db_kernel_upsert(db, kname, NULL);
	hid = db_host_current(db, "");
	ri = (struct db_run_info){ .label = a.label, .cmdline = cmdline, .run_dir = a.pos[0],
				   .accel = "imported", .host_id = hid };
	rid = kid > 0 && hid > 0 ? db_run_create(db, &ri) : -1;
	if (rid <= 0) {
		db_rollback(db);
		goto out;
	}
	ctx = (struct ingest_ctx){ .run_id = rid, .kernel_id = kid, .accel = "imported" };
	if (ingest_stream(db, &ctx, buf, len, 0, &res)) {
		db_rollback(db);
		error("'%s' rejected, nothing stored: %s", a.pos[0], res.err);
		ret = EXIT_USAGE;
		goto out;
	}
	if (res.duplicate) {
		db_rollback(db);
		note("'%s' is already stored (boot #%lld); nothing to do", a.pos[0], (long long)res.boot_id);
		ingest_result_free(&res);
		ret = EXIT_OK;
		goto out;
	}
	if (db_run_set_status(db, rid, res.have_end ? "complete" : "incomplete") || db_commit(db)) {
		db_rollback(db);
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

static const char export_sql[] =
	"SELECT r.id AS run_id, r.uuid AS run_uuid, r.label, k.name AS kernel, b.id AS boot_id,"
	" b.boot_index, c.case_id, c.key, c.cmd, c.status, s.idx, s.get_us, s.put_us, s.truncated, s.warmup"
	" FROM samples s JOIN cases c ON c.id = s.case_id JOIN boots b ON b.id = c.boot_id"
	" JOIN runs r ON r.id = b.run_id JOIN kernels k ON k.id = b.kernel_id"
	" WHERE (?1 IS NULL OR k.name = ?1) AND (?2 IS NULL OR r.id = CAST(ltrim(?2, '#') AS INTEGER))"
	" AND (?3 IS NULL OR c.key = ?3 OR c.case_id = ?3)"
	" ORDER BY r.id, b.id, c.id, s.idx";

static void csv_cell(const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void export_csv_row(sqlite3_stmt *st, int cols, int header)
{
	for (int c = 0; c < cols; c++) {
		const unsigned char *t = header ? (const unsigned char *)sqlite3_column_name(st, c) :
				       sqlite3_column_text(st, c);

		if (c)
			putchar(',');
		if (t)
			csv_cell((const char *)t);
	}
	putchar('\n');
}

static void export_json_row(sqlite3_stmt *st, int cols, int first)
{
	json_t *o = json_object();
	char *text;

	for (int c = 0; c < cols; c++) {
		json_t *v;

		switch (sqlite3_column_type(st, c)) {
		case SQLITE_INTEGER:
			v = json_integer(sqlite3_column_int64(st, c));
			break;
		case SQLITE_FLOAT:
			v = json_real(sqlite3_column_double(st, c));
			break;
		case SQLITE_NULL:
			v = json_null();
			break;
		default:
			v = json_string((const char *)sqlite3_column_text(st, c));
		}
		json_object_set_new(o, sqlite3_column_name(st, c), v);
	}
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	printf("%s%s", first ? "[\n" : ",\n", text);
	free(text);
	json_decref(o);
}

static int db_export(int argc, char **argv)
{
	struct db_args a = { .format = "csv" };
	sqlite3_stmt *st;
	sqlite3 *db;
	int cols, rc, rows = 0, json;

	if (parse(argc, argv, O_DB | O_KERNEL | O_RUN | O_CASE | O_FORMAT, 0,
		  "export [--format csv|json] [--kernel NAME] [--run ID] [--case KEY|ID] [--db FILE]", &a))
		return EXIT_USAGE;
	if (strcmp(a.format, "csv") && strcmp(a.format, "json")) {
		error("unknown export format '%s'; known: csv, json", a.format);
		return EXIT_USAGE;
	}
	json = !strcmp(a.format, "json");
	db = db_open(dbpath(&a), DB_READONLY);
	if (sqlite3_prepare_v2(db, export_sql, -1, &st, NULL) != SQLITE_OK) {
		error("cannot export from '%s': %s", dbpath(&a), sqlite3_errmsg(db));
		db_close(db);
		return EXIT_DB;
	}
	sqlite3_bind_text(st, 1, a.kernel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a.run, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a.kase, -1, SQLITE_STATIC);
	cols = sqlite3_column_count(st);
	if (!json)
		export_csv_row(st, cols, 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (json)
			export_json_row(st, cols, rows == 0);
		else
			export_csv_row(st, cols, 0);
		rows++;
	}
	if (json)
		printf(rows ? "\n]\n" : "[]\n");
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		error("export from '%s' stopped: %s", dbpath(&a), sqlite3_errmsg(db));
	db_close(db);
	if (fflush(stdout))
		die(EXIT_IO, "cannot write the export to stdout");
	note("exported %d samples", rows);
	return rc == SQLITE_DONE ? EXIT_OK : EXIT_DB;
}

/*
 * Merge steps, in dependency order. Identity across machines: kernels by
 * name, hosts by (hostname, cpu, qemu), runs by uuid, boots by stream_sha,
 * cases by (boot, case_id). merge_boots/merge_runs hold what is new.
 */
static const struct merge_step {
	const char *what;        /* counted in the summary when non-NULL */
	const char *sql;
} merge_steps[] = {
	{ NULL, "CREATE TEMP TABLE merge_runs AS SELECT uuid FROM other.runs"
		" WHERE uuid NOT IN (SELECT uuid FROM main.runs)" },
	{ NULL, "CREATE TEMP TABLE merge_boots AS SELECT id AS old_id, stream_sha FROM other.boots"
		" WHERE stream_sha NOT IN (SELECT stream_sha FROM main.boots)" },
	{ "kernels", "INSERT INTO main.kernels (name, release, source, series, cache_key, config_hash, arch,"
		" compiler, build_seconds, meta) SELECT name, release, source, series, cache_key, config_hash,"
		" arch, compiler, build_seconds, meta FROM other.kernels WHERE true"
		" ON CONFLICT (name) DO NOTHING" },
	{ "hosts", "INSERT INTO main.hosts (hostname, cpu_model, ncpus, qemu_version)"
		" SELECT hostname, cpu_model, ncpus, qemu_version FROM other.hosts WHERE true"
		" ON CONFLICT (hostname, cpu_model, qemu_version) DO NOTHING" },
	{ "runs", "INSERT INTO main.runs (uuid, label, host_id, started, ended, status, matrix_name, matrix,"
		" tool_version, cmdline, run_dir, accel, noise)"
		" SELECT r.uuid, r.label, (SELECT mh.id FROM main.hosts mh WHERE mh.hostname = h.hostname"
		"  AND mh.cpu_model = h.cpu_model AND mh.qemu_version = h.qemu_version),"
		" r.started, r.ended, r.status, r.matrix_name, r.matrix, r.tool_version, r.cmdline, r.run_dir,"
		" r.accel, r.noise FROM other.runs r LEFT JOIN other.hosts h ON h.id = r.host_id"
		" WHERE r.uuid IN (SELECT uuid FROM temp.merge_runs) ORDER BY r.id" },
	{ "boots", "INSERT INTO main.boots (run_id, kernel_id, boot_index, stream_sha, accel, started, ended,"
		" status, guest_release, guest_cmdline, guest_env)"
		" SELECT (SELECT mr.id FROM main.runs mr JOIN other.runs r ON r.uuid = mr.uuid WHERE r.id = b.run_id),"
		" (SELECT mk.id FROM main.kernels mk JOIN other.kernels k ON k.name = mk.name WHERE k.id = b.kernel_id),"
		" b.boot_index, b.stream_sha, b.accel, b.started, b.ended, b.status, b.guest_release,"
		" b.guest_cmdline, b.guest_env FROM other.boots b JOIN temp.merge_boots mb ON mb.old_id = b.id"
		" ORDER BY b.id" },
	{ "cases", "INSERT INTO main.cases (boot_id, case_id, key, cmd, size_mb, nr_pages, thp, hugetlb_kb,"
		" write, shared, numa_node, threads, file, repeats, warmup, status, reason, argv, params)"
		" SELECT nb.id, c.case_id, c.key, c.cmd, c.size_mb, c.nr_pages, c.thp, c.hugetlb_kb, c.write,"
		" c.shared, c.numa_node, c.threads, c.file, c.repeats, c.warmup, c.status, c.reason, c.argv,"
		" c.params FROM other.cases c JOIN temp.merge_boots mb ON mb.old_id = c.boot_id"
		" JOIN main.boots nb ON nb.stream_sha = mb.stream_sha ORDER BY c.id" },
	{ "samples", "INSERT INTO main.samples (case_id, idx, get_us, put_us, truncated, warmup)"
		" SELECT nc.id, s.idx, s.get_us, s.put_us, s.truncated, s.warmup FROM other.samples s"
		" JOIN other.cases c ON c.id = s.case_id JOIN temp.merge_boots mb ON mb.old_id = c.boot_id"
		" JOIN main.boots nb ON nb.stream_sha = mb.stream_sha"
		" JOIN main.cases nc ON nc.boot_id = nb.id AND nc.case_id = c.case_id" },
	{ "events", "INSERT INTO main.events (run_id, boot_id, kernel_id, kind, case_id, message, excerpt, at)"
		" SELECT (SELECT mr.id FROM main.runs mr JOIN other.runs r ON r.uuid = mr.uuid WHERE r.id = e.run_id),"
		" (SELECT nb.id FROM main.boots nb JOIN other.boots b ON b.stream_sha = nb.stream_sha WHERE b.id = e.boot_id),"
		" (SELECT mk.id FROM main.kernels mk JOIN other.kernels k ON k.name = mk.name WHERE k.id = e.kernel_id),"
		" e.kind, e.case_id, e.message, e.excerpt, e.at FROM other.events e"
		" LEFT JOIN other.runs r ON r.id = e.run_id"
		" WHERE (e.run_id IS NOT NULL AND r.uuid IN (SELECT uuid FROM temp.merge_runs))"
		" OR (e.run_id IS NULL AND NOT EXISTS (SELECT 1 FROM main.events me WHERE me.run_id IS NULL"
		"  AND me.kind = e.kind AND me.message = e.message AND me.at = e.at))" },
	{ NULL, "DROP TABLE temp.merge_runs" },
	{ NULL, "DROP TABLE temp.merge_boots" },
};

static int db_merge(int argc, char **argv)
{
	struct db_args a = { 0 };
	sqlite3 *db, *other;
	sqlite3_stmt *st;
	char summary[512] = "";
	size_t off = 0;

	if (parse(argc, argv, O_DB, 1, "merge OTHER.db [--db FILE]", &a))
		return EXIT_USAGE;
	/* Opening it read-only first refuses a newer, foreign or corrupt file with the usual message. */
	other = db_open(a.pos[0], DB_READONLY);
	db_close(other);
	db = db_open(dbpath(&a), 0);
	if (sqlite3_prepare_v2(db, "ATTACH ?1 AS other", -1, &st, NULL) != SQLITE_OK) {
		error("cannot attach '%s': %s", a.pos[0], sqlite3_errmsg(db));
		db_close(db);
		return EXIT_DB;
	}
	sqlite3_bind_text(st, 1, a.pos[0], -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		error("cannot attach '%s': %s", a.pos[0], sqlite3_errmsg(db));
		sqlite3_finalize(st);
		db_close(db);
		return EXIT_DB;
	}
	sqlite3_finalize(st);
	if (db_begin(db)) {
		db_close(db);
		return EXIT_DB;
	}
	for (size_t i = 0; i < sizeof(merge_steps) / sizeof(merge_steps[0]); i++) {
		const struct merge_step *m = &merge_steps[i];

		if (sqlite3_prepare_v2(db, m->sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
			error("merge of '%s' failed at %s, nothing changed: %s", a.pos[0], m->what ? m->what : "setup",
			      sqlite3_errmsg(db));
			sqlite3_finalize(st);
			db_rollback(db);
			db_close(db);
			return EXIT_DB;
		}
		sqlite3_finalize(st);
		if (m->what && off < sizeof(summary))
			off += (size_t)snprintf(summary + off, sizeof(summary) - off, "%s%d %s", off ? ", " : "",
						sqlite3_changes(db), m->what);
	}
	if (db_commit(db)) {
		db_rollback(db);
		db_close(db);
		return EXIT_DB;
	}
	printf("merged '%s' into '%s': new %s\n", a.pos[0], dbpath(&a), summary);
	db_close(db);
	return EXIT_OK;
}

/* Each check prints what it finds; a row from any of them is a failure. */
static const struct db_check {
	const char *what, *sql, *ok_row;
} db_checks[] = {
	{ "integrity", "PRAGMA integrity_check", "ok" },
	{ "foreign keys", "SELECT \"table\" || ' row ' || rowid || ' -> ' || parent FROM pragma_foreign_key_check", NULL },
	{ "boot without cases", "SELECT 'boot #' || b.id || ' (' || b.status || ')' FROM boots b"
	  " WHERE b.status = 'complete' AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.boot_id = b.id)", NULL },
	{ "run still running", "SELECT 'run #' || id || ' started ' || started FROM runs WHERE status = 'running'", NULL },
};

static int db_check(int argc, char **argv)
{
	struct db_args a = { 0 };
	sqlite3 *db;
	int bad = 0;

	if (parse(argc, argv, O_DB, 0, "check [--db FILE]", &a))
		return EXIT_USAGE;
	db = db_open(dbpath(&a), DB_READONLY);
	for (size_t i = 0; i < sizeof(db_checks) / sizeof(db_checks[0]); i++) {
		const struct db_check *c = &db_checks[i];
		sqlite3_stmt *st;
		int found = 0, rc;

		if (sqlite3_prepare_v2(db, c->sql, -1, &st, NULL) != SQLITE_OK) {
			printf("%s: cannot check: %s\n", c->what, sqlite3_errmsg(db));
			bad++;
			continue;
		}
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st, 0);

			if (c->ok_row && t && !strcmp(t, c->ok_row))
				continue;
			printf("%s: %s\n", c->what, t ? t : "?");
			found++;
		}
		if (rc != SQLITE_DONE) {
			printf("%s: %s\n", c->what, sqlite3_errmsg(db));
			found++;
		}
		sqlite3_finalize(st);
		/* A run left 'running' is a warning (a crashed harness), not corruption. */
		if (i < 2)
			bad += found;
		if (!found)
			printf("%s: ok\n", c->what);
	}
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
	{ "list",   db_list,   "runs and kernels in the database" },
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
	fprintf(stderr, "usage: gupharness db <action> [<args>]\n\nactions:\n");
	for (size_t i = 0; i < sizeof(db_actions) / sizeof(db_actions[0]); i++)
		fprintf(stderr, "   %-7s %s\n", db_actions[i].name, db_actions[i].summary);
	if (argc >= 2 && strcmp(argv[1], "--help"))
		error("'%s' is not a db action", argv[1]);
	return argc >= 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
}
