#!/bin/bash
# A results stream that stops mid-record without a panic: the complete case
# is kept, the cut is an event, the boot is stored as truncated.
. "$(dirname "$0")/run-common.bash"
plan 11
fake_kernel cut truncate
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel cut --db "$DB" --accel tcg \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
ok $((st != 6)) "exit status 6 for a truncated stream (got $st)"
ok_sql "$DB" "SELECT count(*) FROM events WHERE kind='truncated'" -eq 1 "a truncated event"
ok_sql "$DB" "SELECT count(*) FROM boots WHERE status='truncated'" -eq 1 "the boot is stored as truncated"
ok_sql "$DB" "SELECT count(*) FROM cases WHERE status='ok'" -eq 1 "the complete case before the cut is kept"
ok_sql "$DB" "SELECT count(*) FROM runs WHERE status='complete'" -eq 0 "the run is not shown as complete"
d=$(q "SELECT run_dir FROM runs")
for f in console.log qemu-cmd plan.json results.jsonl initramfs.cpio; do
	[ -s "$d/cut/boot0/$f" ]
	ok $? "run directory keeps $f"
done
no_orphans
ok $? "nothing left running"
tap_done
