/*
 * test_events: the event kinds (results/events.c) against the database: a
 * new database accepts every kind of the table and refuses others (the
 * schema's CHECK and its version 3 migration list the same kinds), and the
 * suspect-boot loader finds exactly the boots with console events, with
 * their kinds in order, and none of the others.
 */
#include "results/db.h"
#include "results/events.h"
#include "tap.h"
#include "testdb.h"
#include "lib/util.h"

#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/test_events.XXXXXX";
	struct db_run_info ri = { .label = "r" };
	struct suspect_set s;
	size_t refused = 0, console = 0;
	char *path;
	sqlite3 *db;
	int64_t run, k, b[3];

	tap_plan(9);
	if (!mkdtemp(dir))
		return 1;
	path = xasprintf("%s/e.db", dir);
	db = db_open(path, 0);
	k = db_kernel_upsert(db, "linux-6.12", NULL);
	run = db_run_create(db, &ri);
	for (size_t i = 0; i < event_nkinds; i++) {
		console += event_kinds[i].console;
		if (db_event_add(db, run, 0, k, event_kinds[i].name, NULL, "m", NULL))
			refused++;
	}
	ok(event_nkinds >= 18 && console >= 11 && !refused, "all %zu kinds stored (%zu refused)", event_nkinds, refused);
	ok(db_event_add(db, run, 0, k, "sneeze", NULL, "x", NULL) == -1, "an unknown kind is refused");
	ok(event_kind_find("rcu_stall") && event_kind_find("rcu_stall")->console &&
	   event_kind_find("timeout") && !event_kind_find("timeout")->console && !event_kind_find("sneeze"),
	   "lookup: rcu_stall is a console kind, timeout is not, sneeze none");

	for (int i = 0; i < 3; i++) {
		char *sql = xasprintf("INSERT INTO boots (run_id, kernel_id, boot_index, stream_sha, status)"
				      " VALUES (%lld, %lld, %d, 'sha%d', 'complete')", (long long)run, (long long)k, i, i);

		sqlite3_exec(db, sql, NULL, NULL, NULL);
		free(sql);
		b[i] = sqlite3_last_insert_rowid(db);
	}
	db_event_add(db, run, b[0], k, "warning", NULL, "w", NULL);
	db_event_add(db, run, b[0], k, "rcu_stall", NULL, "s", NULL);
	db_event_add(db, run, b[0], k, "warning", NULL, "w again", NULL);
	db_event_add(db, run, b[1], k, "timeout", NULL, "t", NULL);   /* not from the console */
	db_event_add(db, run, b[2], k, "oops", "c1", "o", NULL);
	ok(events_suspect_boots(db, "SELECT b.id FROM boots b WHERE ?1 IS NOT NULL", "all", &s) == 0,
	   "suspect boots loaded");
	is_int(s.n, 2, "two of the three boots are suspect");
	ok(suspect_find(&s, b[0]) && !strcmp(suspect_find(&s, b[0])->kinds, "warning, rcu_stall"),
	   "the first with its kinds once each, in order (%s)", suspect_find(&s, b[0]) ? suspect_find(&s, b[0])->kinds : "-");
	ok(!suspect_find(&s, b[1]), "a timeout alone does not make a boot suspect");
	ok(suspect_find(&s, b[2]) && suspect_find(&s, b[2])->run_id == run &&
	   !strcmp(suspect_find(&s, b[2])->kernel, "linux-6.12") && suspect_find(&s, b[2])->boot_index == 2,
	   "the oopsed boot, with its run, kernel and index");
	suspect_set_free(&s);
	ok(events_suspect_boots(db, "SELECT b.id FROM boots b WHERE b.boot_index = 1 AND ?1 IS NOT NULL", "one",
				&s) == 0 && s.n == 0, "a selection of clean boots has none");
	suspect_set_free(&s);
	db_close(db);
	unlink(path);
	free(path);
	path = xasprintf("%s/e.db-wal", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/e.db-shm", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	return tap_done();
}
