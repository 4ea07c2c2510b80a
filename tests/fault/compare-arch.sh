#!/bin/bash
# compare refuses to set boots of two architectures against each other
# (status 2, one line naming both arches and --cross-arch), does it with
# --cross-arch, and compares two imports of one arch. The rule is
# compare_run()'s, the one plot beforeafter uses too: a boot's arch is its
# guest's (the stream's env), else its kernel's.
. "$(dirname "$0")/../lib.sh"
plan 4
scratch
D=$SCRATCH/c.db
H=$GUPHARNESS
timeout 30 "$H" db import "$ROOT/tests/fixtures/linux-6.1.jsonl" --db "$D" --kernel k-a --label A >/dev/null 2>&1
timeout 30 "$H" db import "$ROOT/tests/fixtures/linux-6.12.jsonl" --db "$D" --kernel k-b --label B >/dev/null 2>&1
timeout 30 "$H" compare A B --db "$D" >/dev/null 2>"$SCRATCH/err"
st=$?
[ $st -le 1 ]
ok $? "two imports of one guest arch compare (status $st)"
# set_arch KERNEL ARCH: the kernel's arch and its boots' guest arch
set_arch() {
	sqlite3 "$D" "UPDATE kernels SET arch = '$2' WHERE name = '$1';
		UPDATE boots SET guest_env = json_set(guest_env, '\$.arch', '$2')
		WHERE kernel_id = (SELECT id FROM kernels WHERE name = '$1')"
}
set_arch k-a x86_64
set_arch k-b arm64
timeout 30 "$H" compare A B --db "$D" >/dev/null 2>"$SCRATCH/err"
st=$?
[ $st -eq 2 ] && [ "$(wc -l <"$SCRATCH/err")" -eq 1 ] && grep -q "x86_64.*arm64.*--cross-arch" "$SCRATCH/err"
ok $? "x86_64 against arm64 is refused with status 2 (got $st: $(cat "$SCRATCH/err"))"
timeout 30 "$H" compare A B --db "$D" --cross-arch >"$SCRATCH/out" 2>&1
st=$?
[ $st -le 1 ] && grep -q "cases compared" "$SCRATCH/out"
ok $? "--cross-arch compares them anyway (status $st)"
set_arch k-a arm64
timeout 30 "$H" compare A B --db "$D" >/dev/null 2>&1
st=$?
[ $st -le 1 ]
ok $? "two arm64 kernels compare (status $st)"
tap_done
