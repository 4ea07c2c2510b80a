/*
 * test_compare: the comparison engine on a database built from synthetic
 * streams with known values: one boot per side with nothing else known is
 * inconclusive, a second boot of each kernel in the database settles total
 * separation as improved, an A/A pair regresses nothing, warm-ups are
 * excluded and counted, a boot of two samples counts like any boot, a
 * regression drives the verdict, mixed clock modes are refused unless
 * allowed, one icount boot per side gives a sharp verdict, every sink
 * writes, and no sink shows an interval beyond the threshold beside a
 * verdict other than regressed/improved.
 */
#include "results/compare.h"
#include "results/ingest.h"
#include "tap.h"
#include "lib/util.h"

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

static unsigned allow_mixed;
static double threshold = 5;

static int run_cmp(const char *b, const char *n, struct compare_result *r)
{
	struct db_selector sb, sn;
	struct compare_opts o = { .metric = "get", .threshold_pct = threshold, .alpha = 0.05, .allow_mixed = allow_mixed };
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


/* Cases of one sink's output whose interval lies wholly beyond the
 * threshold t (ratio scale) beside a verdict other than regressed/improved;
 * *beyond counts the intervals beyond it, *seen every interval read. */
static int ci_contradictions(const char *fmt, const char *buf, double t, int *beyond, int *seen)
{
	int bad = 0;

	for (const char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *dots = strstr(line, ".."), *nl = strchr(line, '\n'), *v, *q;
		double lo, hi;
		int decided = 0;

		if (!strcmp(fmt, "csv")) {
			int comma = 0;

			for (q = line; *q && *q != '\n' && comma < 15; q++)
				comma += *q == ',';
			if (comma < 15 || sscanf(q, "%lf,%lf", &lo, &hi) != 2)
				continue;
		} else if (!dots || (nl && dots > nl) || sscanf(dots + 2, "%lf", &hi) != 1) {
			continue;
		} else {
			for (q = dots; q > line && (q[-1] == '.' || (q[-1] >= '0' && q[-1] <= '9')); q--)
				;
			if (sscanf(q, "%lf", &lo) != 1)
				continue;
		}
		for (v = line; (v = strstr(v, "regressed")) && (!nl || v < nl); v++)
			decided = 1;
		for (v = line; (v = strstr(v, "improved")) && (!nl || v < nl); v++)
			decided = 1;
		(*seen)++;
		if (lo > 1 + t || hi < 1 / (1 + t)) {
			(*beyond)++;
			bad += !decided;
		}
	}
	return bad;
}

int main(void)
{
	char dir[] = "/tmp/test_compare.XXXXXX", *path;
	double slow[10], fast[10], aa1[10], aa2[10], few[2] = { 100, 100 };
	struct compare_result r;
	const struct cmp_case *c;

	tap_plan(73);
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
	ok(c && c->verdict == CMP_INCONCLUSIVE, "one boot each, nothing else known: inconclusive (%s)",
	   c ? c->why : "-");
	ok(c && strstr(c->why, "no boot-variance estimate") && strstr(c->why, "--repeat-boots 3"),
	   "  ... saying why and what would settle it");
	is_int(r.no_estimate, 2, "result counts the cases without an estimate");
	compare_result_free(&r);

	/* A second boot of each kernel elsewhere in the database: 2 df of boot variance. */
	boot("old2", "linux-6.1", 1, slow, 10, aa1, 10);
	boot("new2", "linux-6.12", 1, fast, 10, aa2, 10);
	ok(run_cmp("old", "new", &r) == 0, "compare labels again");
	c = find(&r, KEY_A);
	ok(c && c->verdict == CMP_IMPROVED, "THP-like case improved (%s)", c ? c->why : "-");
	ok(c && c->p < 0.01, "p < 0.01 (%.3g)", c ? c->p : 1.0);
	ok(c && c->source == MODEL_POOLED && c->df == 2, "variance from the history: each kernel's older boot, 2 df");
	ok(c && strstr(c->why, "history pooled, 2 df"), "  ... and says so: %s", c ? c->why : "-");
	is_int(c ? c->base.n : 0, 10, "warm-ups excluded from n");
	is_int(c ? c->base.warmups : 0, 1, "warm-ups counted");
	is_int(c ? c->base.boots : 0, 1, "the side at hand is one boot");
	ok(c && c->have_ci && c->ci_hi < 0.05, "CI of ratio below 0.05");
	is_near(c ? c->pct_change : 0, 100.0 * ((2300 + 50 * 4.5) / (91500 + 100 * 4.5) - 1), 1e-9, "%%change of medians");
	c = find(&r, KEY_B);
	ok(c && c->verdict != CMP_REGRESSED, "A/A-like case not regressed (%s)", c ? cmp_verdict_names[c->verdict] : "-");
	is_int(r.counts[CMP_REGRESSED], 0, "no regression overall");
	is_int(r.no_estimate, 0, "every case had an estimate");
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
	ok(c && c->source == MODEL_POOLED, "variance from the boots");
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
	ok(c && c->verdict == CMP_IMPROVED, "two samples in a boot: its median counts like any boot's (%s)",
	   c ? c->why : "-");
	compare_result_free(&r);

	ok(run_cmp("nope", "new", &r) == -1, "unknown selector rejected");

	/* Clock modes: refused when mixed, sharp from one icount boot each. */
	boot("ic-a", "k-ic-a", 0, slow, 10, aa1, 10);
	boot("ic-b", "k-ic-b", 0, fast, 10, aa1, 10);
	sqlite3_exec(db, "UPDATE boots SET clock = 'icount' WHERE run_id IN (SELECT id FROM runs WHERE label = 'ic-b')",
		     NULL, NULL, NULL);
	is_int(run_cmp("ic-a", "ic-b", &r), COMPARE_REFUSED, "wall against icount: refused");
	allow_mixed = CMP_MIX_CLOCK;
	ok(run_cmp("ic-a", "ic-b", &r) == 0 && r.clock && strstr(r.clock, "base: wall; new: icount"),
	   "--allow-mixed-clock compares and names both modes (%s)", r.clock ? r.clock : "-");
	compare_result_free(&r);
	allow_mixed = 0;
	sqlite3_exec(db, "UPDATE boots SET clock = 'icount' WHERE run_id IN (SELECT id FROM runs WHERE label = 'ic-a')",
		     NULL, NULL, NULL);
	ok(run_cmp("ic-a", "ic-b", &r) == 0 && r.icount, "icount against icount compares");
	c = find(&r, KEY_A);
	ok(c && c->verdict == CMP_IMPROVED && c->source == MODEL_ICOUNT, "one icount boot each: improved (%s)",
	   c ? c->why : "-");
	c = find(&r, KEY_B);
	ok(c && c->verdict == CMP_UNCHANGED, "identical icount boots: unchanged (%s)", c ? c->why : "-");
	compare_result_free(&r);
	threshold = 0;
	ok(run_cmp("ic-a", "ic-b", &r) == 0 && r.opts.threshold_pct == CMP_THRESHOLD_ICOUNT_PCT,
	   "no threshold given, icount sides: the icount default (%g%%)", r.opts.threshold_pct);
	compare_result_free(&r);
	ok(run_cmp("old", "new", &r) == 0 && r.opts.threshold_pct == CMP_THRESHOLD_WALL_PCT,
	   "no threshold given, wall sides: the wall default (%g%%)", r.opts.threshold_pct);
	compare_result_free(&r);
	threshold = 5;

	/* Host class and architecture: refused the same way, allowed one by one. */
	sqlite3_exec(db, "UPDATE boots SET accel = 'kvm' WHERE run_id IN (SELECT id FROM runs WHERE label = 'ic-b')",
		     NULL, NULL, NULL);
	is_int(run_cmp("ic-a", "ic-b", &r), COMPARE_REFUSED, "tcg against kvm: different host classes, refused");
	allow_mixed = CMP_MIX_HOST;
	ok(run_cmp("ic-a", "ic-b", &r) == 0 && strstr(r.host_class, "base: tcg on") && strstr(r.host_class, "new: kvm on"),
	   "--allow-mixed-host compares and names both (%s)", r.host_class ? r.host_class : "-");
	compare_result_free(&r);
	sqlite3_exec(db, "UPDATE boots SET guest_env = json_set(guest_env, '$.arch', 'aarch64')"
		     " WHERE run_id IN (SELECT id FROM runs WHERE label = 'ic-b')", NULL, NULL, NULL);
	is_int(run_cmp("ic-a", "ic-b", &r), COMPARE_REFUSED, "x86_64 against aarch64 guests: refused");
	allow_mixed = CMP_MIX_HOST | CMP_MIX_ARCH;
	ok(run_cmp("ic-a", "ic-b", &r) == 0 && strstr(r.arch, "new: aarch64"), "CMP_MIX_ARCH (--cross-arch) compares (%s)",
	   r.arch ? r.arch : "-");
	compare_result_free(&r);
	/* Guest settings: the vCPU count and the user's --memory etc. (runs.noise) */
	sqlite3_exec(db, "UPDATE boots SET vcpus = 2 WHERE run_id IN (SELECT id FROM runs WHERE label = 'ic-b')",
		     NULL, NULL, NULL);
	is_int(run_cmp("ic-a", "ic-b", &r), COMPARE_REFUSED, "1-vCPU (unrecorded) against 2-vCPU guests: refused");
	sqlite3_exec(db, "UPDATE boots SET vcpus = 2 WHERE run_id IN (SELECT id FROM runs WHERE label = 'ic-a');"
		     "UPDATE runs SET noise = '{\"guest\":{\"memory_mb\":4096}}' WHERE label = 'ic-b'", NULL, NULL, NULL);
	is_int(run_cmp("ic-a", "ic-b", &r), COMPARE_REFUSED, "the plan's memory against --memory 4096: refused");
	allow_mixed = CMP_MIX_HOST | CMP_MIX_ARCH | CMP_MIX_GUEST;
	ok(run_cmp("ic-a", "ic-b", &r) == 0 && r.guest && strstr(r.guest, "new: 2 vCPU, {\"memory_mb\":4096}"),
	   "--allow-mixed-guest compares and names both (%s)", r.guest ? r.guest : "-");
	compare_result_free(&r);
	allow_mixed = 0;

	/* Every sink writes something; JSON parses and has the cases. */
	ok(run_cmp("old", "new", &r) == 0, "compare again for the sinks");
	ok(strstr(r.cases[0].why, "threshold 5%") != NULL, "why names the threshold: %s", r.cases[0].why);
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
			if (strcmp(names[i], "json") && strcmp(names[i], "report")) {
				int beyond = 0, seen = 0, bad = ci_contradictions(names[i], buf, 0.05, &beyond, &seen);

				ok(bad == 0 && beyond >= 1 && seen >= 2, "format '%s': no interval beyond the threshold"
				   " without a regressed/improved verdict (%d of %d beyond, %d contradictions)", names[i],
				   beyond, seen, bad);
			}
			if (!strcmp(names[i], "json")) {
				json_t *j = json_loads(buf, 0, NULL);

				json_t *cs = json_object_get(j, "cases"), *e;
				size_t k;
				int bad = 0, beyond = 0;

				is_int(json_array_size(cs), 2, "json has two cases");
				json_array_foreach(cs, k, e) {
					json_t *ci = json_object_get(e, "ci");
					const char *v = json_string_value(json_object_get(e, "verdict"));
					double lo = json_real_value(json_array_get(ci, 0)), hi = json_real_value(json_array_get(ci, 1));

					if (ci && (lo > 1.05 || hi < 1 / 1.05)) {
						beyond++;
						bad += strcmp(v, "regressed") && strcmp(v, "improved");
					}
				}
				ok(bad == 0 && beyond >= 1, "json: no interval beyond the threshold without a"
				   " regressed/improved verdict (%d beyond, %d contradictions)", beyond, bad);
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
