#!/bin/bash
# clock-mode: the guest clock as the harness takes and stores it.
# db import files a stream under the clock it is told (wall by default);
# run refuses icount under KVM and unknown modes before storing anything.
# The QEMU side (argv, kernel command line) is covered by test_run.
. "$(dirname "$0")/../lib.sh"
plan 12
scratch
export GUPBENCH_QUIET=1
H=$GUPHARNESS
D=$SCRATCH/c.db

synth_streams "a=2 5 1 1 5 6.12.0" "b=2 5 2 1 5 6.12.0"
ok $? "synthetic streams"
check "import with --clock icount" -- timeout 30 "$H" db import "$SCRATCH/a.jsonl" --db "$D" --clock icount --label I
check "import without --clock" -- timeout 30 "$H" db import "$SCRATCH/b.jsonl" --db "$D" --label W
got=$(sqlite3 "$D" "SELECT group_concat(r.label || '=' || b.clock, ' ') FROM boots b JOIN runs r ON r.id = b.run_id ORDER BY r.id")
[ "$got" = "I=icount W=wall" ]
ok $? "each boot is stored with its clock, wall by default (got '$got')"

timeout 30 "$H" db import "$SCRATCH/b.jsonl" --db "$SCRATCH/x.db" --clock tsc >/dev/null 2>"$SCRATCH/err"
ok $(($? != 2)) "an unknown clock for import exits 2"
check "naming the option and the choices" -- grep -q "'--clock'.*wall|icount" "$SCRATCH/err"
check "and stores nothing" -- test ! -e "$SCRATCH/x.db"

timeout 30 "$H" run --matrix "$ROOT/tests/e2e/small.json" --kernel any --db "$SCRATCH/r.db" \
	--clock icount --accel kvm >/dev/null 2>"$SCRATCH/err"
ok $(($? != 2)) "run --clock icount --accel kvm exits 2"
check "saying icount needs TCG" -- grep -q "icount needs TCG" "$SCRATCH/err"
timeout 30 "$H" run --matrix "$ROOT/tests/e2e/small.json" --kernel any --db "$SCRATCH/r2.db" \
	--clock cycles >/dev/null 2>"$SCRATCH/err"
ok $(($? != 2)) "run --clock with an unknown mode exits 2"
check "naming the choices" -- grep -q "auto|icount|wall" "$SCRATCH/err"
check "and nothing was stored" -- test ! -e "$SCRATCH/r.db" -a ! -e "$SCRATCH/r2.db"
tap_done
