#!/bin/bash
# Where a matrix's time goes, in one run on one host: MATRIX (default the
# 180 cases of vmtests-gup) is run in ONE boot of KERNEL with a selftest twin
# of each case (the kernel's own gup_test, same boot), while every line of
# the results stream is stamped with the host time it arrived. Printed:
#   boot       host: `gupharness run` start to the env record
#   wall       host: per tool, sum over its cases of start record to case record
#   kernel     guest: the kernel's get+put deltas summed over every repeat
#   phases     guest CLOCK_MONOTONIC (instruction-counted under icount) from
#              each gupbench case record's "phases": setup (open, mmap,
#              madvise), fault-in, gup (the ioctl loop; kernel get+put is part
#              of it), teardown (munmap), and the executor's whole case
#              (fork to record); stream: the end record's stream_s
#   ingest     host: `gupharness db import` of the boot's stream, fresh DB
# Ratios within the run are what to read: the host is shared and noisy.
# OVERHEAD_KEEP=FILE keeps the stamped stream (host time, tab, record).
# The check that can fail on a slow host is the overhead target:
# gupbench's time <= 2.5 x the kernel's summed get+put + one boot (host
# wall under --clock wall; under icount the guest clock, see below).
# GUPBENCH_PERF_SHORT=1 (the form `make check` runs, so the script cannot
# rot unseen): the default matrix is tests/e2e/verdicts.json, 12 of the 180.
#   tests/perf/vmtests-overhead.sh [icount|wall] [KERNEL] [MATRIX]
#   (default icount, linux-6.12, harness/matrices/vmtests-gup.json)
. "$(dirname "$0")/../lib.sh"
MODE=${1:-icount}
KERNEL=${2:-linux-6.12}
MATRIX=${3:-$ROOT/harness/matrices/vmtests-gup.json}
[ "${GUPBENCH_PERF_SHORT:-0}" = 1 ] && [ -z "${3:-}" ] && MATRIX=$ROOT/tests/e2e/verdicts.json
case $MODE in
icount | wall) ;;
*)
	echo "usage: $0 [icount|wall] [KERNEL] [MATRIX]: the clock mode is icount or wall, not '$MODE'" >&2
	exit 2
	;;
esac
plan 5
scratch
DB=$SCRATCH/o.db
stock_kernel "$KERNEL" || { echo "not ok 1 - kernel build '$KERNEL'"; exit 1; }
jq '. + {selftest: true}' "$MATRIX" >"$SCRATCH/m.json" ||
	{ echo "not ok - cannot read the matrix '$MATRIX' (a JSON matrix file)"; exit 1; }

