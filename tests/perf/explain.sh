#!/bin/bash
# Explain, by hand (`bash tests/perf/explain.sh`; minutes: six logged boots):
# the done-when claims of docs/explain.md that cost too much for make check
# (tests/e2e/explain.sh checks the patched function on a smaller case).
# Two explains of linux-6.12 against the no-thp-batch patch must print
# identical figures; linux-6.1 against linux-6.12 must show 6.1's walk of a
# THP range one 4 KiB subpage at a time (follow_page_mask called once per
# subpage, then gone from 6.12, whose __get_user_pages takes each folio in
# one step). Prints each explain's wall time. EXPLAIN_MB scales the case.
# (The 5% agreement with the measured change holds for a patch that leaves
# gup_test alone; 6.1 and 6.12 differ in gup_test's untimed code too.)
. "$(dirname "$0")/../lib.sh"
plan 6
scratch
H=$GUPHARNESS
PATCHED=linux-6.12+gupbench-no-thp-batch
MB=${EXPLAIN_MB:-32}
CASE="-L -m $MB -n 1024 -t"
SUBPAGES=$(( MB * 256 ))
$H kernel build --source /usr/src/linux-source-6.12.tar.xz --name linux-6.12 >/dev/null 2>&1
$H kernel build --source /usr/src/linux-source-6.12.tar.xz --series "$ROOT/kernel-patches/gupbench-no-thp-batch" \
	--name $PATCHED >/dev/null 2>&1
$H kernel build --source /usr/src/linux-source-6.1.tar.xz --name linux-6.1 >/dev/null 2>&1

timed() {   # timed NAME BASE NEW: explain into $SCRATCH/NAME.json, wall time on a # line
	local t0=$(date +%s)
	$H explain "$2" "$3" --case "$CASE" --format json --top 40 >"$SCRATCH/$1.json" 2>"$SCRATCH/$1.err"
	local st=$?
	echo "# explain $2 $3 --case '$CASE': $(( $(date +%s) - t0 )) s wall, status $st"
	return $st
}
timed a linux-6.12 $PATCHED
ok $? "explain runs on 6.12 against the patched kernel"
timed b linux-6.12 $PATCHED
ok $? "a second explain of the same pair runs"
jq -e '.total_base > 0' "$SCRATCH/a.json" >/dev/null && cmp -s "$SCRATCH/a.json" "$SCRATCH/b.json"
ok $? "the two explains print identical figures"
timed c linux-6.1 linux-6.12
ok $? "explain runs on 6.1 against 6.12"
J=$SCRATCH/c.json
jq -c '{total_base, total_new, measured_base_insns, measured_new_insns}' "$J" | sed 's/^/# /'
jq -e --argjson n "$SUBPAGES" '[.functions[] | select(.function == "follow_page_mask" and .calls_base >= $n
	and .calls_new == 0)] | length == 1' "$J" >/dev/null
ok $? "6.1 calls follow_page_mask once per 4 KiB subpage ($SUBPAGES or more), 6.12 not at all"
jq -e '.total_new < .total_base / 2' "$J" >/dev/null
ok $? "6.12 executes less than half of 6.1's instructions beneath gup_test_ioctl"
tap_done
