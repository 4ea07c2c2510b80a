/*
 * test_explain_report: what the regression reports' explain hook decides
 * without booting anything: no section when nothing regressed; on the wall
 * clock, or with a side of several kernels, one line saying why not; and
 * the case it names is the one that regressed most.
 */
#include "tap.h"
#include "harness/lab/explain-report.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *capture(const struct compare_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	explain_worst_of_compare(f, r);
	fclose(f);
	return text;
}

int main(void)
{
	struct cmp_case c[3] = {
		{ .key = "-u -m 8 -n 1024 -t", .pct_change = 20, .verdict = CMP_REGRESSED },
		{ .key = "-L -m 8 -n 1024 -T", .pct_change = 300, .verdict = CMP_IMPROVED },
		{ .key = "-L -m 8 -n 1024 -t", .pct_change = 140, .verdict = CMP_REGRESSED },
	};
	struct kernel_build kb[2] = { { .name = "linux-6.12" }, { .name = "linux-6.12+p" } };
	struct compare_result r = { .cases = c, .ncases = 3, .clock = "wall", .icount = 0,
				    .base_builds = { &kb[0], 1 }, .new_builds = { &kb[1], 1 } };
	char *t;

	/* no kernel is ever found, so nothing boots: explain would run this
	 * program as gupharness (self_exe) */
	setenv("GUPBENCH_CACHE", "/nonexistent/gupbench-cache", 1);
	tap_plan(5);
	t = capture(&r);
	tap_ok(t && strstr(t, "not explained: the clock is wall"), "the wall clock is refused in one line");
	free(t);
	c[0].verdict = c[2].verdict = CMP_UNCHANGED;
	t = capture(&r);
	tap_ok(t && !*t, "nothing regressed: no section");
	free(t);
	c[0].verdict = c[2].verdict = CMP_REGRESSED;
	r.icount = 1;
	r.new_builds.n = 0;
	t = capture(&r);
	tap_ok(t && strstr(t, "not explained: a side ran more than one kernel"), "a side without one kernel is named, not explained");
	free(t);
	r.new_builds.n = 1;
	t = capture(&r);
	tap_ok(t && strstr(t, "--case '-L -m 8 -n 1024 -t'"), "the case that regressed most is the one explained");
	tap_ok(t && strstr(t, "failed (its error is on stderr)"), "a kernel not in the cache: the section says explain failed");
	free(t);
	return tap_done();
}
