#!/bin/bash
# Clock modes side by side, in one run on one host: for each of wall and
# icount, `gupharness run` boots KERNEL over MATRIX, then the boot's exact
# qemu-cmd is booted again with the results port polled every 10 ms, which
# splits the wall time into boot (QEMU start to the env record) and cases
# (env record to end record). Per case it prints the wall time, the time
# the guest measured (the kernel's get+put deltas summed over every repeat,
# warm-ups included) and the rest, the overhead. Finally the spread of
# each case's boot medians over the two boots of each mode. Ratios between
# the modes are what to read: absolute figures move with the host's load.
# GUPBENCH_PERF_SHORT=1 (the form `make check` runs, so the script cannot
# rot unseen): the default matrix is one small case (-L -m 16 -n 512 -t, 3
# repeats).
#   tests/perf/clock-modes.sh [KERNEL] [MATRIX]
#   (default linux-6.12, harness/matrices/pin-fast.json)
. "$(dirname "$0")/../lib.sh"
plan 2
scratch
KERNEL=${1:-linux-6.12}
MATRIX=${2:-$ROOT/harness/matrices/pin-fast.json}
DB=$SCRATCH/c.db
if [ "${GUPBENCH_PERF_SHORT:-0}" = 1 ] && [ -z "${2:-}" ]; then
	MATRIX=$SCRATCH/short.json
	echo '{ "name": "clock-modes-short", "repeats": 3, "warmup": 1,
		"axes": { "cmd": "L", "size_mb": 16, "nr_pages": 512, "thp": "on" } }' >"$MATRIX"
fi
stock_kernel "$KERNEL" || { echo "not ok 1 - kernel build '$KERNEL'"; exit 1; }

# rerun QEMU_CMD_FILE RESULTS: prints "boot_s cases_s" from polling the results file
rerun() {
	local cmd t0 t_env= t_end= now
	cmd=$(sed "s/ -qmp [^ ]*//" "$1")   # its QMP socket went with the boot
	: >"$2"
	t0=$(date +%s.%N)
	timeout 900 bash -c "exec $cmd" &
	local q=$!
	while :; do
		local alive=0
		kill -0 $q 2>/dev/null && alive=1
		now=$(date +%s.%N)
		[ -z "$t_env" ] && grep -q '"type":"env"' "$2" && t_env=$now
		[ -z "$t_end" ] && grep -q '"type":"end"' "$2" && t_end=$now && break
		[ $alive = 1 ] || break
		sleep 0.01
	done
	wait $q
	[ -n "$t_env" ] && [ -n "$t_end" ] || return 1
	echo "$(echo "$t_env - $t0" | bc) $(echo "$t_end - $t_env" | bc)"
}

for mode in wall icount; do
	t0=$(date +%s.%N)
	if ! GUPBENCH_QUIET=1 "$GUPHARNESS" run --matrix "$MATRIX" --kernel "$KERNEL" --db "$DB" \
		--accel tcg --clock $mode --label clock-$mode >/dev/null 2>"$SCRATCH/err-$mode"; then
		cat "$SCRATCH/err-$mode" >&2
		echo "not ok - $mode run of '$MATRIX' on '$KERNEL'"
		exit 1
	fi
	run_s=$(echo "$(date +%s.%N) - $t0" | bc)
	boot=$(sqlite3 "$DB" "SELECT run_dir FROM runs WHERE label = 'clock-$mode'")/$KERNEL/boot0
	read -r boot_s cases_s < <(rerun "$boot/qemu-cmd" "$boot/results.jsonl") ||
		{ echo "not ok - the $mode boot did not finish when rerun"; exit 1; }
	"$GUPHARNESS" db import "$boot/results.jsonl" --db "$DB" --kernel "$KERNEL" --label clock-$mode-rerun --clock $mode \
		>/dev/null 2>&1
	n=$(sqlite3 "$DB" "SELECT count(*) FROM cases c JOIN boots b ON b.id = c.boot_id
		JOIN runs r ON r.id = b.run_id WHERE r.label = 'clock-$mode'")
	guest_s=$(sqlite3 "$DB" "SELECT printf('%.3f', sum(s.get_us + s.put_us) / 1e6) FROM samples s
		JOIN cases c ON c.id = s.case_id JOIN boots b ON b.id = c.boot_id JOIN runs r ON r.id = b.run_id
		WHERE r.label = 'clock-$mode'")
	[ "$n" -gt 0 ] && [ -n "$guest_s" ] || { echo "not ok - $mode stored nothing"; exit 1; }
	echo "# $mode: run $run_s s; rerun: boot to env record $boot_s s, $n cases in $cases_s s"
	echo "# $mode: per case $(echo "scale=3; $cases_s / $n" | bc) s wall, of which the guest measured" \
		"$(echo "scale=3; $guest_s / $n" | bc) s (get+put, all repeats); overhead" \
		"$(echo "scale=3; ($cases_s - $guest_s) / $n" | bc) s"
	ok 0 "$mode: $n cases ran and were stored"
done
echo "# spread of boot medians between the run and its rerun (max/min - 1), per case:"
sqlite3 -separator ' ' "$DB" "
	WITH m AS (SELECT c.key, b.clock, b.id AS boot, s.get_us FROM samples s JOIN cases c ON c.id = s.case_id
		JOIN boots b ON b.id = c.boot_id WHERE s.warmup = 0),
	med AS (SELECT key, clock, boot, avg(get_us) AS med FROM (
		SELECT key, clock, boot, get_us, row_number() OVER (PARTITION BY boot, key ORDER BY get_us) AS rn,
		count(*) OVER (PARTITION BY boot, key) AS n FROM m) WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
		GROUP BY key, clock, boot)
	SELECT '#', clock, printf('%-24s', key), printf('%.2f%%', 100.0 * (max(med) / min(med) - 1))
	FROM med GROUP BY key, clock ORDER BY clock, key"
tap_done
