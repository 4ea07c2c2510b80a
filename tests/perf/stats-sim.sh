#!/bin/bash
# stats-sim: the simulation benchmark of compare's statistics on the wall
# clock (docs/statistics.md has the model and the table).
# Synthetic boots with two-level lognormal noise (tests/perf/gen-boots.c: a
# boot-to-boot sd per side, 5% between repeats inside a boot, 10 repeats
# after 2 warm-ups, 20 cases) go through the real 'gupharness db import'
# and 'gupharness compare --format csv'. Each trial of a cell imports three
# kernels of K boots: BASE, an A/A twin (no change) and DET (cases 1-5
# slower by 10%, cases 6-10 by 25%, 11-20 unchanged), and compares BASE with
# each, family-wise (the default) and with --fdr. A cell with history starts
# each trial from a database of 4 other kernels x 3 boots of the same cases,
# drawn afresh per trial (one history shared by a cell's trials would make
# them share one variance estimate).
#
# Cells: boot noise 0.5%, 3%, 10% with history at the same noise, 1, 2, 3, 5
# boots per side (the old table); and the hard ones: a quiet history (1%)
# with a noisy night (10%) at 1 and 3 boots; one side noisier than the other
# (1% v 10%, no history, 3 boots); heavy tails (3% boot noise, one boot in
# ten shifted +40%) at 3 and 5 boots, with and without history.
#
# Prints per cell: A/A false alarms per case and per comparison, false
# alarms on DET's unchanged cases, detection of +10% and +25% (and of +10%
# with --fdr), and the family-wise coverage of the printed (simultaneous)
# intervals: the share of comparisons in which every case's interval holds
# its true ratio. Checks (TAP): every cell ran and produced figures; per
# comparison A/A false alarms consistent with <= 5% in each cell and in all
# together (one-sided binomial p < 0.01 fails); +10% detected >= 80% at
# boot noise 0.5% with >= 3 boots; family-wise coverage consistent with
# 93-97% over the cells without a guard (2+ boots per side, no tails); and
# no interval wholly beyond the threshold beside a verdict other than
# regressed/improved, in any comparison.
#
#   STATS_SIM_TRIALS=N (default 60) trials per cell; STATS_SIM_JOBS
#   (default 2) cells at a time; STATS_SIM_QUICK=1: 6 trials per cell, the
#   form `make check` runs so this script cannot rot unseen;
#   STATS_SIM_CELLS=REGEX: only the cells whose names match (e.g. 'std-3-[35]').
. "$(dirname "$0")/../lib.sh"
if [ "${STATS_SIM_QUICK:-0}" = 1 ] || [ "${GUPBENCH_PERF_SHORT:-0}" = 1 ]; then
	TRIALS=${STATS_SIM_TRIALS:-6}
else
	TRIALS=${STATS_SIM_TRIALS:-60}
