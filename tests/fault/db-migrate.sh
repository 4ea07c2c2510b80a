#!/bin/bash
# db-migrate: a database written by an older gupharness (schema version 2,
# tests/fixtures/db-schema-v2.sql: a run with a panic event) is migrated to
# version 4 on its first read-write open (3: events.kind takes the console
# kinds; 4: boots.vcpus): before that, read-only commands refuse it naming the
# version; after, every old row is there, the new kinds are accepted and
# unknown ones still refused, the file passes its checks, and its schema is
# exactly that of a database made new by this gupharness.
. "$(dirname "$0")/../lib.sh"
plan 12
scratch
export GUPBENCH_QUIET=1
H=$GUPHARNESS
OLD=$SCRATCH/old.db NEW=$SCRATCH/new.db
sqlite3 "$OLD" <"$ROOT/tests/fixtures/db-schema-v2.sql"
ok_sql "$OLD" "PRAGMA user_version" -eq 2 "the fixture is a version 2 database"
before=$(sqlite3 "$OLD" "SELECT kind, case_id, message, excerpt, at FROM events ORDER BY id" | sha256sum)
nsamples=$(sqlite3 "$OLD" "SELECT count(*) FROM samples")

timeout 30 "$H" db list --db "$OLD" >/dev/null 2>"$SCRATCH/err"
st=$?
grep -q "schema version 2; open it once read-write" "$SCRATCH/err"
ok $((st != 7 || $?)) "read-only 'db list' refuses the old file with exit 7, naming its version (got $st)"
timeout 30 "$H" db import "$ROOT/tests/fixtures/linux-6.1.jsonl" --db "$OLD" --kernel linux-6.1 >/dev/null 2>"$SCRATCH/err"
ok $? "'db import' opens it read-write and migrates it ($(head -c 200 "$SCRATCH/err"))"
ok_sql "$OLD" "PRAGMA user_version" -eq 4 "now version 4"
ok_sql "$OLD" "SELECT count(*) FROM pragma_table_info('boots') WHERE name = 'vcpus'" -eq 1 "boots gained vcpus"
after=$(sqlite3 "$OLD" "SELECT kind, case_id, message, excerpt, at FROM events ORDER BY id" | sha256sum)
[ "$before" = "$after" ] && [ -n "$nsamples" ]
ok $? "every old event kept, byte for byte"
ok_sql "$OLD" "SELECT count(*) FROM samples" -gt "${nsamples:-0}" "old samples kept and the import's added"
sqlite3 "$OLD" "INSERT INTO events (kind, message, at) VALUES ('rcu_stall', 'x', 'now'), ('warning', 'y', 'now')"
ok $? "the migrated file takes the console kinds"
! sqlite3 "$OLD" "INSERT INTO events (kind, message, at) VALUES ('nonsense', 'z', 'now')" 2>/dev/null
ok $? "and still refuses an unknown kind"
timeout 30 "$H" db check --db "$OLD" >/dev/null 2>&1
ok $? "the migrated file passes 'db check'"
timeout 30 "$H" db import "$ROOT/tests/fixtures/linux-6.1.jsonl" --db "$NEW" --kernel linux-6.1 >/dev/null 2>&1
schema() { sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"; }
[ -n "$(schema "$NEW")" ] && [ "$(schema "$OLD")" = "$(schema "$NEW")" ]
ok $? "its schema is exactly a new database's"
ok_sql "$OLD" "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'events_run' AND tbl_name = 'events'" \
	-eq 1 "the events index is rebuilt"
tap_done
