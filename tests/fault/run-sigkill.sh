#!/bin/bash
# SIGKILL of `gupharness run` mid-boot: no handler runs, yet the guest's
# QEMU must not outlive the harness (it asks the kernel for SIGKILL when its
# parent dies), so a hung guest cannot run forever under PID 1.
. "$(dirname "$0")/run-common.bash"
plan 2
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
tap_done
