#!/bin/bash
# `gupharness run` with a kernel that panics after its first case, then a
# healthy kernel: the panic is an event with the console excerpt, the case
# before it is kept, the other kernel runs all its cases, exit status 6.
. "$(dirname "$0")/run-common.bash"
plan 11
fake_kernel bad panic
fake_kernel good ok
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel bad --kernel good --db "$DB" --accel tcg \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
ok $((st != 6)) "exit status 6 for a guest fault (got $st)"
ok_sql "$DB" "SELECT count(*) FROM events WHERE kind='panic' AND excerpt LIKE '%Kernel panic - not syncing%' AND excerpt LIKE '%Oops: 0002%'" -eq 1 "one panic event with the console excerpt"
ok_sql "$DB" "SELECT count(*) FROM events e JOIN kernels k ON e.kernel_id=k.id WHERE e.kind='panic' AND k.name='bad' AND e.case_id IS NULL" -eq 1 "panic after the case finished names no case"
ok_sql "$DB" "SELECT count(*) FROM cases c JOIN boots b ON c.boot_id=b.id JOIN kernels k ON b.kernel_id=k.id WHERE k.name='bad'" -eq 1 "the case before the panic is stored"
ok_sql "$DB" "SELECT count(*) FROM boots b JOIN kernels k ON b.kernel_id=k.id WHERE k.name='bad' AND b.status='panic'" -eq 1 "the boot is stored as panic"
ok_sql "$DB" "SELECT count(*) FROM cases c JOIN boots b ON c.boot_id=b.id JOIN kernels k ON b.kernel_id=k.id WHERE k.name='good' AND c.status='ok'" -eq 3 "the other kernel runs every case"
ok_sql "$DB" "SELECT count(*) FROM samples" -eq 8 "samples of 4 cases stored"
ok_sql "$DB" "SELECT count(*) FROM runs WHERE status='incomplete' AND accel='tcg'" -eq 1 "the run is marked incomplete"
grep -q "kernel panic" "$SCRATCH/err"
ok $? "the panic is reported on stderr"
grep -q -- "-L -m 128 -n 3" "$SCRATCH/out"
ok $? "the summary table lists the cases"
no_orphans
ok $? "no QEMU left running"
tap_done
