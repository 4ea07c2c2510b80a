#!/bin/bash
# --resume stores the complete results streams already in the run directory
# before it boots anything: a run whose guest finished but whose storing
# failed (full disk, a lock held too long) must not be measured again. The
# database loses the boot (as if the write had failed), the kernel now hangs
# if booted, and --resume must still complete the run from the file alone.
. "$(dirname "$0")/run-common.bash"
plan 7
fake_kernel k ok
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel k --db "$DB" --accel tcg --no-pin >/dev/null 2>&1
ok $? "a run completes"
sqlite3 "$DB" "PRAGMA foreign_keys = ON; DELETE FROM boots; UPDATE runs SET status = 'incomplete'"
ok_sql "$DB" "SELECT count(*) FROM cases" -eq 0 "its boot is lost from the database (the stream stays on disk)"
uuid=$(q "SELECT uuid FROM runs")
echo hang >"$GUPBENCH_CACHE/kernels/key-k/fake-mode"
timeout 60 "$GUPHARNESS" run --resume "$uuid" --db "$DB" --accel tcg --no-pin --timeout 3 \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
ok $? "--resume completes without a boot (status $?: $(tail -c 200 "$SCRATCH/err"))"
ok_sql "$DB" "SELECT count(*) FROM cases" -eq 3 "the three cases come back from results.jsonl"
ok_sql "$DB" "SELECT vcpus FROM boots" -eq 1 "the recovered boot keeps its vCPU count (from its qemu-cmd)"
[ ! -e "$(q "SELECT run_dir FROM runs")/k/boot0.2" ]
ok $? "no second boot was made"
ok_sql "$DB" "SELECT count(*) FROM runs WHERE status = 'complete'" -eq 1 "the run is complete"
tap_done
