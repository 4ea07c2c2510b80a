#!/bin/bash
# A results stream that stops mid-record without a panic: the complete case
# is kept, the cut is an event, the boot is stored as truncated.
. "$(dirname "$0")/run-common.bash"
plan 13
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
# vCPU pinning (two or more host CPUs) talks QMP over a socket: never at a
# predictable /tmp name another local user could pre-create.
if [ "$(nproc)" -gt 1 ]; then
	qmp=$(grep -o 'unix:[^,]*' "$d/cut/boot0/qemu-cmd" | head -1)
	qmp=${qmp#unix:}
	[[ $qmp == /tmp/gupbench-qmp.??????/qmp.sock ]]
	ok $? "the QMP socket is in a private mkdtemp directory ($qmp)"
	[ -n "$qmp" ] && [ ! -e "${qmp%/*}" ]
	ok $? "which is removed after the boot"
else
	skip 2 "a single host CPU: no vCPU pinning, no QMP socket"
fi
no_orphans
ok $? "nothing left running"
tap_done
