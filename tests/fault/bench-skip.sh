#!/bin/bash
# bench-skip: without a gup_test file the bench exits 4 (SKIP) with one line
# naming the cause and the fix, as text, as --json and in a plan stream.
. "$(dirname "$0")/../lib.sh"
plan 8
scratch
export GUPBENCH_GUP_TEST=$SCRATCH/no/gup_test

timeout 30 "$GUPBENCH" -m 1 -L >"$SCRATCH/out" 2>"$SCRATCH/err"
ok $([ $? -eq 4 ] && echo 0 || echo 1) "missing gup_test exits 4"
ok $([ "$(wc -l <"$SCRATCH/err")" -eq 1 ] && grep -q "skip: no '$GUPBENCH_GUP_TEST'" "$SCRATCH/err" && echo 0 || echo 1) \
	"one line naming the file"
ok $(grep -q "unset it" "$SCRATCH/err" && echo 0 || echo 1) "the line says the fix"

timeout 30 "$GUPBENCH" -m 1 -L --json --out "$SCRATCH/r.json" 2>/dev/null
ok $([ $? -eq 4 ] && echo 0 || echo 1) "--json exits 4 as well"
ok $(jq -e '.format == "gupbench-result-1" and .cases[0].status == "skip" and .env.gup_test == false' \
	"$SCRATCH/r.json" >/dev/null && echo 0 || echo 1) "--json document records the skip"
ok $([ ! -e "$SCRATCH/r.json.tmp" ] && echo 0 || echo 1) "no temporary file left"

cat >"$SCRATCH/plan.json" <<'PLAN'
{"format": "gupbench-plan-1",
 "cases": [{"id": "a", "argv": ["-m", "1", "-L"]}, {"id": "b", "argv": ["-m", "2"]}]}
PLAN
timeout 60 "$GUPBENCH" --plan "$SCRATCH/plan.json" >"$SCRATCH/stream" 2>/dev/null
ok $([ $? -eq 4 ] && echo 0 || echo 1) "a plan whose cases all skip exits 4"
ok $(jq -s -e '[.[].seq] == [0,1,2,3,4,5] and .[0].type == "env" and .[5].type == "end" and .[5].skip == 2' \
	"$SCRATCH/stream" >/dev/null && echo 0 || echo 1) "stream: env, start/case twice, end, seq 0..5"
tap_done
