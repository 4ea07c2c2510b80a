#!/bin/bash
# Boot to first result under TCG: `gupharness run` prepares a one-case boot
# (tiny -u case), then its exact qemu-cmd is booted again N times and the
# time from starting QEMU to the first case record on the results port is
# taken (polled every 10 ms). Prints TAP; fails when the median is over the
# target. Measure on an idle host: a kernel build next to it doubles it.
# CPUS (default: the plan's, 1) is passed to run --cpus, to price SMP boots.
# GUPBENCH_PERF_SHORT=1 (the form `make check` runs, so the script cannot
# rot unseen): 2 boots by default, and the median is printed but not held
# to the target (the suite shares the host with whatever else runs).
#   tests/perf/boot-latency.sh [KERNEL-NAME] [BOOTS] [CPUS]   (default linux-6.12, 5)
. "$(dirname "$0")/../lib.sh"
plan 1
scratch
SHORT=${GUPBENCH_PERF_SHORT:-0}
KERNEL=${1:-linux-6.12}
BOOTS=${2:-$([ "$SHORT" = 1 ] && echo 2 || echo 5)}
CPUS=${3:+--cpus $3}
TARGET=1.5
cat >"$SCRATCH/m.json" <<'M'
{ "name": "boot-latency", "axes": { "cmd": "u", "size_mb": 1, "nr_pages": 1 } }
M
stock_kernel "$KERNEL" || { echo "not ok 1 - kernel build '$KERNEL'"; exit 1; }
if ! GUPBENCH_QUIET=1 timeout 120 "$GUPHARNESS" run --matrix "$SCRATCH/m.json" --kernel "$KERNEL" \
	--db "$SCRATCH/r.db" --accel tcg --label boot-latency $CPUS >/dev/null 2>"$SCRATCH/err"; then
	cat "$SCRATCH/err" >&2
	echo "not ok 1 - a one-case run on '$KERNEL'"
	exit 1
fi
boot=$(echo "$SCRATCH"/runs/*/"$KERNEL"/boot0)
cmd=$(sed "s/ -qmp [^ ]*//" "$boot/qemu-cmd")   # its QMP socket went with the boot
times=()
for ((i = 0; i < BOOTS; i++)); do
	: >"$boot/results.jsonl"
	t0=$(date +%s.%N)
	timeout 60 bash -c "exec $cmd" &
	q=$!
	t=
	# the last look after QEMU exits: a fast boot may end between two polls
	while :; do
		alive=0
		kill -0 $q 2>/dev/null && alive=1
		if grep -q '"type":"case"' "$boot/results.jsonl"; then
			t=$(echo "$(date +%s.%N) - $t0" | bc)
			break
		fi
		[ $alive = 1 ] || break
		sleep 0.01
	done
	wait $q
	[ -n "$t" ] || { echo "not ok 1 - boot $i sent no case record"; exit 1; }
	times+=("$t")
	echo "# boot $i: first result after $t s"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "# median boot to first result: $median s over $BOOTS boots, $(grep -o ' -smp [0-9]*' "$boot/qemu-cmd") (target < $TARGET s)"
if [ "$SHORT" = 1 ]; then
	[ "$(echo "$median > 0" | bc)" = 1 ]
	ok $? "short form: boot to first result measured, $median s over $BOOTS boots ($KERNEL; the target is the full form's)"
else
	[ "$(echo "$median < $TARGET" | bc)" = 1 ]
	ok $? "boot to first result $median s < $TARGET s under TCG ($KERNEL)"
fi
tap_done
