#!/bin/bash
# db-merge: 'db merge' twice from another machine's database stores each
# run and boot once and keeps its uuid, host and clock mode; 'db export'
# filters; compare refuses sides of different clock modes (exit 2) unless
# --allow-mixed-clock; the compare exit status is a CI gate (0 no
# regression, 1 regression).
. "$(dirname "$0")/../lib.sh"
plan 21
scratch
export GUPBENCH_QUIET=1
H=$GUPHARNESS
A=$SCRATCH/a.db B=$SCRATCH/b.db

synth_streams "1=5 10 1 1 3 6.1.0" "2=5 10 2 1 3 6.1.0" "3=5 10 3 0.5 3 6.12.0"
ok $? "synthetic streams"
"$H" db import "$SCRATCH/1.jsonl" --db "$A" --label one >/dev/null &&
	"$H" db import "$SCRATCH/1.jsonl" --db "$B" --label one >/dev/null &&
	"$H" db import "$SCRATCH/2.jsonl" --db "$B" --label two >/dev/null &&
	"$H" db import "$SCRATCH/3.jsonl" --db "$B" --label three >/dev/null
ok $? "two databases with one stream in common"
sqlite3 "$B" "UPDATE hosts SET hostname = 'faraway'; INSERT INTO events (run_id, kind, message, at) VALUES (3, 'timeout', 'slow', 'x')"
sqlite3 "$B" "UPDATE boots SET clock = 'icount' WHERE run_id = 3"
timeout 60 "$H" db merge "$B" --db "$A" >"$SCRATCH/out"
ok $? "merge"
grep -q "new 1 kernels, 1 hosts, 3 runs, 2 boots, 10 cases, 120 samples, 1 events" "$SCRATCH/out"
ok $? "merge counts: the shared boot skipped ($(cat "$SCRATCH/out"))"
timeout 60 "$H" db merge "$B" --db "$A" >"$SCRATCH/out"
grep -q "new 0 kernels, 0 hosts, 0 runs, 0 boots, 0 cases, 0 samples, 0 events" "$SCRATCH/out"
ok $? "second merge adds nothing"
[ "$(sqlite3 "$A" 'SELECT count(*) FROM samples')" = 180 ]
ok $? "samples stored once: 3 boots x 5 cases x 12"
[ "$(sqlite3 "$A" "SELECT group_concat(b.clock) FROM boots b JOIN runs r ON r.id = b.run_id WHERE r.label = 'three'")" = icount ]
ok $? "merge keeps each boot's clock mode"
"$H" compare three one --db "$A" >/dev/null 2>"$SCRATCH/err"
ok $(($? != 2)) "compare refuses an icount side against a wall side (exit 2)"
grep -q "base 'three' (clock mode icount) and new 'one' (clock mode wall)" "$SCRATCH/err"
ok $? "  ... naming both sides and their modes: $(head -c 200 "$SCRATCH/err")"
grep -q -- "--allow-mixed-clock" "$SCRATCH/err"
ok $? "  ... and the option that allows it"
"$H" compare three one --db "$A" --allow-mixed-clock >/dev/null 2>&1
ok $(($? != 1)) "--allow-mixed-clock compares them (2x slower: exit 1)"
# the rest compares like with like
sqlite3 "$A" "UPDATE boots SET clock = 'wall'"
[ "$(sqlite3 "$A" "SELECT group_concat(uuid) FROM runs WHERE uuid IN (SELECT uuid FROM runs)")" != "" ] &&
	[ "$(sqlite3 "$A" "SELECT count(*) FROM runs r JOIN hosts h ON h.id = r.host_id WHERE h.hostname = 'faraway'")" = 3 ]
ok $? "provenance: merged runs keep their host"
sqlite3 "$B" 'SELECT uuid FROM runs ORDER BY uuid' >"$SCRATCH/ub"
sqlite3 "$A" 'SELECT uuid FROM runs ORDER BY uuid' >"$SCRATCH/ua"
! comm -23 "$SCRATCH/ub" "$SCRATCH/ua" | grep -q .
ok $? "provenance: every run uuid of the other database is present"
"$H" db check --db "$A" >/dev/null
ok $? "merged database passes db check"

rows=$("$H" db export --db "$A" --format csv --kernel linux-6.12.0 | wc -l)
ok $((rows != 61)) "export --kernel: 60 samples and a header (got $rows)"
"$H" db export --db "$A" --format json --case '-L -m 512 -n 1 -t' >"$SCRATCH/e.json"
n=$(grep -c '"get_us"' "$SCRATCH/e.json")
ok $((n != 36)) "export --case as JSON: 3 boots x 12 samples (got $n)"

"$H" compare one two --db "$A" >/dev/null
ok $? "A/A (two boots of the same kernel): exit 0"
"$H" compare three one --db "$A" >"$SCRATCH/out"
st=$?
ok $((st != 1)) "2x slower: exit 1 (got $st)"
grep -q "5 regressed" "$SCRATCH/out"
ok $? "2x slower: every case regressed"
"$H" compare linux-6.1.0 linux-6.12.0 --db "$A" --format json >"$SCRATCH/out"
ok $? "kernel vs kernel (2 boots vs 1): exit 0"
grep -q '"per_boot": true' "$SCRATCH/out"
ok $? "two boots on a side: per-boot medians used"
tap_done
