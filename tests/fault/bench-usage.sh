#!/bin/bash
# bench-usage: bad options and bad plans exit 2 with one clear line, before
# anything is measured; a malformed plan names its line and column.
. "$(dirname "$0")/../lib.sh"
plan 17
scratch

expect2() {  # expect2 DESCRIPTION PATTERN ARGS...
	local d=$1 pat=$2
	shift 2
	timeout 30 "$GUPBENCH" "$@" >/dev/null 2>"$SCRATCH/err"
	local st=$?
	ok $([ $st -eq 2 ] && grep -q -- "$pat" "$SCRATCH/err" && echo 0 || echo 1) "$d (exit $st)"
}
expect2 "size 0" "'-m'" -m 0
expect2 "nr_pages 0" "'-n'" -n 0
expect2 "nr_pages beyond the range" "larger than the range" -m 1 -n 1024
expect2 "unknown hugetlb size" "unknown hugetlb size '3M'" --hugetlb-size 3M
expect2 "unknown option" "unknown option '-x'" -x
expect2 "unknown long option" "unknown option '--frobnicate'" --frobnicate
expect2 "fifo priority out of range" "out of range" --fifo 100
expect2 "unknown workload" "unknown workload 'frob'" --workload frob
expect2 "an option the workload does not take" "option '-L' does not apply to workload 'ksm_merge'" \
	--workload ksm_merge -L
expect2 "-n for a workload without calls" "option '-n' does not apply to workload 'thp_split'" \
	--workload thp_split -n 4
expect2 "--source for gup_test" "option '--source' does not apply to workload 'gup_test'" --source /dev/ram0
expect2 "gup_bench lacks -U" "not in gup_bench's command line" --gup-bench -U
expect2 "-n -2" "'-n'" -n -2
expect2 "a workload in a plan case is checked up front" "does not apply to workload" \
	--plan <(printf '{"format": "gupbench-plan-1", "cases": [{"id": "a", "argv": ["--workload", "ksm_merge", "-H"]}]}')

printf '{"format": "gupbench-plan-1",\n  "cases": [ {"id": "a" "argv": []} ]}\n' >"$SCRATCH/bad.json"
expect2 "malformed plan" "line 2 column" --plan "$SCRATCH/bad.json"
printf '{"format": "gupbench-plan-1", "cases": [{"id": "a", "argv": ["-m", "x"]}]}\n' >"$SCRATCH/bad2.json"
expect2 "plan case with a bad option" "case 'a'" --plan "$SCRATCH/bad2.json"
expect2 "missing plan file" "cannot read plan" --plan "$SCRATCH/none.json"
tap_done
