#!/bin/bash
# db-migrate: a database written by an older gupharness (schema version 2,
# tests/fixtures/db-schema-v2.sql: a run with a panic event) is migrated to
# version 5 on its first read-write open (3: events.kind takes the console
# kinds; 4: boots.vcpus; 5: a kernels row per build): before that, read-only commands refuse it naming the
# version; after, every old row is there, the new kinds are accepted and
# unknown ones still refused, the file passes its checks, and its schema is
# exactly that of a database made new by this gupharness. Kernel 'good' is
# made to look re-pointed after its boot (its row's build is newer than the
# boot, as schema 4 left a name moved by a later build): that boot moves to
# a row of build 'unknown', never pooled with the row's build; 'bad' stays.
# 'db check' fails on a copy whose boot disagrees with its kernel row.
. "$(dirname "$0")/../lib.sh"
plan 17
scratch
export GUPBENCH_QUIET=1
H=$GUPHARNESS
OLD=$SCRATCH/old.db NEW=$SCRATCH/new.db
sqlite3 "$OLD" <"$ROOT/tests/fixtures/db-schema-v2.sql"
ok_sql "$OLD" "PRAGMA user_version" -eq 2 "the fixture is a version 2 database"
sqlite3 "$OLD" "UPDATE kernels SET meta = json_set(meta, '$.built_at', '2026-12-02T00:00:00Z') WHERE name = 'good'"
before=$(sqlite3 "$OLD" "SELECT kind, case_id, message, excerpt, at FROM events ORDER BY id" | sha256sum)
nsamples=$(sqlite3 "$OLD" "SELECT count(*) FROM samples")

timeout 30 "$H" db list --db "$OLD" >/dev/null 2>"$SCRATCH/err"
st=$?
grep -q "schema version 2; open it once read-write" "$SCRATCH/err"
ok $((st != 7 || $?)) "read-only 'db list' refuses the old file with exit 7, naming its version (got $st)"
timeout 30 "$H" db import "$ROOT/tests/fixtures/linux-6.1.jsonl" --db "$OLD" --kernel linux-6.1 >/dev/null 2>"$SCRATCH/err"
ok $? "'db import' opens it read-write and migrates it ($(head -c 200 "$SCRATCH/err"))"
ok_sql "$OLD" "PRAGMA user_version" -eq 5 "now version 5"
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
ok_sql "$OLD" "SELECT count(*) FROM boots b JOIN kernels k ON k.id = b.kernel_id WHERE k.name = 'good'
	AND k.build = 'unknown' AND k.cache_key IS NULL" -eq 1 "the boot that predates 'good''s build is marked: build unknown"
ok_sql "$OLD" "SELECT count(*) FROM kernels WHERE name = 'good' AND build = 'exact' AND cache_key = 'key-good'" -eq 1 \
	"'good''s row keeps its build"
ok_sql "$OLD" "SELECT count(*) FROM boots b JOIN kernels k ON k.id = b.kernel_id WHERE k.name = 'bad'
	AND k.build = 'exact'" -eq 1 "'bad''s boot stays on its exact build"
cp "$OLD" "$SCRATCH/bad.db"
sqlite3 "$SCRATCH/bad.db" "UPDATE kernels SET release = '6.13.0-other' WHERE name = 'bad'"
timeout 30 "$H" db check --db "$SCRATCH/bad.db" >"$SCRATCH/out" 2>&1
st=$?
grep -q "boot vs its kernel row.*guest ran 6.12.0-fake, the row records 6.13.0-other" "$SCRATCH/out"
ok $((st == 0 || $?)) "'db check' fails (status $st) on a boot whose guest release disagrees with its kernel row: $(grep -m1 'kernel row' "$SCRATCH/out")"
cp "$OLD" "$SCRATCH/bad2.db"
sqlite3 "$SCRATCH/bad2.db" "UPDATE kernels SET meta = json_set(meta, '$.built_at', '2027-01-01T00:00:00Z') WHERE name = 'bad'"
timeout 30 "$H" db check --db "$SCRATCH/bad2.db" >"$SCRATCH/out" 2>&1
st=$?
grep -q "boot vs its kernel row.*before its build" "$SCRATCH/out"
ok $((st == 0 || $?)) "'db check' fails (status $st) on a boot older than its kernel row's build"
tap_done
