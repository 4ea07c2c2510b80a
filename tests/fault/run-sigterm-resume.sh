#!/bin/bash
# SIGTERM in the middle of a run: no QEMU survives, the run is incomplete,
# and `run --resume` runs only the missing cases of each kernel.
. "$(dirname "$0")/run-common.bash"
plan 11
fake_kernel k1 slow
fake_kernel k2 slow
export FAKE_QEMU_DELAY=1
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel k1 --kernel k2 --db "$DB" --accel tcg \
	>"$SCRATCH/out" 2>"$SCRATCH/err" &
pid=$!
# wait for the first case record of k1
for _ in $(seq 100); do
	grep -qs '"type":"case"' "$SCRATCH"/runs/*/k1/boot0/results.jsonl && break
	sleep 0.1
done
kill -TERM $pid
wait $pid
st=$?
ok $((st != 130)) "interrupted run exits 130 (got $st)"
sleep 0.3
no_orphans
ok $? "no QEMU survives SIGTERM"
ok_sql "$DB" "SELECT count(*) FROM runs WHERE status='incomplete'" -eq 1 "the run is marked incomplete"
ok_sql "$DB" "SELECT count(*) FROM events WHERE kind='interrupted'" -ge 1 "the interruption is an event"
before=$(q "SELECT count(*) FROM cases")
ok $((before < 1 || before > 2)) "the case(s) done before SIGTERM are stored ($before)"
uuid=$(q "SELECT uuid FROM runs")
echo ok >"$GUPBENCH_CACHE/kernels/key-k1/fake-mode"
echo ok >"$GUPBENCH_CACHE/kernels/key-k2/fake-mode"
timeout 60 "$GUPHARNESS" run --resume "$uuid" --db "$DB" --accel tcg >"$SCRATCH/out2" 2>"$SCRATCH/err2"
st=$?
ok $((st != 0)) "resume completes (got $st)"
for k in k1 k2; do
	n=$(q "SELECT count(DISTINCT c.case_id) || '/' || count(*) FROM cases c JOIN boots b ON c.boot_id=b.id JOIN kernels k ON b.kernel_id=k.id WHERE k.name='$k'")
	ok $([ "$n" = 3/3 ]; echo $?) "$k: every case stored exactly once ($n)"
done
ran=$(grep -c '"type":"case"' "$SCRATCH"/runs/"$uuid"/k1/boot0.2/results.jsonl)
ok $((ran != 3 - before)) "resume ran only k1's missing cases ($ran)"
ok_sql "$DB" "SELECT count(*) FROM runs WHERE status='complete'" -eq 1 "the run is complete after resume"
no_orphans
ok $? "nothing left running"
tap_done
