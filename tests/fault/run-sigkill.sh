#!/bin/bash
# SIGKILL of `gupharness run` mid-boot: no handler runs, yet the guest's
# QEMU must not outlive the harness (it asks the kernel for SIGKILL when its
# parent dies), so a hung guest cannot run forever under PID 1; the run,
# left 'running' in the database, shows as interrupted (its harness's lock
# is free) and --resume finishes it with no case stored twice.
. "$(dirname "$0")/run-common.bash"
plan 7
fake_kernel stuck hang
"$GUPHARNESS" run --matrix "$MATRIX" --kernel stuck --db "$DB" --accel tcg --timeout 600 \
	>"$SCRATCH/out" 2>"$SCRATCH/err" &
pid=$!
pidfile=
for _ in $(seq 100); do
	pidfile=$(ls "$SCRATCH"/runs/*/stuck/boot0/fake-qemu.pid 2>/dev/null | head -1)
	[ -s "$pidfile" ] && break
	sleep 0.1
done
qemu=$(cat "$pidfile" 2>/dev/null)
[ -n "$qemu" ] && [ -e "/proc/$qemu" ]
ok $? "the guest is running (QEMU pid ${qemu:-none})"
kill -KILL $pid
{ wait $pid; } 2>/dev/null
# gone, or a zombie waiting for init to reap it
alive() { [ -e "/proc/$1" ] && ! grep -qE '^[0-9]+ \(.*\) Z' "/proc/$1/stat" 2>/dev/null; }
for _ in $(seq 30); do alive "$qemu" || break; sleep 0.1; done
! alive "$qemu"
ok $? "QEMU is gone within 3 s of the harness's SIGKILL"
[ -n "$qemu" ] && alive "$qemu" && kill -KILL "$qemu"

"$GUPHARNESS" db list --db "$DB" >"$SCRATCH/list" 2>&1
grep -qE '^#1 .* interrupted ' "$SCRATCH/list"
ok $? "db list shows the run as interrupted ($(grep '^#1' "$SCRATCH/list"))"
uuid=$(q "SELECT uuid FROM runs")
echo ok >"$GUPBENCH_CACHE/kernels/key-stuck/fake-mode"
timeout 60 "$GUPHARNESS" run --resume "$uuid" --db "$DB" --accel tcg >"$SCRATCH/out2" 2>"$SCRATCH/err2"
ok $? "--resume finishes it ($(tail -c 200 "$SCRATCH/err2"))"
ok_sql "$DB" "SELECT count(*) FROM (SELECT DISTINCT case_id FROM cases)" -eq 3 "every case is stored"
ok_sql "$DB" "SELECT count(*) FROM cases" -eq 3 "and none twice"
"$GUPHARNESS" db list --db "$DB" | grep -qE '^#1 .* complete '
ok $? "the run is complete"
tap_done
