/*
 * test_ingest: the results-stream ingest. A good stream is stored once
 * however often it is ingested; a malformed line, a seq gap, an unpaired
 * case or a wrong end count rejects the stream with the line number and
 * stores nothing; a truncated stream is refused unless the caller allows
 * it, and then keeps only whole case records; the --json document works.
 */
#include "results/db.h"
#include "results/ingest.h"
#include "tap.h"
#include "testdb.h"
#include "lib/util.h"

#include <stdlib.h>
#include <unistd.h>

#define ENV "{\"type\":\"env\",\"seq\":0,\"format\":\"gupbench-stream-1\",\"release\":\"6.12.0\",\"cmdline\":\"x\"}\n"
#define START(s, id) "{\"type\":\"start\",\"seq\":" #s ",\"id\":\"" id "\"}\n"
/* A pin_longterm case of -n N pages; its key is what the bench derives from the argv. */
#define CASE_AS(s, id, n, samples) "{\"type\":\"case\",\"seq\":" #s ",\"id\":\"" id "\",\"tool\":\"gupbench\"," \
	"\"argv\":[\"-L\",\"-m\",\"512\",\"-n\",\"" #n "\",\"-t\",\"-W\",\"-r\",\"2\",\"--warmup\",\"1\"]," \
	"\"key\":\"-L -m 512 -n " #n " -t -W\"," \
	"\"params\":{\"cmd\":\"pin_longterm\",\"size_mb\":512,\"nr_pages_per_call\":" #n ",\"thp\":\"on\"," \
	"\"write\":false,\"numa_node\":-1,\"repeats\":2,\"warmup\":1}," \
	"\"status\":\"ok\",\"samples\":" samples "}\n"
#define SAMPLES "[{\"get_us\":900,\"put_us\":90,\"truncated\":false,\"warmup\":true}," \
	"{\"get_us\":100,\"put_us\":10,\"truncated\":false,\"warmup\":false}," \
	"{\"get_us\":110,\"put_us\":11,\"truncated\":false,\"warmup\":false}]"
#define CASE(s, id, n) CASE_AS(s, id, n, SAMPLES)
#define SAMPLE1(get, put) "[{\"get_us\":" get ",\"put_us\":" put ",\"truncated\":false,\"warmup\":false}]"
#define END(s, n) "{\"type\":\"end\",\"seq\":" #s ",\"cases\":" #n ",\"ok\":" #n ",\"skip\":0,\"error\":0}\n"
/* A case with the bench's optional "phases" (PROTOCOL.md). */
#define CASE_PH(s, id, phases) CASE_AS(s, id, 1, SAMPLES ",\"phases\":" phases)
#define PHASES "{\"populate\":\"madvise\",\"reused\":true,\"setup_s\":0,\"fault_s\":0.5,\"gup_s\":0.1," \
	"\"teardown_s\":0,\"case_s\":0.7}"

static const char good[] = ENV START(1, "a") CASE(2, "a", 1)
	START(3, "b") CASE(4, "b", 2) END(5, 2);

static sqlite3 *db;
static int64_t run_id, kernel_id;

static int ingest(const char *s, int allow_truncated, struct ingest_result *r)
{
	struct ingest_ctx ctx = { .run_id = run_id, .kernel_id = kernel_id, .accel = "tcg" };

	return ingest_stream(db, &ctx, s, strlen(s), allow_truncated, r);
}

static void rejects(const char *s, const char *want_prefix, const char *what)
{
	struct ingest_result r;
	long long boots = sql_count(db, "SELECT count(*) FROM boots"), samples = sql_count(db, "SELECT count(*) FROM samples");
	int rc = ingest(s, 0, &r);

	ok(rc == -1, "%s: rejected", what);
	ok(!strncmp(r.err, want_prefix, strlen(want_prefix)), "%s: says '%s' (got '%s')", what, want_prefix, r.err);
	ok(sql_count(db, "SELECT count(*) FROM boots") == boots && sql_count(db, "SELECT count(*) FROM samples") == samples,
	   "%s: nothing stored", what);
}

