#!/bin/bash
# bench-worker: a plan's gup_test cases run in one worker child. A case that
# kills the worker (SIGBUS: a shared mapping of an empty file) is an error
# record naming the signal, and the cases after it still run; cases of one
# mapping type run together within a stretch of worker cases, a --fifo case
# (a child of its own) ends the stretch; every case record has phases.case_s
# and, once its range was mapped, phases.populate. gup_test is /dev/null
# here (the ioctls fail: the cases skip after their range was faulted in).
. "$(dirname "$0")/../lib.sh"
plan 7
scratch
export GUPBENCH_GUP_TEST=/dev/null
: >"$SCRATCH/empty"

cat >"$SCRATCH/plan.json" <<PLAN
{"format": "gupbench-plan-1",
 "cases": [
  {"id": "a1", "argv": ["-u", "-m", "4"]},
  {"id": "crash", "argv": ["-u", "-m", "4", "-S", "-f", "$SCRATCH/empty"]},
  {"id": "a2", "argv": ["-a", "-m", "4", "--populate", "madvise"]},
  {"id": "b1", "argv": ["-u", "-m", "4", "-S"]},
  {"id": "a3", "argv": ["-u", "-m", "4", "-W"]},
  {"id": "f", "argv": ["-u", "-m", "4", "--fifo", "1"]},
  {"id": "b2", "argv": ["-a", "-m", "4", "-S"]},
  {"id": "a4", "argv": ["-a", "-m", "4"]}
 ]}
PLAN
timeout 60 "$GUPBENCH" --plan "$SCRATCH/plan.json" >"$SCRATCH/stream" 2>"$SCRATCH/err"
ok $([ $? -eq 1 ] && echo 0 || echo 1) "a plan with a crashed case exits 1"
order=$(jq -r 'select(.type == "start") | .id' "$SCRATCH/stream" | tr '\n' ' ')
[ "$order" = "a1 a3 crash a2 b1 f b2 a4 " ]
ok $? "one mapping type together within a stretch, --fifo ends it (got '$order')"
jq -s -e '[.[] | select(.id == "crash" and .type == "case")] | length == 1 and
	.[0].status == "error" and .[0].reason == "killed by signal 7"' "$SCRATCH/stream" >/dev/null
ok $? "the case that killed the worker is an error naming SIGBUS"
jq -s -e '[.[] | select(.type == "case" and .id != "crash" and .id != "f") | .status] | length == 6 and all(. == "skip")' \
	"$SCRATCH/stream" >/dev/null
ok $? "the cases after it ran in a new worker (skip: /dev/null has no gup_test ioctls)"
jq -s -e '[.[] | select(.type == "case") | .phases.case_s | numbers] | length == 8' "$SCRATCH/stream" >/dev/null
ok $? "every case record has phases.case_s"
jq -s -e '[.[] | select(.type == "case") | {(.id): .phases.populate}] | add |
	.a1 == "touch" and .a2 == "madvise" and .crash == null' "$SCRATCH/stream" >/dev/null
ok $? "phases.populate: touch by default, madvise with --populate madvise, none for a crashed case"
jq -s -e '.[-1].type == "end" and .[-1].error == 1 and .[-1].skip == 7 and (.[-1].stream_s | numbers) >= 0' \
	"$SCRATCH/stream" >/dev/null
ok $? "the end record counts them and has stream_s"
tap_done
