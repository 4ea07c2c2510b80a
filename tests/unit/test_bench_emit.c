/*
 * test_bench_emit: the JSON sinks with a hand-made result (warm-up samples
 * excluded from the summary, truncation kept per sample, the selftest key
 * prefix), the stream's sequence numbers and end counts, the selftest line
 * parser and the kernel command line reader of init mode, and the CPUs each
 * worker thread ran on (thread_cpus).
 */
#include "tap.h"
#include "bench/emit.h"
#include "bench/initmode.h"
#include "bench/selftest.h"

#include <stdlib.h>

int main(void)
{
	struct sample s[4] = {
		{ .get_us = 9000, .put_us = 90, .size = 1 << 20, .warmup = 1 },
		{ .get_us = 100, .put_us = 10, .size = 1 << 20 },
		{ .get_us = 300, .put_us = 30, .size = 4096, .truncated = 1 },
		{ .get_us = 200, .put_us = 20, .size = 1 << 20 },
	};
	struct case_result r = { .status = CASE_OK, .samples = s, .nr_samples = 4 };
	char *argv[] = { "-m", "1", "-L", "--warmup", "1" };
	struct bench_opts o;
	struct sample p;
	struct stream st;
	json_t *rec, *get;
	char line[4096], val[64];
	FILE *f;

	tap_plan(24);
	opts_defaults(&o);
	opts_parse(&o, 5, argv, OPTS_CASE, line, sizeof(line));
	rec = case_json("c1", "gupbench", argv, 5, &o, &r);
	get = json_object_get(json_object_get(rec, "summary"), "get");
	is_int(json_integer_value(json_object_get(get, "n")), 3, "summary counts measured samples only");
	is_near(json_real_value(json_object_get(get, "median")), 200, 1e-9, "median without the warm-up");
	is_near(json_real_value(json_object_get(get, "max")), 300, 1e-9, "max without the warm-up");
	is_int(json_array_size(json_object_get(rec, "samples")), 4, "every raw sample kept");
	ok(json_is_true(json_object_get(json_array_get(json_object_get(rec, "samples"), 0), "warmup")),
	   "warm-up sample flagged");
	ok(json_is_true(json_object_get(json_array_get(json_object_get(rec, "samples"), 2), "truncated")),
	   "truncated sample flagged");
	is_str(json_string_value(json_object_get(rec, "key")), "-L -m 1 -n 1", "key");
	is_str(json_string_value(json_object_get(json_object_get(rec, "params"), "cmd")), "pin_longterm", "params.cmd");
	ok(!json_object_get(rec, "thread_cpus"), "no thread_cpus when none were recorded");
	json_decref(rec);
	{
		cpu_set_t cpus[2];
		char *text;

		CPU_ZERO(&cpus[0]);
		CPU_ZERO(&cpus[1]);
		CPU_SET(0, &cpus[0]);
		CPU_SET(3, &cpus[0]);
		CPU_SET(1, &cpus[1]);
		r.thread_cpus = cpus;
		r.nr_threads = 2;
		rec = case_json("c1", "gupbench", argv, 5, &o, &r);
		text = json_dumps(json_object_get(rec, "thread_cpus"), JSON_COMPACT);
		is_str(text, "[[0,3],[1]]", "thread_cpus: per thread, its sorted CPUs");
		free(text);
		json_decref(rec);
		r.thread_cpus = NULL;
		r.nr_threads = 0;
	}
	rec = case_json("c2", "selftest", argv, 3, &o, &r);
	is_str(json_string_value(json_object_get(rec, "key")), "selftest: -L -m 1 -n 1", "selftest key prefix");

	f = tmpfile();
	stream_init(&st, f);
	stream_emit(&st, "start", json_pack("{s:s}", "id", "c2"));
	stream_count(&st, "ok");
	stream_emit(&st, "case", rec);
	stream_end(&st, NULL);
	rewind(f);
	for (int i = 0; fgets(line, sizeof(line), f); i++) {
		json_t *j = json_loads(line, 0, NULL);

		is_int(json_integer_value(json_object_get(j, "seq")), i, "line %d has seq %d", i, i);
		if (i == 2) {
			is_str(json_string_value(json_object_get(j, "type")), "end", "last record is end");
			is_int(json_integer_value(json_object_get(j, "ok")), 1, "end counts the ok case");
		}
		json_decref(j);
	}
	fclose(f);

	is_int(selftest_parse_line("# PIN_LONGTERM_BENCHMARK: Time: get:1404 put:97 us# ", &p), 1,
	       "selftest 6.12 timing line");
	ok(p.get_us == 1404 && p.put_us == 97 && !p.truncated, "its values");
	is_int(selftest_parse_line("GUP_FAST_BENCHMARK: Time: get:5 put:6 us, truncated (size: 8192)", &p), 1,
	       "selftest 6.1 truncated line");
	ok(p.truncated && p.size == 8192, "truncation and size read");
	is_int(selftest_parse_line("ok 1 ioctl status 0", &p), 0, "other lines ignored");

	is_int(cmdline_param("console=ttyS0 gupbench.plan=/p.json panic=-1", "gupbench.plan", val, sizeof(val)), 0,
	       "cmdline parameter found");
	is_str(val, "/p.json", "cmdline parameter value");
	is_int(cmdline_param("xgupbench.plan=/a", "gupbench.plan", val, sizeof(val)), -1,
	       "only whole parameter names match");
	return tap_done();
}
