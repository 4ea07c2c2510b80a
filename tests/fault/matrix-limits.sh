#!/bin/bash
# matrix-limits: expansion is capped (10,000 cases unless --max-cases says
# more) and linear in the number of cases; a matrix past the cap is refused
# at once with its size and the option that raises it, by `matrix show` and
# by `run` before anything boots.
. "$(dirname "$0")/../lib.sh"
plan 8
scratch
H=$GUPHARNESS
seq_json() { local a=() i; for ((i = 1; i <= $1; i++)); do a+=("$i"); done; local IFS=,; echo "[${a[*]}]"; }
# 120 sizes x 200 page counts = 24,000 cases
echo "{\"name\":\"big\",\"axes\":{\"cmd\":\"L\",\"size_mb\":$(seq_json 120),\"nr_pages\":$(seq_json 200),\"thp\":\"on\"}}" \
	>"$SCRATCH/24k.json"
# 120 x 200 x 6 x 2 x 2 x 50 = 28,800,000 cases
echo "{\"name\":\"huge\",\"axes\":{\"cmd\":\"L\",\"size_mb\":$(seq_json 120),\"nr_pages\":$(seq_json 200),
	\"hugetlb\":[\"none\",\"2M\",\"1G\",\"64K\",\"32M\",\"default\"],\"write\":[true,false],\"shared\":[true,false],
	\"threads\":$(seq_json 50)}}" >"$SCRATCH/huge.json"

TIMEFORMAT=%U
cpu=$( { time timeout 60 "$H" matrix show "$SCRATCH/24k.json" --max-cases 30000 >"$SCRATCH/out" 2>"$SCRATCH/err"; } 2>&1 )
st=$?
ok $st "24,000 cases with --max-cases 30000: shown (status $st: $(head -c 160 "$SCRATCH/err"))"
tail -1 "$SCRATCH/out" | grep -q '^24000 cases'
ok $? "all 24,000 of them"
[ $st -eq 0 ] && awk -v c="$cpu" 'BEGIN { exit !(c < 1.0) }'
ok $? "in linear time: under 1 s of CPU (${cpu} s)"

timeout 60 "$H" matrix show "$SCRATCH/24k.json" >/dev/null 2>"$SCRATCH/err"
st=$?
ok $([ $st -eq 2 ]; echo $?) "24,000 cases without --max-cases: exit 2 (got $st)"
grep -q "24000 cases" "$SCRATCH/err" && grep -q -- "--max-cases" "$SCRATCH/err"
ok $? "naming the size and --max-cases ($(head -c 200 "$SCRATCH/err"))"

t0=$(date +%s)
timeout 60 "$H" matrix show "$SCRATCH/huge.json" --max-cases 100000 >/dev/null 2>"$SCRATCH/err"
st=$?
ok $([ $st -eq 2 ] && [ $(( $(date +%s) - t0 )) -lt 5 ]; echo $?) \
	"28,800,000 cases: refused at once, exit 2 (got $st in $(( $(date +%s) - t0 )) s)"
grep -q "28800000 cases" "$SCRATCH/err" && grep -q -- "--max-cases" "$SCRATCH/err"
ok $? "with the size it would have and the cap ($(head -c 200 "$SCRATCH/err"))"

export GUPBENCH_CACHE=$SCRATCH/cache
unset GUPBENCH_NAMES   # a private cache has its own names
timeout 20 "$H" run --matrix "$SCRATCH/huge.json" --kernel none --db "$SCRATCH/r.db" >/dev/null 2>"$SCRATCH/err"
st=$?
ok $([ $st -eq 2 ] && [ ! -e "$SCRATCH/r.db" ]; echo $?) "run refuses it too, exit 2, before touching a database (got $st)"
tap_done
