#!/bin/bash
# db-errors: the database's refusals. A newer schema is refused
# naming its version; a file that is not a gupbench database is never
# overwritten; a damaged one fails 'db check'; unknown names list the known
# ones; a locked database waits, then says so; a bad stream stores nothing.
. "$(dirname "$0")/../lib.sh"
plan 24
scratch
export GUPBENCH_QUIET=1 GUPBENCH_BUSY_TIMEOUT_MS=700
H=$GUPHARNESS
D=$SCRATCH/g.db

synth_streams "a=4 10 1 1 5 6.1.0" "b=4 10 2 1 5 6.12.0"
ok $? "synthetic streams"
timeout 30 "$H" db import "$SCRATCH/a.jsonl" --db "$D" --label A >/dev/null
ok $? "import a stream"
timeout 30 "$H" db import "$SCRATCH/a.jsonl" --db "$D" --label A >/dev/null
ok $? "import the same stream again succeeds"
n=$(sqlite3 "$D" 'SELECT count(*) FROM runs')
ok $((n != 1)) "... and stores it once ($n run)"

# A newer schema: refused, version named, file unchanged.
cp "$D" "$SCRATCH/newer.db"
sqlite3 "$SCRATCH/newer.db" 'PRAGMA user_version = 42'
before=$(sha256sum <"$SCRATCH/newer.db")
timeout 30 "$H" db list --db "$SCRATCH/newer.db" >/dev/null 2>"$SCRATCH/err"
st=$?
ok $((st != 7)) "newer schema: exit 7 (got $st)"
grep -q "schema version 42, newer" "$SCRATCH/err"
ok $? "newer schema: message names the version"
timeout 30 "$H" db import "$SCRATCH/b.jsonl" --db "$SCRATCH/newer.db" >/dev/null 2>&1
[ "$(sha256sum <"$SCRATCH/newer.db")" = "$before" ]
ok $? "newer schema: import leaves the file untouched"

# Not a database at all: never overwritten.
head -c 8192 /dev/urandom >"$SCRATCH/junk.db"
before=$(sha256sum <"$SCRATCH/junk.db")
timeout 30 "$H" db import "$SCRATCH/b.jsonl" --db "$SCRATCH/junk.db" >/dev/null 2>"$SCRATCH/err"
st=$?
ok $((st != 7)) "non-SQLite file: exit 7 (got $st)"
grep -q "is not a SQLite database" "$SCRATCH/err"
ok $? "non-SQLite file: says so"
[ "$(sha256sum <"$SCRATCH/junk.db")" = "$before" ] && [ ! -e "$SCRATCH/junk.db-wal" ]
ok $? "non-SQLite file: not overwritten"

# A damaged database: 'db check' finds it.
cp "$D" "$SCRATCH/damaged.db"
sqlite3 "$SCRATCH/damaged.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
pages=$(( $(stat -c %s "$SCRATCH/damaged.db") / 4096 ))
dd if=/dev/urandom of="$SCRATCH/damaged.db" bs=4096 seek=2 count=$((pages - 3)) conv=notrunc 2>/dev/null
timeout 30 "$H" db check --db "$SCRATCH/damaged.db" >"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
ok $((st != 7)) "damaged database: db check exits 7 (got $st)"
grep -qiE "corrupt|malformed|integrity" "$SCRATCH/out" "$SCRATCH/err"
ok $? "damaged database: says it is corrupt"
timeout 30 "$H" db check --db "$D" >/dev/null
ok $? "healthy database passes db check"

# Unknown names list the known ones.
timeout 30 "$H" compare A linux-9.9 --db "$D" >/dev/null 2>"$SCRATCH/err"
st=$?
ok $((st != 2)) "unknown name: exit 2 (got $st)"
grep -q "known kernels: 'linux-6.1.0'" "$SCRATCH/err" && grep -q "known labels: 'A'" "$SCRATCH/err"
ok $? "unknown name: known kernels and labels listed"
timeout 30 "$H" compare A A --db "$D" --format yaml >/dev/null 2>"$SCRATCH/err"
st=$?
ok $((st != 2)) "unknown format: exit 2 (got $st)"
grep -q "known: text, markdown, json, csv, report" "$SCRATCH/err"
ok $? "unknown format: known ones listed"

# A locked database: wait (GUPBENCH_BUSY_TIMEOUT_MS), then a clear message.
{ echo 'BEGIN IMMEDIATE; INSERT INTO events (kind, message, at) VALUES ("error", "lock", "now");'; sleep 4; echo 'COMMIT;'; } |
	sqlite3 "$D" &
locker=$!
sleep 1
t0=$(date +%s%N)
timeout 30 "$H" db import "$SCRATCH/b.jsonl" --db "$D" >/dev/null 2>"$SCRATCH/err"
st=$?
waited=$(( ($(date +%s%N) - t0) / 1000000 ))
wait $locker
ok $((st != 7)) "locked database: exit 7 (got $st)"
grep -q "is locked by another process" "$SCRATCH/err"
ok $? "locked database: says it is locked"
ok $((waited < 600)) "locked database: waited for the busy timeout (${waited} ms)"
timeout 30 "$H" db import "$SCRATCH/b.jsonl" --db "$D" >/dev/null
ok $? "after the lock is gone the import works"

# A malformed line: rejected with its line number, nothing stored.
runs=$(sqlite3 "$D" 'SELECT count(*) FROM runs')
sed '3s/.*/{"type":"case", broken/' "$SCRATCH/a.jsonl" >"$SCRATCH/bad.jsonl"
timeout 30 "$H" db import "$SCRATCH/bad.jsonl" --db "$D" >/dev/null 2>"$SCRATCH/err"
st=$?
ok $((st != 2)) "malformed stream: exit 2 (got $st)"
grep -q "line 3:" "$SCRATCH/err"
ok $? "malformed stream: line number given"
[ "$(sqlite3 "$D" 'SELECT count(*) FROM runs')" = "$runs" ]
ok $? "malformed stream: no run row left behind"
tap_done
