/*
 * test_compare: the comparison engine on a database built from synthetic
 * streams with known values: total separation is improved with the exact
 * Mann-Whitney p, an A/A pair regresses nothing, warm-ups are excluded and
 * counted, n < 3 is inconclusive, two boots per side switch the test to
 * per-boot medians, a regression drives the verdict, and every sink writes.
 */
#include "compare.h"
#include "ingest.h"
#include "tap.h"
#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

static sqlite3 *db;
static int64_t kid;

/* The keys the bench derives from the argv ["-m", "1"] and ["-m", "2"]. */
#define KEY_A "-u -m 1 -n 1"
#define KEY_B "-u -m 2 -n 1"

/* One boot: cases "A" (values a[0..n)) and "B" (values b[0..nb)) after one 9999 warm-up. */
static void boot(const char *label, const char *kernel, int bootno, const double *a, int n, const double *b, int nb)
{
	struct db_run_info ri = { .label = label, .accel = "tcg" };
	struct ingest_ctx ctx = { .boot_index = bootno, .accel = "tcg" };
	struct ingest_result r;
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);
	int seq = 0;

	fprintf(m, "{\"type\":\"env\",\"seq\":%d,\"format\":\"gupbench-stream-1\",\"release\":\"%s.%d\"}\n", seq++,
		kernel, bootno);
	for (int c = 0; c < 2; c++) {
		const double *v = c ? b : a;
		int k = c ? nb : n;

		fprintf(m, "{\"type\":\"start\",\"seq\":%d,\"id\":\"%c\"}\n", seq++, 'A' + c);
		fprintf(m, "{\"type\":\"case\",\"seq\":%d,\"id\":\"%c\",\"argv\":[\"-m\",\"%d\"],\"key\":\"%s\","
			"\"status\":\"ok\",\"samples\":[{\"get_us\":9999,\"put_us\":1,\"truncated\":false,\"warmup\":true}",
			seq++, 'A' + c, c + 1, c ? KEY_B : KEY_A);
		for (int i = 0; i < k; i++)
			fprintf(m, ",{\"get_us\":%.0f,\"put_us\":1,\"truncated\":false,\"warmup\":false}", v[i]);
		fprintf(m, "]}\n");
	}
	fprintf(m, "{\"type\":\"end\",\"seq\":%d,\"cases\":2,\"ok\":2,\"skip\":0,\"error\":0}\n", seq);
	fclose(m);
	kid = db_kernel_upsert(db, kernel, NULL);
	ctx.kernel_id = kid;
	ctx.run_id = db_run_create(db, &ri);
	if (ingest_stream(db, &ctx, s, len, 0, &r))
		printf("# ingest failed: %s\n", r.err);
	ingest_result_free(&r);
	free(s);
}

static int run_cmp(const char *b, const char *n, struct compare_result *r)
{
	struct db_selector sb, sn;
	struct compare_opts o = { .metric = "get", .threshold_pct = 5, .boot_noise_pct = 25, .iterations = 2000,
				  .seed = 1 };
	int rc;

	if (db_resolve_selector(db, b, &sb))
		return -1;
	if (db_resolve_selector(db, n, &sn)) {
		db_selector_free(&sb);
		return -1;
	}
	rc = compare_run(db, &sb, &sn, &o, r);
	db_selector_free(&sb);
	db_selector_free(&sn);
	return rc;
}

static const struct cmp_case *find(const struct compare_result *r, const char *key)
{
	for (size_t i = 0; i < r->ncases; i++)
		if (!strcmp(r->cases[i].key, key))
			return &r->cases[i];
	return NULL;
}