# stamp PID: each line of the boot's stream, prefixed with its host arrival time, until PID exits
stamp() {
	local f
	while kill -0 "$1" 2>/dev/null; do
		f=$(ls "$SCRATCH"/runs/*/"$KERNEL"/boot0/results.jsonl 2>/dev/null) && break
		sleep 0.02
	done
	[ -n "$f" ] || return
	tail --pid="$1" -n +1 -F "$f" 2>/dev/null | while IFS= read -r l; do
		printf '%s\t%s\n' "$EPOCHREALTIME" "$l"
	done
}

echo "# $MODE: $KERNEL, $(jq -r .name "$MATRIX") with selftest twins, one boot (started $(date -u +%T))" >&2
t0=$EPOCHREALTIME
GUPBENCH_QUIET=1 nice "$GUPHARNESS" run --matrix "$SCRATCH/m.json" --kernel "$KERNEL" --db "$DB" \
	--accel tcg --clock "$MODE" --label overhead >/dev/null 2>"$SCRATCH/err" &
run=$!
stamp $run >"$SCRATCH/stamped" &
stamper=$!
wait $run
st=$?
t_run=$EPOCHREALTIME
wait $stamper
[ $st -eq 0 ] || { cat "$SCRATCH/err" >&2; echo "not ok - the $MODE run of '$MATRIX' on '$KERNEL' exited $st"; exit 1; }
results=$(ls "$SCRATCH"/runs/*/"$KERNEL"/boot0/results.jsonl)
t_imp=$EPOCHREALTIME
"$GUPHARNESS" db import "$results" --db "$SCRATCH/import.db" --kernel "$KERNEL" --clock "$MODE" >/dev/null 2>&1
ok $? "the boot's stream imports into a fresh database"
t_imp_end=$EPOCHREALTIME

# the figures, from the stamped stream (t: host seconds, r: the record)
jq -R -s -r --argjson t0 "$t0" --argjson trun "$t_run" --argjson ingest "$(echo "$t_imp_end - $t_imp" | bc)" '
	[split("\n")[] | select(length > 0) | split("\t") | {t: (.[0] | tonumber), r: (.[1] | fromjson)}] as $L
	| ($L | map(select(.r.type == "env")) | .[0].t) as $tenv
	| ($L | map(select(.r.type == "end")) | .[0]) as $fin
	| (reduce $L[] as $x ({}; if $x.r.type == "start" then .[$x.r.id] = $x.t else . end)) as $starts
	| [$L[] | select(.r.type == "case") | .r as $r | {
		tool: $r.tool, wall: (.t - $starts[$r.id]),
		kernel: ((([$r.samples[] | .get_us + (.put_us // 0)] | add) // 0) / 1e6),
		ph: ($r.phases // {}),
		type: "\($r.params.thp)\(if $r.params.hugetlb then "+hugetlb" else "" end)\(if $r.params.shared then " shared" else " private" end)",
		twin: ($r.id | sub("/selftest$"; ""))}] as $C
	| def sum(f): map(f // 0) | add // 0;
	  def r3: . * 1000 | round / 1000;
	  ($C | map(select(.tool == "gupbench"))) as $G | ($C | map(select(.tool == "selftest"))) as $S
	| ($tenv - $t0) as $boot
	| "boot_s \($boot | r3)",
	  "cases_s \(($fin.t - $tenv) | r3)",
	  "run_s \(($trun - $t0) | r3)",
	  "ingest_s \($ingest)",
	  "stream_s \($fin.r.stream_s // 0 | r3)",
	  "gupbench_n \($G | length)",
	  "gupbench_wall_s \($G | sum(.wall) | r3)",
	  "gupbench_kernel_s \($G | sum(.kernel) | r3)",
	  "selftest_n \($S | length)",
	  "selftest_wall_s \($S | sum(.wall) | r3)",
	  "selftest_kernel_s \($S | sum(.kernel) | r3)",
	  # like for like: the selftest prints times only for its *_BENCHMARK
	  # commands (-u -a -L); its -U and -b twins say "done" and carry none
	  ([$S[] | select(.kernel > 0) | {key: .twin, value: .kernel}] | from_entries) as $St
	| ([$G[] | select($St[.twin] != null) | {g: .kernel, s: $St[.twin]}]) as $P
	| "both_n \($P | length)",
	  "both_gupbench_s \($P | sum(.g) | . * 1e6 | round / 1e6)",
	  "both_selftest_s \($P | sum(.s) | . * 1e6 | round / 1e6)",
	  "both_min \($P | map(.g / .s) | min // 0 | r3)",
	  "both_max \($P | map(.g / .s) | max // 0 | r3)",
	  (["setup_s", "fault_s", "gup_s", "teardown_s", "case_s"][] as $k | "phase_\($k) \($G | sum(.ph[$k]) | r3)"),
	  "populate \($G | map(.ph.populate // "none") | group_by(.) | map("\(.[0]):\(length)") | join(","))",
	  ($C | group_by(.type)[] | (map(select(.tool == "gupbench")) | sum(.kernel)) as $g
		| (map(select(.tool == "selftest")) | sum(.kernel)) as $s
		| "kernel_by_type \(.[0].type | gsub(" "; "_")) \(map(select(.tool == "gupbench")) | length) \($g | r3) \($s | r3)")
' "$SCRATCH/stamped" >"$SCRATCH/fig" 2>"$SCRATCH/jqerr"
[ -s "$SCRATCH/fig" ] || { cat "$SCRATCH/jqerr" >&2; echo "not ok - the stamped stream gave no figures"; exit 1; }
declare -A F
while read -r k v; do F[$k]=$v; done <"$SCRATCH/fig"
[ -n "$OVERHEAD_KEEP" ] && cp "$SCRATCH/stamped" "$OVERHEAD_KEEP"
n=${F[gupbench_n]}
[ "$(echo "${F[gupbench_kernel_s]:-0} > 0 && ${F[phase_case_s]:-0} > 0" | bc)" = 1 ] ||
	{ echo "not ok - no kernel get+put or case time from the gupbench cases (did they run? see the stream)"; exit 1; }
ok_sql "$DB" "SELECT count(*) FROM cases WHERE status = 'ok' AND key NOT LIKE 'selftest:%'" -eq "$n" \
	"all $n gupbench cases ran and were stored ok"

per() { echo "scale=4; $1 / $n" | bc; }
pct() { echo "scale=1; 100 * $1 / ${F[phase_case_s]}" | bc; }
echo "# $MODE, $KERNEL: boot ${F[boot_s]} s; cases ${F[cases_s]} s; whole run ${F[run_s]} s; ingest ${F[ingest_s]} s"
echo "# gupbench: $n cases, wall ${F[gupbench_wall_s]} s (host), kernel get+put ${F[gupbench_kernel_s]} s (guest)," \
	"ratio $(echo "scale=2; ${F[gupbench_wall_s]} / ${F[gupbench_kernel_s]}" | bc)"
echo "# selftest: ${F[selftest_n]} cases, wall ${F[selftest_wall_s]} s (host), kernel get+put ${F[selftest_kernel_s]} s," \
	"gupbench/selftest wall $(echo "scale=2; ${F[gupbench_wall_s]} / ${F[selftest_wall_s]}" | bc)"
both=$(echo "scale=4; ${F[both_gupbench_s]} / ${F[both_selftest_s]}" | bc 2>/dev/null)
echo "# the ${F[both_n]} cases both tools time (the selftest reports no times for -U and -b): kernel get+put" \
	"gupbench ${F[both_gupbench_s]} s, selftest ${F[both_selftest_s]} s, ratio ${both:-?}" \
	"(per case ${F[both_min]}..${F[both_max]})"
echo "# gupbench phases (guest clock)  total s   per case s   % of case"
for k in setup_s fault_s gup_s teardown_s; do
	printf '#   %-26s %9s %12s %10s\n' "$k" "${F[phase_$k]}" "$(per "${F[phase_$k]}")" "$(pct "${F[phase_$k]}")"
done
other=$(echo "${F[phase_case_s]} - ${F[phase_setup_s]} - ${F[phase_fault_s]} - ${F[phase_gup_s]} - ${F[phase_teardown_s]}" | bc)
printf '#   %-26s %9s %12s %10s\n' "fork, exit, record (rest)" "$other" "$(per "$other")" "$(pct "$other")"
printf '#   %-26s %9s %12s\n' "case_s (whole case)" "${F[phase_case_s]}" "$(per "${F[phase_case_s]}")"
printf '#   %-26s %9s %12s   (end record, both tools)\n' "stream write" "${F[stream_s]}" \
	"$(echo "scale=4; ${F[stream_s]} / ($n + ${F[selftest_n]})" | bc)"
printf '#   %-26s %9s   (host: db import)\n' "ingest" "${F[ingest_s]}"
echo "# populate: ${F[populate]}"
echo "# kernel get+put by mapping type (guest s): cases, gupbench, selftest twins"
grep '^kernel_by_type ' "$SCRATCH/fig" | while read -r _ t n g st; do
	printf '#   %-24s %4s %9s %9s\n' "$t" "$n" "$g" "$st"
done
# Under icount the kernel's times are instructions (1 ns each), which the
# host runs at its own, load-dependent pace: the like-for-like figure is the
# guest clock's whole case time. Under wall both clocks are the host's.
if [ "$MODE" = wall ]; then
	spent=${F[gupbench_wall_s]} how="host wall"
else
	spent=${F[phase_case_s]} how="guest clock, whole cases"
fi
echo "# gupbench cases / kernel get+put: host wall $(echo "scale=2; ${F[gupbench_wall_s]} / ${F[gupbench_kernel_s]}" | bc)," \
	"guest clock $(echo "scale=2; ${F[phase_case_s]} / ${F[gupbench_kernel_s]}" | bc)"
limit=$(echo "2.5 * ${F[gupbench_kernel_s]}" | bc)
echo "# target ($how): gupbench cases $spent s + boot ${F[boot_s]} s <= 2.5 x kernel $limit s + boot"
[ "$(echo "$spent <= $limit" | bc)" = 1 ]
ok $? "$MODE: gupbench's time ($how) is within 2.5x the kernel's get+put, plus one boot"
[ "$(echo "${F[gupbench_wall_s]} < ${F[selftest_wall_s]}" | bc)" = 1 ]
ok $? "$MODE: gupbench's wall time is under the selftest's"
# The two tools read the same kernel deltas of the same ioctls: under icount
# they agree to within a few percent per case; the wall clock adds the
# host's load between a case and its twin.
tol=0.05
[ "$MODE" = wall ] && tol=0.25
[ "${F[both_n]:-0}" -gt 0 ] && [ "$(echo "${both:-0} >= 1 - $tol && ${both:-0} <= 1 + $tol" | bc)" = 1 ]
ok $? "$MODE: on the ${F[both_n]:-0} cases both tools time, gupbench's kernel get+put is within $tol of the selftest's (${both:-none})"
tap_done
