#!/bin/bash
# db-faults: database faults are told apart and nothing is written into a
# damaged file. 'db import' exits 2 for bad input, 7 for a
# damaged database, 8 for a full disk; 'db merge' refuses to merge a file
# into itself at once; a database on a read-only mount (no -shm can be made)
# is still readable by list, compare and export; writers that create one
# database at the same moment all succeed.
. "$(dirname "$0")/../lib.sh"
plan 18
scratch
export GUPBENCH_QUIET=1 GUPBENCH_BUSY_TIMEOUT_MS=700
H=$GUPHARNESS
D=$SCRATCH/g.db

synth_streams "a=4 10 1 1 5 6.1.0" "b=4 10 2 1 5 6.12.0" "big=40 200 3 1 5 6.12.0"
ok $? "synthetic streams"
timeout 30 "$H" db import "$SCRATCH/a.jsonl" --db "$D" --label A >/dev/null
ok $? "import a stream"

# A database damaged mid-file, header and schema intact (the page of the
# boots table, then of the events table, found with dbstat): exit 7, not
# "bad input" and not success, and the file is not written.
for table in boots events; do
	cp "$D" "$SCRATCH/damaged.db"
	sqlite3 "$SCRATCH/damaged.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	page=$(sqlite3 "$SCRATCH/damaged.db" "SELECT pageno FROM dbstat WHERE name = '$table' LIMIT 1")
	dd if=/dev/urandom of="$SCRATCH/damaged.db" bs=4096 seek=$((page - 1)) count=1 conv=notrunc 2>/dev/null
	before=$(sha256sum <"$SCRATCH/damaged.db")
	timeout 30 "$H" db import "$SCRATCH/b.jsonl" --db "$SCRATCH/damaged.db" >/dev/null 2>"$SCRATCH/err"
	st=$?
	ok $([ $st -eq 7 ] && grep -qiE "corrupt|damaged|malformed" "$SCRATCH/err" && ! grep -q "rejected" "$SCRATCH/err"
	     echo $?) "import into a database damaged at the $table table (page ${page:-?}): exit 7 naming the database (got $st: $(head -c 160 "$SCRATCH/err"))"
	[ "$(sha256sum <"$SCRATCH/damaged.db")" = "$before" ]
	ok $? "... and the damaged file is left as it was"
done

# A full disk (a file-size limit stands in for it): exit 8, nothing half-stored.
cp "$D" "$SCRATCH/full.db"
size=$(( $(stat -c %s "$SCRATCH/full.db") / 1024 + 8 ))
( trap '' XFSZ; ulimit -f "$size"; exec timeout 30 "$H" db import "$SCRATCH/big.jsonl" --db "$SCRATCH/full.db" ) \
	>/dev/null 2>"$SCRATCH/err"
st=$?
ok $([ $st -eq 8 ]; echo $?) "import onto a full disk: exit 8 (got $st)"
grep -qiE "disk|full|space|write" "$SCRATCH/err" && ! grep -q "rejected" "$SCRATCH/err"
ok $? "import onto a full disk: says so ($(head -c 200 "$SCRATCH/err"))"
ok_sql "$SCRATCH/full.db" "SELECT count(*) FROM runs" -eq 1 "import onto a full disk: the earlier run is intact, no new one"

# Merging a database into itself: refused at once, exit 2.
t0=$(date +%s%N)
timeout 60 "$H" db merge "$D" --db "$D" >/dev/null 2>"$SCRATCH/err"
st=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok $([ $st -eq 2 ]; echo $?) "db merge X --db X: exit 2 (got $st)"
grep -q "into itself" "$SCRATCH/err" && [ "$ms" -lt 2000 ]
ok $? "db merge X --db X: says so at once (${ms} ms: $(head -c 200 "$SCRATCH/err"))"
ln -s "$D" "$SCRATCH/alias.db"
timeout 60 "$H" db merge "$SCRATCH/alias.db" --db "$D" >/dev/null 2>&1
ok $([ $? -eq 2 ]; echo $?) "db merge through a symlink to the same file: refused too"

# Importing the same stream under another --kernel: not a silent success.
timeout 30 "$H" db import "$SCRATCH/a.jsonl" --db "$D" --kernel other >/dev/null 2>"$SCRATCH/err"
st=$?
ok $([ $st -ne 0 ]; echo $?) "the same stream under another --kernel is not a silent success (exit $st)"
grep -q "already stored" "$SCRATCH/err" && grep -q "linux-6.1.0" "$SCRATCH/err"
ok $? "it names the kernel it is stored under ($(head -c 200 "$SCRATCH/err"))"

# A read-only database directory: the WAL's -shm cannot be created.
mkdir "$SCRATCH/ro"
cp "$D" "$SCRATCH/ro/g.db"
sqlite3 "$SCRATCH/ro/g.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
rm -f "$SCRATCH/ro/g.db-wal" "$SCRATCH/ro/g.db-shm"
chmod 0555 "$SCRATCH/ro"
chmod 0444 "$SCRATCH/ro/g.db"
if [ -w "$SCRATCH/ro" ]; then
	# root ignores modes: make the directory immutable instead
	chattr +i "$SCRATCH/ro" 2>/dev/null
fi
if [ -w "$SCRATCH/ro" ] && touch "$SCRATCH/ro/x" 2>/dev/null; then
	rm -f "$SCRATCH/ro/x"
	skip 3 "cannot make a read-only directory here (root without chattr)"
else
	timeout 30 "$H" db list --db "$SCRATCH/ro/g.db" >"$SCRATCH/out" 2>"$SCRATCH/err"
	ok $? "read-only database: db list works ($(head -c 200 "$SCRATCH/err"))"
	timeout 30 "$H" compare A A --db "$SCRATCH/ro/g.db" >/dev/null 2>"$SCRATCH/err"
	ok $([ $? -le 1 ]; echo $?) "read-only database: compare works ($(head -c 200 "$SCRATCH/err"))"
	timeout 30 "$H" db export --db "$SCRATCH/ro/g.db" --format csv >"$SCRATCH/out" 2>"$SCRATCH/err"
	[ "$(wc -l <"$SCRATCH/out")" -gt 1 ]
	ok $? "read-only database: export works"
fi
chattr -i "$SCRATCH/ro" 2>/dev/null
chmod 0755 "$SCRATCH/ro"

# Writers that meet on a database that does not exist yet (make demo starts
# its runs side by side): one creates the schema, the others wait for it
# and find it there, and every stream is stored.
F=$SCRATCH/fresh.db pids=()
for s in a b big; do
	GUPBENCH_BUSY_TIMEOUT_MS=30000 timeout 60 "$H" db import "$SCRATCH/$s.jsonl" --db "$F" --label "c-$s" \
		>/dev/null 2>"$SCRATCH/err-$s" &
	pids+=($!)
done
st=0
for p in "${pids[@]}"; do wait "$p" || st=$?; done
ok_sql "$F" "SELECT count(*) FROM runs" -eq 3 \
	"three imports that create one database at once all store their run (status $st; $(cat "$SCRATCH"/err-* | head -c 200))"
tap_done