fi
JOBS=${STATS_SIM_JOBS:-2}
CASES=20 REPEATS=10 WITHIN=5
export GUPBENCH_QUIET=1
# tmpfs: the benchmark measures statistics, not fsync; the database path is the real one
WORK=$(mktemp -d /dev/shm/gupbench-sim.XXXXXX 2>/dev/null || mktemp -d /tmp/gupbench-sim.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# name history base-noise new-noise tail boots (history "-": none)
CELLS="std-0.5-1 0.5 0.5 0.5 0 1
std-0.5-2 0.5 0.5 0.5 0 2
std-0.5-3 0.5 0.5 0.5 0 3
std-0.5-5 0.5 0.5 0.5 0 5
std-3-1 3 3 3 0 1
std-3-2 3 3 3 0 2
std-3-3 3 3 3 0 3
std-3-5 3 3 3 0 5
std-10-1 10 10 10 0 1
std-10-2 10 10 10 0 2
std-10-3 10 10 10 0 3
std-10-5 10 10 10 0 5
quiet-hist-1 1 10 10 0 1
quiet-hist-3 1 10 10 0 3
one-noisy-side-3 - 1 10 0 3
tails-3 - 3 3 40 3
tails-5 - 3 3 40 5
tails-hist-3 3 3 3 40 3
tails-hist-5 3 3 3 40 5"
if [ -n "${STATS_SIM_CELLS:-}" ]; then
	CELLS=$(echo "$CELLS" | awk -v re="^(${STATS_SIM_CELLS})\$" '$1 ~ re')
	[ -n "$CELLS" ] || { echo "stats-sim: no cell matches STATS_SIM_CELLS='$STATS_SIM_CELLS'" >&2; exit 2; }
fi

# the power checks: +10% found at 0.5% boot noise with 3 and 5 boots (family-wise),
# and at 3% (docs/statistics.md's decision): with --fdr at 3 boots, family-wise at 5
POWER="std-0.5-3 std-0.5-5 std-3-3 std-3-5"
plan $((2 + 2 * $(echo "$CELLS" | wc -l) + $(echo "$CELLS" | awk -v p=" $POWER " 'index(p, " " $1 " ")' | wc -l) + 3))
cc -O2 -o "$WORK/gen" "$ROOT/tests/perf/gen-boots.c" -lm
ok $? "build gen-boots"
# a private copy: a rebuild during the minutes this takes must not change the program under test
cp "$GUPHARNESS" "$WORK/gupharness" && export GUPBENCH_ROOT=$ROOT
ok $? "copy gupharness"
GUPHARNESS=$WORK/gupharness

# side DB DIR KERNEL BOOTS SEED NOISE TAIL E1 N1 E2 N2: import BOOTS boots under label KERNEL
side() {
	local db=$1 dir=$2 k=$3 n=$4 seed=$5 noise=$6 tail=$7 e1=$8 n1=$9 e2=${10} n2=${11} i
	for i in $(seq 1 "$n"); do
		"$WORK/gen" $CASES $REPEATS $((seed * 16 + i)) "$noise" $WITHIN "$e1" "$n1" "$e2" "$n2" "$tail" \
			>"$dir/s.jsonl" || return 1
		"$GUPHARNESS" db import "$dir/s.jsonl" --db "$db" --kernel "$k" --label "$k" >/dev/null || return 1
	done
}

# tally DB BASE NEW MODE [compare options]: one line of counts from compare's CSV:
# false alarms, +10% found, +25% found, all intervals hold the truth (0/1),
# cases whose interval holds it, cases with an interval, invariant violations
tally() {
	local db=$1 b=$2 n=$3 mode=$4 csv="${1%/*}/cmp.csv"
	shift 4
	"$GUPHARNESS" compare "$b" "$n" --db "$db" --format csv "$@" >"$csv" 2>/dev/null
	[ $? -le 1 ] || return 1
	awk -F, -v mode="$mode" -v t=0.05 '
	NR > 1 { split($1, k, " "); c = k[5]; v = $23
		truth = mode == "aa" || c > 10 ? 1 : c > 5 ? 1.25 : 1.10
		if (truth == 1 && (v == "regressed" || v == "improved")) fa++
		if (truth == 1.10 && v == "regressed") d10++
		if (truth == 1.25 && v == "regressed") d25++
		if ($16 == "") miss = 1
		if ($16 != "") { nci++; if ($16 <= truth && truth <= $17) cov++; else miss = 1 }
		if ($16 != "" && ($16 > 1 + t || $17 < 1 / (1 + t)) && v != "regressed" && v != "improved") viol++
		rows++ }
	END { printf "%d %d %d %d %d %d %d\n", fa, d10, d25, (rows > 0 && !miss), cov, nci, viol + (rows != 20) * 1000 }' "$csv"
}

# cell NAME HIST BN NN TAIL K: one line of sums into $WORK/cell-NAME
cell() {
	local name=$1 hist=$2 bn=$3 nn=$4 tail=$5 k=$6 dir="$WORK/c-$1" db t seed sum a d f aa
	mkdir -p "$dir"
	db="$dir/sim.db"
	seed=$(( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 100000 * 1000 ))
	sum="0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
	for t in $(seq 1 "$TRIALS"); do
		rm -f "$db"
		if [ "$hist" != - ]; then cp "$WORK/hist-$hist-$t.db" "$db" || return 1; fi
		side "$db" "$dir" base "$k" $((seed + 3 * t)) "$bn" "$tail" 0 0 0 0 &&
		side "$db" "$dir" twin "$k" $((seed + 3 * t + 1)) "$nn" "$tail" 0 0 0 0 &&
		side "$db" "$dir" det "$k" $((seed + 3 * t + 2)) "$nn" "$tail" 10 5 25 5 || return 1
		a=$(tally "$db" base twin aa) && d=$(tally "$db" base det det) && f=$(tally "$db" base det det --fdr) &&
		aa=$(tally "$db" base twin aa --fdr) || return 1
		# sums: A/A fa, A/A comparisons with fa, A/A --fdr comparisons with fa, DET fa on
		# unchanged, +10%, +25%, +10% --fdr, comparisons all covered, cases covered,
		# cases with an interval, violations
		sum=$(echo "$sum $a $d $f $aa" | awk '{ s = "";
			v[1] = $1 + $16; v[2] = $2 + ($16 > 0); v[3] = $3 + ($37 > 0); v[4] = $4 + $23
			v[5] = $5 + $24; v[6] = $6 + $25; v[7] = $7 + $31; v[8] = $8 + $19 + $26
			v[9] = $9 + $20 + $27; v[10] = $10 + $21 + $28; v[11] = $11 + $22 + $29 + $36 + $43
			for (i = 1; i <= 11; i++) s = s v[i] " "; print s "0 0 0 0" }')
	done
	echo "$sum" >"$WORK/cell-$name"
}

# histories NOISE: per trial a database of 4 kernels x 3 boots, drawn afresh
histories() {
	local t h dir="$WORK/hist-$1"
	mkdir -p "$dir"
	for t in $(seq 1 "$TRIALS"); do
		for h in 1 2 3 4; do
			side "$WORK/hist-$1-$t.db" "$dir" "hist$h" 3 $((7000000 + t * 1031 + h * 131 + ${#1} * 17)) "$1" \
				0 0 0 0 0 || return 1
		done
	done
}

t0=$(date +%s)
for h in $(echo "$CELLS" | awk '$2 != "-" { print $2 }' | sort -u); do
	histories "$h" &
done
wait
running=0
while read -r name hist bn nn tail k; do
	cell "$name" "$hist" "$bn" "$nn" "$tail" "$k" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
done <<<"$CELLS"
wait
secs=$(( $(date +%s) - t0 ))

# implausible COUNT N P: exit 0 when P(X >= COUNT | Binomial(N, P)) < 0.01
implausible() {
	awk -v x="$1" -v n="$2" -v p="${3:-0.05}" 'BEGIN { t = 0; lp = n * log(1 - p);
		for (k = 0; k < x; k++) { t += exp(lp); lp += log((n - k) / (k + 1)) + log(p / (1 - p)) }
		exit (1 - t < 0.01) ? 0 : 1 }'
}

# pct COUNT TOTAL: "p% +-h" (95% Monte Carlo half-width; "<= 3/n" bound at 0)
pct() {
	awk -v c="$1" -v n="$2" 'BEGIN { if (n == 0) { printf "-"; exit } p = c / n;
		if (c == 0) printf "%.1f%% (<=%.1f)", 0, 300 / n;
		else printf "%.1f%% +-%.1f", 100 * p, 196 * sqrt(p * (1 - p) / n) }'
}

echo "# stats-sim: $TRIALS trials per cell, $CASES cases, $REPEATS repeats per boot, within-boot sd $WITHIN%,"
echo "# threshold 5%, alpha 0.05 (Sidak; --fdr: Benjamini-Hochberg); history: 4 other kernels x 3 boots, new each trial"
echo "# ${secs} s on $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); $(date -u +%F)"
echo "# | cell | history | base/new noise | tail | boots | A/A FA per case | A/A FA per comparison | A/A FA (--fdr) | FA on unchanged (DET) | +10% found | +25% found | +10% found (--fdr) | all intervals hold (family-wise) | intervals holding (per case) |"
echo "# |---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
allfa=0 allcmp=0 covok=0 covn=0 viol=0 nt=$((TRIALS))
while read -r name hist bn nn tail k; do
	f="$WORK/cell-$name"
	[ -s "$f" ] || echo "0 0 0 0 0 0 0 0 0 0 0" >"$f"
	read -r fa facmp fafdr fad d10 d25 d10f covall covc nci v _ <"$f"
	[ $((nci)) -gt 0 ]
	ok $? "cell $name ran and produced figures ($nci intervals)"
	echo "# | $name | $hist% | $bn%/$nn% | $tail% | $k | $(pct "$fa" $((nt * CASES))) | $(pct "$facmp" "$nt") |" \
		"$(pct "$fafdr" "$nt") | $(pct "$fad" $((nt * 10))) | $(pct "$d10" $((nt * 5))) | $(pct "$d25" $((nt * 5))) |" \
		"$(pct "$d10f" $((nt * 5))) | $(pct "$covall" $((nt * 2))) | $(pct "$covc" "$nci") |" | sed 's/% +-/% ±/g'
	implausible "$facmp" "$nt"
	ok $((!$? || !nci)) "$name: A/A false alarms per comparison consistent with <= 5% ($facmp of $nt)"
	[ "$nci" -gt 0 ] && allfa=$((allfa + facmp)) allcmp=$((allcmp + nt)) viol=$((viol + v))
	case $name in
	std-0.5-3 | std-0.5-5) ok $((d10 * 100 < 80 * nt * 5)) "$name: +10% detected >= 80% ($d10 of $((nt * 5)))" ;;
	std-3-3)
		implausible $((nt * 5 - d10f)) $((nt * 5)) 0.2
		ok $((!$?)) "$name: +10% detected with --fdr consistent with >= 80% ($d10f of $((nt * 5)))"
		;;
	std-3-5)
		implausible $((nt * 5 - d10)) $((nt * 5)) 0.2
		ok $((!$?)) "$name: +10% detected family-wise consistent with >= 80% ($d10 of $((nt * 5)))"
		;;
	esac
	if [ "$k" -ge 2 ] && [ "$tail" = 0 ] && [ "$bn" = "$nn" ]; then
		covok=$((covok + covall)) covn=$((covn + nt * 2))
	fi
done <<<"$CELLS"
echo "# all cells: $allfa A/A false alarms in $allcmp comparisons ($(pct "$allfa" "$allcmp"));" \
	"family-wise coverage $(pct "$covok" "$covn") over the cells with 2+ boots, equal noise, no tails"
[ "$allcmp" -gt 0 ] && { implausible "$allfa" "$allcmp"; [ $? -ne 0 ]; }
ok $? "all cells together: A/A false alarms per comparison consistent with <= 5% ($allfa of $allcmp)"
[ "$covn" -gt 0 ] && { implausible "$((covn - covok))" "$covn" 0.07; [ $? -ne 0 ]; } &&
	{ implausible "$covok" "$covn" 0.97; [ $? -ne 0 ]; }
ok $? "family-wise coverage consistent with 93-97% ($covok of $covn)"
[ "$allcmp" -gt 0 ] && [ "$viol" -eq 0 ]
ok $? "no interval wholly beyond the threshold beside a verdict other than regressed/improved ($viol seen)"
tap_done