int main(void)
{
	char dir[] = "/tmp/test_compare.XXXXXX", *path;
	double slow[10], fast[10], aa1[10], aa2[10], few[2] = { 100, 100 };
	struct compare_result r;
	const struct cmp_case *c;

	tap_plan(49);
	if (!mkdtemp(dir))
		return 1;
	path = xasprintf("%s/c.db", dir);
	db = db_open(path, 0);
	for (int i = 0; i < 10; i++) {
		slow[i] = 91500 + 100 * i;
		fast[i] = 2300 + 50 * i;
		aa1[i] = 1000 + 3 * i;
		aa2[i] = 1001 + 3 * i;
	}
	boot("old", "linux-6.1", 0, slow, 10, aa1, 10);
	boot("new", "linux-6.12", 0, fast, 10, aa2, 10);

	ok(run_cmp("old", "new", &r) == 0, "compare labels");
	is_int(r.ncases, 2, "two keys in common");
	c = find(&r, KEY_A);
	ok(c && c->verdict == CMP_IMPROVED, "THP-like case improved");
	ok(c && c->p < 0.01, "p < 0.01 (%.3g)", c ? c->p : 1.0);
	is_near(c ? c->p : 0, 2.0 / 184756.0, 1e-12, "exact Mann-Whitney p for 10 v 10 separation");
	is_int(c ? c->base.n : 0, 10, "warm-ups excluded from n");
	is_int(c ? c->base.warmups : 0, 1, "warm-ups counted");
	ok(c && !c->per_boot, "single boot: within-boot test");
	ok(c && c->have_ci && c->ci_hi < 0.05, "CI of ratio below 0.05");
	is_near(c ? c->pct_change : 0, 100.0 * ((2300 + 50 * 4.5) / (91500 + 100 * 4.5) - 1), 1e-9, "%%change of medians");
	c = find(&r, KEY_B);
	ok(c && c->verdict != CMP_REGRESSED, "A/A-like case not regressed (%s)", c ? cmp_verdict_names[c->verdict] : "-");
	is_int(r.counts[CMP_REGRESSED], 0, "no regression overall");
	ok(r.single_boot, "result says the comparison was within-boot");
	ok(r.geomean > 0 && r.geomean < 1, "geomean ratio below 1");
	ok(r.emulated, "tcg sides are flagged as emulated");
	is_int(r.nrefs, 0, "no published figure matches case A's key yet");
	compare_result_free(&r);

	/* A published figure for the same key shows up next to ours in the report. */
	sqlite3_exec(db, "INSERT INTO reference_results (series, command, key, metric, before_us, after_us, environment)"
		     " VALUES ('test series', 'gup_test -x', '" KEY_A "', 'get', 14000, 400, 'bare metal')", NULL, NULL, NULL);
	ok(run_cmp("old", "new", &r) == 0, "compare with a matching published figure");
	is_int(r.nrefs, 1, "one published figure matched");
	{
		char *txt = NULL;
		size_t tlen = 0;
		FILE *m = open_memstream(&txt, &tlen);

		compare_format_find("report")->emit(m, &r);
		fclose(m);
		ok(strstr(txt, "published: gup_test -x: 14000.00 -> 400.00 us (35.0x) [bare metal]") != NULL,
		   "report puts the published figures next to ours");
		ok(strstr(txt, "QEMU TCG guests") != NULL, "report says the figures come from TCG guests");
		free(txt);
	}
	compare_result_free(&r);

	/* Reverse direction: the big change is a regression. */
	ok(run_cmp("linux-6.12", "linux-6.1", &r) == 0, "compare kernels");
	is_int(r.counts[CMP_REGRESSED], 1, "reverse: one regression");
	compare_result_free(&r);

	/* Same boot against itself: unchanged. */
	ok(run_cmp("#1", "1", &r) == 0, "compare run ids");
	c = find(&r, KEY_A);
	ok(c && c->verdict == CMP_UNCHANGED, "identical samples: unchanged");
	ok(c && c->p == 1.0, "identical samples: p = 1");
	compare_result_free(&r);

	/* Two boots per side: per-boot medians decide. */
	boot("twice-a", "k-a", 0, slow, 10, few, 2);
	boot("twice-a", "k-a", 1, slow, 10, few, 2);
	boot("twice-b", "k-b", 0, fast, 10, few, 2);
	boot("twice-b", "k-b", 1, fast, 10, few, 2);
	ok(run_cmp("twice-a", "twice-b", &r) == 0, "compare two boots per side");
	c = find(&r, KEY_A);
	ok(c && c->per_boot, "per-boot mode");
	is_int(c ? c->base.boots : 0, 2, "boots counted");
	is_int(c ? c->base.n : 0, 20, "all samples summarised");
	/* boot medians {92,900 x2} v {2,525 x2}: ties across boots, ranks separate: p from the tie-corrected normal */
	ok(c && c->verdict == CMP_IMPROVED, "per-boot verdict improved (%s)", c ? c->why : "-");
	c = find(&r, KEY_B);
	ok(c && c->verdict == CMP_UNCHANGED, "equal boot medians: unchanged (%s)", c ? c->why : "-");
	compare_result_free(&r);

	boot("tiny", "k-t", 0, few, 2, few, 2);
	ok(run_cmp("old", "tiny", &r) == 0, "compare with a two-sample run");
	c = find(&r, KEY_A);
	ok(c && c->verdict == CMP_INCONCLUSIVE, "n < 3 inconclusive (%s)", c ? c->why : "-");
	compare_result_free(&r);

	ok(run_cmp("nope", "new", &r) == -1, "unknown selector rejected");

	/* Every sink writes something; JSON parses and has the cases. */
	ok(run_cmp("old", "new", &r) == 0, "compare again for the sinks");
	{
		const char *names[] = { "text", "markdown", "json", "csv", "report" };

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			const struct compare_format *f = compare_format_find(names[i]);
			char *buf = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&buf, &len);

			ok(f != NULL, "format '%s' known", names[i]);
			if (f)
				f->emit(m, &r);
			fclose(m);
			ok(len > 0 && strstr(buf, KEY_A), "format '%s' names the case", names[i]);
			if (!strcmp(names[i], "json")) {
				json_t *j = json_loads(buf, 0, NULL);

				is_int(json_array_size(json_object_get(j, "cases")), 2, "json has two cases");
				json_decref(j);
			}
			if (!strcmp(names[i], "csv")) {
				int lines = 0;

				for (char *p = buf; *p; p++)
					lines += *p == '\n';
				is_int(lines, 3, "csv: header and two rows");
			}
			if (!strcmp(names[i], "report"))
				ok(strstr(buf, "To reproduce") && strstr(buf, "%change"), "report has table and reproduce");
			free(buf);
		}
		ok(compare_format_find("xml") == NULL, "unknown format rejected");
	}
	compare_result_free(&r);

	db_close(db);
	remove_tree(dir);
	free(path);
	return tap_done();
}
