#!/bin/bash
# A guest that stops sending results: the boot's silence limit (--timeout)
# kills QEMU's process group, the hang is an event naming the case it hung
# in, nothing is left running, exit status 6.
. "$(dirname "$0")/run-common.bash"
plan 6
fake_kernel stuck hang
t0=$(date +%s)
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel stuck --db "$DB" --accel tcg --timeout 3 \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
t1=$(date +%s)
ok $((st != 6)) "exit status 6 for a hung guest (got $st)"
ok $((t1 - t0 > 20)) "killed after the 3 s limit, not later ($((t1 - t0)) s)"
ok_sql "$DB" "SELECT count(*) FROM events WHERE kind='timeout' AND case_id='-L -m 128 -n 1' AND excerpt LIKE '%self-detected stall%'" -eq 1 "timeout event names the case and has the console"
ok_sql "$DB" "SELECT count(*) FROM boots WHERE status='timeout'" -eq 1 "the boot is stored as timeout"
ok_sql "$DB" "SELECT count(*) FROM runs WHERE status='incomplete'" -eq 1 "the run is incomplete"
no_orphans
ok $? "the hung QEMU's whole process group is gone"
tap_done
