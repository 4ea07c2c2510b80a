#!/bin/bash
# A results stream that stops mid-record without a panic: the complete case
# is kept, the cut is an event, the boot is stored as truncated.
. "$(dirname "$0")/run-common.bash"
fake_kernel cut truncate
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel cut --db "$DB" --accel tcg \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
ok $((st != 6)) "exit status 6 for a truncated stream (got $st)"
ok $(($(q "SELECT count(*) FROM events WHERE kind='truncated'") != 1)) "a truncated event"
ok $(($(q "SELECT count(*) FROM boots WHERE status='truncated'") != 1)) "the boot is stored as truncated"
ok $(($(q "SELECT count(*) FROM cases WHERE status='ok'") != 1)) "the complete case before the cut is kept"
ok $(($(q "SELECT count(*) FROM runs WHERE status='complete'") != 0)) "the run is not shown as complete"
d=$(q "SELECT run_dir FROM runs")
for f in console.log qemu-cmd plan.json results.jsonl initramfs.cpio; do
	[ -s "$d/cut/boot0/$f" ]
	ok $? "run directory keeps $f"
done
no_orphans
ok $? "nothing left running"
tap_done
