#!/bin/bash
# stats-sim: the simulation benchmark of compare's statistics.
# Synthetic boots with two-level lognormal noise (tests/perf/gen-boots.c:
# boot-to-boot sd 0.5%, 3% or 10% of the case's time, 5% between repeats
# inside a boot, 10 repeats after 2 warm-ups, 20 cases) go through the real
# 'gupharness db import' and 'gupharness compare --format csv'. For 1, 2, 3
# and 5 boots per side, each trial imports three kernels of that many boots:
# BASE, an A/A twin (no change) and DET (cases 1-5 slower by 10%, cases
# 6-10 by 25%, 11-20 unchanged), and compares BASE with each. Each trial
# starts from a database holding a history of 4 other kernels x 3 boots of
# the same cases (8 degrees of freedom of boot variance, as a database with
# a few earlier runs holds), drawn afresh for every trial: one history
# shared by a cell's trials would make them share one variance estimate and
# bias the cell (the extreme tails Holm works in are sensitive to it); the
# trial's own boots add 2 (k - 1) degrees of freedom.
# Prints per cell: A/A false alarms per case and per 20-case comparison,
# false alarms on DET's unchanged cases, detection of +10% and +25%, each
# with its 95% Monte Carlo half-width (or the rule-of-three bound at 0), and
# checks the targets: per-comparison A/A false alarms <= 5% in every cell
# (a cell fails when its count is implausible under 5%, one-sided binomial
# p < 0.01, and all cells together must be too: Holm makes the true rate at
# most 1 - (1 - 0.05/20)^20 = 4.9%, so only the Monte Carlo error can put a
# cell's figure above 5%); detection >= 80% of +10% at boot noise <= 1% with
# >= 3 boots and of +25% at boot noise <= 3% with >= 3 boots. TAP output,
# figures as '# ' lines.
#
#   STATS_SIM_TRIALS=N (default 60) trials per cell; STATS_SIM_JOBS (default
#   2) cells at a time.
. "$(dirname "$0")/../lib.sh"
TRIALS=${STATS_SIM_TRIALS:-60}
JOBS=${STATS_SIM_JOBS:-2}
CASES=20 REPEATS=10 WITHIN=5
NOISES="0.5 3 10" BOOTS="1 2 3 5"
export GUPBENCH_QUIET=1
# tmpfs: the benchmark measures statistics, not fsync; the database path is the real one
WORK=$(mktemp -d /dev/shm/gupbench-sim.XXXXXX 2>/dev/null || mktemp -d /tmp/gupbench-sim.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

cc -O2 -o "$WORK/gen" "$ROOT/tests/perf/gen-boots.c" -lm
ok $? "build gen-boots"
# a private copy: a rebuild during the minutes this takes must not change the program under test
cp "$GUPHARNESS" "$WORK/gupharness" && export GUPBENCH_ROOT=$ROOT
ok $? "copy gupharness"
GUPHARNESS=$WORK/gupharness

# side DB DIR KERNEL BOOTS SEED NOISE E1 N1 E2 N2: import BOOTS boots under label KERNEL
side() {
	local db=$1 dir=$2 k=$3 n=$4 seed=$5 noise=$6 e1=$7 n1=$8 e2=$9 n2=${10} i
	for i in $(seq 1 "$n"); do
		"$WORK/gen" $CASES $REPEATS $((seed * 16 + i)) "$noise" $WITHIN "$e1" "$n1" "$e2" "$n2" >"$dir/s.jsonl"
		"$GUPHARNESS" db import "$dir/s.jsonl" --db "$db" --kernel "$k" --label "$k" >/dev/null || return 1
	done
}

# verdicts DB BASE NEW: "case-number verdict" lines from compare's CSV
verdicts() {
	"$GUPHARNESS" compare "$2" "$3" --db "$1" --format csv >"${1%/*}/cmp.csv" 2>/dev/null
	[ $? -le 1 ] || return 1
	awk -F, 'NR > 1 { split($1, k, " "); print k[5], $23 }' "${1%/*}/cmp.csv"
}

# cell NOISE BOOTS: one line of counts into $WORK/cell-NOISE-BOOTS
cell() {
	local noise=$1 k=$2 dir="$WORK/c-$1-$2" db t h fa=0 facmp=0 fad=0 d10=0 d25=0 n a seed
	mkdir -p "$dir"
	db="$dir/sim.db"
	seed=$(( $(printf '%s' "$noise" | cksum | cut -d' ' -f1) % 100000 * 1000 + k * 7919 ))
	for t in $(seq 1 "$TRIALS"); do
		cp "$WORK/hist-$noise-$t.db" "$db" &&
		side "$db" "$dir" base "$k" $((seed + 3 * t)) "$noise" 0 0 0 0 &&
		side "$db" "$dir" twin "$k" $((seed + 3 * t + 1)) "$noise" 0 0 0 0 &&
		side "$db" "$dir" det "$k" $((seed + 3 * t + 2)) "$noise" 10 5 25 5 || return 1
		a=$(verdicts "$db" base twin | grep -cE 'regressed|improved')
		fa=$((fa + a))
		facmp=$((facmp + (a > 0)))
		while read -r n v; do
			if [ "$n" -le 5 ]; then
				[ "$v" = regressed ] && d10=$((d10 + 1))
			elif [ "$n" -le 10 ]; then
				[ "$v" = regressed ] && d25=$((d25 + 1))
			else
				case $v in regressed|improved) fad=$((fad + 1)) ;; esac
			fi
		done < <(verdicts "$db" base det)
	done
	echo "$noise $k $fa $facmp $fad $d10 $d25" >"$WORK/cell-$1-$2"
}