int main(void)
{
	char path[] = "/tmp/test_ingest.XXXXXX";
	struct ingest_result r;
	struct db_run_info ri = { .label = "t" };
	char *dbfile, *big;
	int fd = mkstemp(path);

	tap_plan(120);
	close(fd);
	unlink(path);
	mkdir_p(path, 0700);
	dbfile = xasprintf("%s/t.db", path);
	db = db_open(dbfile, 0);
	kernel_id = db_kernel_upsert(db, "linux-6.12", NULL);
	run_id = db_run_create(db, &ri);

	ok(ingest(good, 0, &r) == 0, "good stream ingested (%s)", r.err);
	is_int(r.cases, 2, "two cases");
	is_int(r.samples, 6, "six samples, warm-ups included");
	is_int(r.have_end, 1, "end record seen");
	is_int(r.last_seq, 5, "last seq");
	is_str(r.cases ? r.case_ids[1] : NULL, "b", "case ids reported");
	is_int(sql_count(db, "SELECT count(*) FROM samples WHERE warmup = 1"), 2, "warm-ups flagged, not dropped");
	is_int(sql_count(db, "SELECT count(*) FROM boots WHERE status = 'complete' AND guest_release = '6.12.0'"), 1,
	       "boot complete with the guest release");
	is_int(sql_count(db, "SELECT count(*) FROM cases WHERE cmd = 'pin_longterm' AND thp = 'on' AND write = 0"
		     " AND size_mb = 512 AND numa_node = -1"), 2, "case columns filled from params");
	ingest_result_free(&r);

	ok(ingest(good, 0, &r) == 0 && r.duplicate, "same stream again: duplicate");
	is_int(r.cases, 2, "duplicate reports the stored cases");
	is_int(sql_count(db, "SELECT count(*) FROM samples"), 6, "idempotent: still six samples");
	is_int(sql_count(db, "SELECT count(*) FROM boots"), 1, "idempotent: one boot");
	ingest_result_free(&r);
	{
		struct ingest_ctx c1 = { .run_id = run_id, .kernel_id = kernel_id, .accel = "tcg", .identity = "run/k/boot1" };

		ok(ingest_stream(db, &c1, good, strlen(good), 0, &r) == 0 && !r.duplicate,
		   "the same bytes from another boot (identity given) are a new boot");
		ingest_result_free(&r);
		ok(ingest_stream(db, &c1, good, strlen(good), 0, &r) == 0 && r.duplicate,
		   "that boot ingested again is a duplicate");
		ingest_result_free(&r);
		is_int(sql_count(db, "SELECT count(*) FROM boots"), 2, "two boots");
		sqlite3_exec(db, "DELETE FROM boots WHERE id <> (SELECT min(id) FROM boots)", NULL, NULL, NULL);
	}

	rejects(ENV START(1, "a") "{\"type\":\"case\",\"seq\":2,\"id\":\"a\",\n" END(3, 0),
		"line 3:", "malformed line");
	rejects(ENV START(1, "a") CASE(3, "a", 1) END(4, 1), "line 3: seq 3 where 2", "seq gap");
	rejects(ENV CASE(1, "a", 1) END(2, 1), "line 2: case record 'a' without its start", "case without start");
	rejects(ENV START(1, "a") CASE(2, "a", 1) END(3, 2), "line 4: end record counts 2", "wrong end count");
	rejects(ENV START(1, "a") CASE(2, "a", 1) START(3, "a") CASE(4, "a", 1) END(5, 2),
		"line 5: case 'a' appears twice", "duplicate case id");
	rejects(START(0, "a"), "line 1: the stream starts with 'start'", "no env record");
	rejects(ENV START(1, "a") CASE(2, "a", 1), "the stream stops after seq 2", "missing end record");
	rejects(ENV START(1, "a") CASE(2, "a", 1) "{\"type\":\"start\",\"se",
		"line 4: truncated record", "cut mid-line");
	rejects(ENV "{\"type\":\"case\",\"seq\":1,\"id\":\"a\",\"key\":\"k\",\"status\":\"maybe\"}\n",
		"line 2: case record 'a' without", "bad record order");
	rejects(ENV START(1, "a") "{\"type\":\"case\",\"seq\":2,\"id\":\"a\",\"key\":\"k\",\"status\":\"maybe\"}\n" END(3, 1),
		"line 3: case status 'maybe'", "bad status");
	rejects(ENV START(1, "a") CASE_AS(2, "a", 1, "[{\"get_us\":\"fast\",\"put_us\":1}]") END(3, 1),
		"line 3: sample 0 of case 'a': \"get_us\" is not an integer", "bad sample");
	/* Values the protocol rules out (bench/PROTOCOL.md), each named with its line and field. */
	rejects(ENV START(1, "a") CASE_AS(2, "a", 1, SAMPLE1("-5", "1")) END(3, 1),
		"line 3: sample 0 of case 'a': \"get_us\" -5 is outside 0..86400000000 us", "negative get_us");
	rejects(ENV START(1, "a") CASE_AS(2, "a", 1, SAMPLE1("9223372036854775807", "1")) END(3, 1),
		"line 3: sample 0 of case 'a': \"get_us\" 9223372036854775807 is outside", "get_us of 2^63-1");
	rejects(ENV START(1, "a") CASE_AS(2, "a", 1, SAMPLE1("7", "null")) END(3, 1),
		"line 3: sample 0 of case 'a': \"put_us\" is not an integer", "null put_us");
	rejects(ENV START(1, "a") CASE_AS(2, "a", 1, "[{\"get_us\":7,\"warmup\":false}]") END(3, 1),
		"line 3: sample 0 of case 'a': \"put_us\" is missing", "missing put_us");
	rejects(ENV START(1, "a") CASE_AS(2, "a", 1, "[]") END(3, 1),
		"line 3: case 'a' is \"ok\" but has no measured", "ok case without samples");
	rejects(ENV START(1, "a") CASE_AS(2, "a", 1, "[{\"get_us\":7,\"put_us\":1,\"warmup\":true}]") END(3, 1),
		"line 3: case 'a' is \"ok\" but has no measured", "ok case with warm-ups only");
	rejects(ENV START(1, "a") CASE(2, "a", 1) "{\"type\":\"end\",\"seq\":3,\"cases\":1,\"ok\":0,\"skip\":1,\"error\":0}\n",
		"line 4: end record counts 0 \"ok\" cases but the stream has 1", "end record's ok count wrong");
	rejects(ENV START(1, "a") CASE(2, "a", 1) "{\"type\":\"end\",\"seq\":3,\"cases\":1}\n",
		"line 4: end record lacks the integer \"ok\" count", "end record without status counts");
	ok(ingest(ENV START(1, "p") CASE_PH(2, "p", PHASES)
		  "{\"type\":\"end\",\"seq\":3,\"cases\":1,\"ok\":1,\"skip\":0,\"error\":0,\"stream_s\":0.01}\n", 0, &r) == 0,
	   "a case record with phases and an end record with stream_s are accepted");
	ingest_result_free(&r);
	rejects(ENV START(1, "a") CASE_PH(2, "a", "{\"fault_s\":-1}") END(3, 1),
		"line 3: case 'a': phases.fault_s is not a number of seconds", "negative phase time");
	rejects(ENV START(1, "a") CASE_PH(2, "a", "{\"populate\":\"sometimes\"}") END(3, 1),
		"line 3: case 'a': phases.populate is not one of", "unknown populate method");
	rejects(ENV START(1, "a") CASE_PH(2, "a", "{\"lunch_s\":1}") END(3, 1),
		"line 3: case 'a': phases.lunch_s is not one of", "unknown phase");
	rejects(ENV START(1, "a") CASE_PH(2, "a", "[1]") END(3, 1),
		"line 3: case 'a': \"phases\" is not an object", "phases not an object");
	rejects(ENV START(1, "a") CASE(2, "a", 1)
		"{\"type\":\"end\",\"seq\":3,\"cases\":1,\"ok\":1,\"skip\":0,\"error\":0,\"stream_s\":\"fast\"}\n",
		"line 4: end record: \"stream_s\" is not a number", "end record's stream_s not seconds");
	rejects(ENV "{\"type\":\"start\",\"seq\":1,\"id\":\"a\",\"id\":\"b\"}\n",
		"line 2: not a JSON object: duplicate object key", "duplicate JSON key");
	{
		char *lie = xstrdup(ENV START(1, "a") CASE(2, "a", 1) END(3, 1)), *k = strstr(lie, "-n 1 -t -W\"");

		k[3] = '9';   /* the key now says -n 9 while the argv says -n 1 */
		rejects(lie, "line 3: case 'a': \"key\" '-L -m 512 -n 9 -t -W' does not match its argv", "key not the argv's");
		free(lie);
		lie = xstrdup(ENV START(1, "a") CASE(2, "a", 1) END(3, 1));
		k = strstr(lie, "\"size_mb\":512");
		memcpy(k, "\"size_mb\":-12", 13);
		rejects(lie, "line 3: case 'a': params.size_mb -12 is below 1", "negative size_mb");
		free(lie);
	}
	rejects(ENV START(1, "a") "{\"type\":\"case\",\"seq\":2,\"id\":\"a\",\"key\":\"k\",\"status\":\"ok\"}\n" END(3, 1),
		"line 3: case 'a' lacks its \"argv\" array", "case without argv");
	rejects("", "the stream is empty", "empty stream");

	/* A guest that died mid-case: allowed, whole cases kept, status truncated. */
	{
		const char *cut = ENV START(1, "a") CASE(2, "a", 3) START(3, "b") "{\"type\":\"case\",\"seq\":4,\"id";
		long long before = sql_count(db, "SELECT count(*) FROM samples");

		ok(ingest(cut, 1, &r) == 0, "truncated stream accepted when allowed (%s)", r.err);
		is_int(r.have_end, 0, "truncated: no end record");
		is_int(r.cases, 1, "truncated: only the whole case");
		is_int(sql_count(db, "SELECT count(*) FROM samples") - before, 3, "truncated: its samples stored");
		is_int(sql_count(db, "SELECT count(*) FROM boots WHERE status = 'truncated'"), 1, "boot marked truncated");
		ingest_result_free(&r);
	}

	/* The bench --json document, pretty-printed. */
	{
		const char *doc = "{\n \"format\": \"gupbench-result-1\",\n \"env\": {\"release\": \"6.1.0\"},\n"
				  " \"cases\": [ {\"id\": \"x\", \"key\": \"-L -m 8 -n 1 -T\", \"status\": \"ok\","
				  " \"argv\": [\"-L\", \"-m\", \"8\", \"-T\", \"--json\"],"
				  " \"samples\": [{\"get_us\": 5, \"put_us\": 1, \"truncated\": false, \"warmup\": false}]}]\n}\n";

		ok(ingest(doc, 0, &r) == 0, "--json document ingested (%s)", r.err);
		is_int(r.cases, 1, "document: one case");
		is_int(sql_count(db, "SELECT count(*) FROM boots WHERE guest_release = '6.1.0' AND status = 'complete'"), 1,
		       "document: boot complete");
		is_int(sql_count(db, "SELECT count(*) FROM cases WHERE key = '-L -m 8 -n 1 -T' AND cmd = 'unknown'"), 1,
		       "document: case stored, cmd unknown when params lack it");
		ingest_result_free(&r);
		/* a workload whose -n defaults to -1 (one io_uring buffer): no -n
		 * in the argv, the bench's resolved count in params */
		doc = "{\"format\": \"gupbench-result-1\", \"env\": {\"release\": \"6.1.1\"}, \"cases\": [ {"
		      "\"id\": \"--workload io_uring_register -m 512 -n -1\", \"key\": \"--workload io_uring_register -m 512 -n -1\","
		      " \"status\": \"ok\", \"argv\": [\"--workload\", \"io_uring_register\", \"-m\", \"512\", \"--json\"],"
		      " \"params\": {\"cmd\": \"io_uring_register\", \"size_mb\": 512, \"nr_pages_per_call\": 131072},"
		      " \"samples\": [{\"get_us\": 5, \"put_us\": 1, \"truncated\": false, \"warmup\": false}]}]}";
		ok(ingest(doc, 0, &r) == 0, "document: a workload's own -n default, resolved by the bench, is taken (%s)",
		   r.err);
		ingest_result_free(&r);
		ok(ingest("{\"format\":\"gupbench-result-1\",\"env\":{},\"cases\":[{\"id\":\"y\"}]}", 0, &r) == -1 &&
		   strstr(r.err, "document case 1: case record lacks \"key\""), "document: bad case named (%s)", r.err);
	}

	/* Inside a caller's transaction the ingest nests and a failure keeps the caller's work. */
	{
		ok(db_begin(db) == 0, "caller transaction");
		db_event_add(db, run_id, 0, 0, "error", NULL, "caller row", NULL);
		ok(ingest("garbage\n", 0, &r) == -1, "bad stream inside a transaction rejected");
		ok(db_commit(db) == 0, "caller commits");
		is_int(sql_count(db, "SELECT count(*) FROM events WHERE message = 'caller row'"), 1, "caller's row survives");
	}

	/* Speed sanity: 200 cases x 1000 samples in one go. */
	{
		size_t cap = 200 * 1000 * 80 + 100000, len = 0;
		double t0;
		int seq = 0;

		big = xmalloc(cap);
		len += (size_t)sprintf(big + len, "{\"type\":\"env\",\"seq\":%d,\"format\":\"gupbench-stream-1\"}\n", seq++);
		for (int c = 0; c < 200; c++) {
			len += (size_t)sprintf(big + len, "{\"type\":\"start\",\"seq\":%d,\"id\":\"p%d\"}\n", seq++, c);
			len += (size_t)sprintf(big + len, "{\"type\":\"case\",\"seq\":%d,\"id\":\"p%d\",\"key\":\"-u -m %d -n 1\","
					       "\"argv\":[\"-m\",\"%d\"],\"status\":\"ok\",\"samples\":[", seq++, c, c + 1, c + 1);
			for (int s = 0; s < 1000; s++)
				len += (size_t)sprintf(big + len, "%s{\"get_us\":%d,\"put_us\":1,\"truncated\":false,"
						       "\"warmup\":false}", s ? "," : "", 1000 + s);
			len += (size_t)sprintf(big + len, "]}\n");
		}
		len += (size_t)sprintf(big + len, "{\"type\":\"end\",\"seq\":%d,\"cases\":200,\"ok\":200,\"skip\":0,"
				       "\"error\":0}\n", seq);
		t0 = now_monotonic();
		ok(ingest(big, 0, &r) == 0 && r.samples == 200000, "200,000 samples ingested");
		printf("# 200,000 samples in %.2f s\n", now_monotonic() - t0);
		ingest_result_free(&r);
		free(big);
	}

	db_close(db);
	remove_tree(path);
	free(dbfile);
	return tap_done();
}
