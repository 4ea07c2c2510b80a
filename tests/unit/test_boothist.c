/*
 * test_boothist: the model's history groups boots by build, never by name.
 * One name X covered two builds (a moved name: two kernels rows,
 * two cache keys), two boots each, plus one run whose build schema 4 lost
 * (a row of build 'unknown'); the case's history must hold three groups:
 * the two builds and the unknown one (the unknown boot alone, as a single),
 * and its within-build sum of squares must not see the step between builds.
 */
#include "results/boothist.h"
#include "results/db.h"
#include "tap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char fixture[] =
	"INSERT INTO runs (id, uuid, started, status) VALUES (1, 'u1', 't', 'complete'), (2, 'u2', 't', 'complete'),"
	" (3, 'u3', 't', 'complete');"
	"INSERT INTO kernels (id, name, cache_key) VALUES (1, 'X', 'key-plain'), (2, 'X', 'key-patched');"
	"INSERT INTO kernels (id, name, build) VALUES (3, 'X', 'unknown');"
	/* boots 1-2: plain, 3-4: patched (+10%), 5: unknown build */
	"INSERT INTO boots (id, run_id, kernel_id, boot_index, stream_sha, status, clock) VALUES"
	" (1, 1, 1, 0, 's1', 'complete', 'icount'), (2, 1, 1, 1, 's2', 'complete', 'icount'),"
	" (3, 2, 2, 0, 's3', 'complete', 'icount'), (4, 2, 2, 1, 's4', 'complete', 'icount'),"
	" (5, 3, 3, 0, 's5', 'complete', 'icount');"
	"INSERT INTO cases (id, boot_id, case_id, key, cmd, status)"
	" SELECT id, id, 'c', '-L', 'pin_longterm', 'ok' FROM boots;"
	"INSERT INTO samples (case_id, idx, get_us) VALUES (1, 0, 1000), (2, 0, 1000), (3, 0, 1100), (4, 0, 1100),"
	" (5, 0, 1050);";

int main(void)
{
	char dir[] = "/tmp/test_boothist.XXXXXX", path[64];
	struct boothist_class_sel all = { 0 };
	const int64_t none[1] = { 0 };   /* no compared boots (never a NULL array: bsearch) */
	struct boothist h;
	const struct model_history *m;
	sqlite3 *db;

	tap_plan(4);
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	db = db_open(path, 0);
	tap_ok(sqlite3_exec(db, fixture, NULL, NULL, NULL) == SQLITE_OK, "fixture stored (%s)", sqlite3_errmsg(db));
	tap_ok(boothist_load(db, "get", &all, none, 0, &h) == 0 && (m = boothist_find(&h, "-L")) != NULL,
	       "the case has a history");
	tap_ok(m && m->ng == 2 && m->g[0].df == 1 && m->g[1].df == 1,
	       "two builds of two boots each; the unknown build alone is no group, never one name's five boots"
	       " (groups %zu)", m ? m->ng : 0);
	tap_ok(m && m->ng == 2 && m->g[0].ss + m->g[1].ss < 1e-12, "within each build the boots agree: the 10%%"
	       " step between builds is not variance (ss %g)", m && m->ng == 2 ? m->g[0].ss + m->g[1].ss : NAN);
	boothist_free(&h);
	db_close(db);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