# histories NOISE: per trial a database of 4 kernels x 3 boots, drawn afresh
# (shared by the cells of one noise level, independent between trials)
histories() {
	local t h dir="$WORK/hist-$1"
	mkdir -p "$dir"
	for t in $(seq 1 "$TRIALS"); do
		for h in 1 2 3 4; do
			side "$WORK/hist-$1-$t.db" "$dir" "hist$h" 3 $((7000000 + t * 1031 + h * 131 + ${#1} * 17)) "$1" \
				0 0 0 0 || return 1
		done
	done
}

t0=$(date +%s)
for noise in $NOISES; do
	histories "$noise" &
done
wait
running=0
for noise in $NOISES; do
	for k in $BOOTS; do
		cell "$noise" "$k" &
		running=$((running + 1))
		if [ "$running" -ge "$JOBS" ]; then
			wait -n
			running=$((running - 1))
		fi
	done
done
wait
secs=$(( $(date +%s) - t0 ))

# implausible COUNT N: exit 0 when P(X >= COUNT | Binomial(N, 0.05)) < 0.01
implausible() {
	awk -v x="$1" -v n="$2" 'BEGIN { p = 0.05; t = 0; lp = n * log(1 - p);
		for (k = 0; k < x; k++) { t += exp(lp); lp += log((n - k) / (k + 1)) + log(p / (1 - p)) }
		exit (1 - t < 0.01) ? 0 : 1 }'
}

# pct COUNT TOTAL: "p% +-h" (95% Monte Carlo half-width; "<= 3/n" bound at 0)
pct() {
	awk -v c="$1" -v n="$2" 'BEGIN { p = c / n;
		if (c == 0) printf "%5.1f%% (<=%.1f)", 0, 300 / n;
		else printf "%5.1f%% +-%.1f", 100 * p, 196 * sqrt(p * (1 - p) / n) }'
}

echo "# stats-sim: $TRIALS trials per cell, $CASES cases, $REPEATS repeats per boot, within-boot sd $WITHIN%,"
echo "# threshold 5%, alpha 0.05 (Holm); history: 4 other kernels x 3 boots, new each trial; ${secs} s on $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '# %-6s %-5s %-20s %-20s %-20s %-20s %-20s\n' "boot" "boots" "A/A FA per case" "A/A FA per compare" \
	"FA unchanged in DET" "detect +10%" "detect +25%"
allfa=0 allcmp=0
for noise in $NOISES; do
	for k in $BOOTS; do
		f="$WORK/cell-$noise-$k"
		if ! [ -s "$f" ]; then
			ok 1 "cell boot noise $noise%, $k boots per side ran"
			continue
		fi
		read -r _ _ fa facmp fad d10 d25 <"$f"
		printf '# %-6s %-5s %-20s %-20s %-20s %-20s %-20s\n' "$noise%" "$k" \
			"$(pct "$fa" $((TRIALS * CASES)))" "$(pct "$facmp" "$TRIALS")" "$(pct "$fad" $((TRIALS * 10)))" \
			"$(pct "$d10" $((TRIALS * 5)))" "$(pct "$d25" $((TRIALS * 5)))"
		implausible "$facmp" "$TRIALS"
		ok $((!$?)) "boot noise $noise%, $k boots: A/A false alarms per comparison consistent with <= 5% ($facmp of $TRIALS)"
		allfa=$((allfa + facmp)) allcmp=$((allcmp + TRIALS))
		if [ "$k" -ge 3 ] && [ "$noise" = 0.5 ]; then
			ok $((d10 * 100 < 80 * TRIALS * 5)) "boot noise $noise%, $k boots: +10% detected >= 80% ($d10 of $((TRIALS * 5)))"
		fi
		if [ "$k" -ge 3 ] && [ "$noise" != 10 ]; then
			ok $((d25 * 100 < 80 * TRIALS * 5)) "boot noise $noise%, $k boots: +25% detected >= 80% ($d25 of $((TRIALS * 5)))"
		fi
	done
done
echo "# all cells: $allfa A/A false alarms in $allcmp comparisons ($(pct "$allfa" "$allcmp"))"
implausible "$allfa" "$allcmp"
ok $((!$?)) "all cells together: A/A false alarms per comparison consistent with <= 5% ($allfa of $allcmp)"
tap_done
