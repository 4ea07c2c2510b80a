#!/bin/bash
# End-to-end: the whole pipeline on real kernels in real QEMU guests.
# Builds linux 6.12 from Debian's tarball and 6.12 plus the project's
# known-effect patch (kernel-patches/gupbench-no-thp-batch), boots them
# under QEMU with a small matrix, ingests into a scratch database, compares
# (A/A must not regress; the patch must regress the THP pin case and leave
# GUP-fast alone) and draws a chart. Kernels land in the normal cache, so a
# second `make check` reuses them.
. "$(dirname "$0")/../lib.sh"
plan 23
scratch
H=$GUPHARNESS
DB=$SCRATCH/e2e.db
TARBALL=/usr/src/linux-source-6.12.tar.xz
SERIES=$ROOT/kernel-patches/gupbench-no-thp-batch
PATCHED=linux-6.12+gupbench-no-thp-batch
MATRIX=$ROOT/tests/e2e/small.json
export GUPBENCH_DB=$DB

check "linux-6.12 builds from Debian's tarball (or is cached)" -- \
	$H kernel build --source $TARBALL --name linux-6.12
entry=$($H kernel build --source $TARBALL --name linux-6.12 2>/dev/null | awk '{print $3}')
for opt in GUP_TEST TRANSPARENT_HUGEPAGE TRANSPARENT_HUGEPAGE_MADVISE HUGETLBFS ADVISE_SYSCALLS; do
	grep -qx "CONFIG_$opt=y" "$entry/.config"
	ok $? "cached linux-6.12 has CONFIG_$opt=y"
done
t0=$(date +%s.%N)
$H kernel build --source $TARBALL --name linux-6.12 >/dev/null 2>&1
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 1.0) }'
ok $? "a second identical build request is a cache hit in under a second"

check "6.12 plus the known-effect patch builds" -- \
	$H kernel build --source $TARBALL --series "$SERIES" --name $PATCHED

check "run: base kernel, first boot" -- $H run --matrix "$MATRIX" --kernel linux-6.12 --label e2e-base-1
check "run: base kernel, second boot" -- $H run --matrix "$MATRIX" --kernel linux-6.12 --label e2e-base-2
check "run: patched kernel" -- $H run --matrix "$MATRIX" --kernel $PATCHED --label e2e-patched

n=$(sqlite3 "$DB" "SELECT count(*) FROM samples s JOIN cases c ON c.id = s.case_id
	JOIN boots b ON b.id = c.boot_id JOIN runs r ON r.id = b.run_id
	WHERE r.label = 'e2e-base-1' AND s.warmup = 0 AND c.status = 'ok'")
[ "$n" -eq 20 ]
ok $? "every measured sample of the base run is stored (got $n of 4 cases x 5 repeats)"
w=$(sqlite3 "$DB" "SELECT count(*) FROM samples s JOIN cases c ON c.id = s.case_id
	JOIN boots b ON b.id = c.boot_id JOIN runs r ON r.id = b.run_id
	WHERE r.label = 'e2e-base-1' AND s.warmup = 1")
[ "$w" -eq 4 ]
ok $? "warm-up samples are stored and flagged (got $w)"
st=$(sqlite3 "$DB" "SELECT group_concat(DISTINCT status) FROM runs")
[ "$st" = complete ]
ok $? "all three runs are marked complete (got '$st')"
rd=$(sqlite3 "$DB" "SELECT run_dir FROM runs WHERE label = 'e2e-base-1'")
[ -s "$(find "$rd" -name console.log | head -1)" ] && [ -s "$(find "$rd" -name qemu-cmd | head -1)" ]
ok $? "the run directory keeps console.log and qemu-cmd"

$H compare e2e-base-1 e2e-base-2 >"$SCRATCH/aa.txt"
ok $? "A/A: two boots of the same kernel show no regression (compare exits 0)"

$H compare e2e-base-1 e2e-patched --format json >"$SCRATCH/ab.json"
ok $([ $? -eq 1 ]; echo $?) "the known-effect patch is reported as a regression (compare exits 1)"
v=$(jq -r '.cases[] | select(.key | test("^-L .*-t")) | .verdict' "$SCRATCH/ab.json")
[ "$v" = regressed ]
ok $? "the THP pin case (-L ... -t) regressed under the patch (got '$v')"
r=$(jq -r '.cases[] | select(.key | test("^-L .*-t")) | .ratio' "$SCRATCH/ab.json")
awk -v r="$r" 'BEGIN { exit !(r > 3) }'
ok $? "the patch makes the THP pin case at least 3x slower (ratio $r)"
# GUP-fast never reaches __get_user_pages(): its change must stay within TCG's
# boot-to-boot noise, far from the pin case's.
r=$(jq -r '[.cases[] | select(.key | test("^-u ")) | .ratio] | max' "$SCRATCH/ab.json")
awk -v r="$r" 'BEGIN { exit !(r < 2) }'
ok $? "GUP-fast cases, which the patch does not touch, stay within noise (largest ratio $r)"

$H plot beforeafter e2e-base-1 e2e-patched --out "$SCRATCH/plots" --format both >/dev/null
ok $? "plot beforeafter draws from the end-to-end database"
png=$(ls "$SCRATCH"/plots/beforeafter*.png 2>/dev/null | head -1)
[ -s "$png" ] && [ "$(head -c 4 "$png" | od -An -c | tr -d ' ')" = "211PNG" ]
ok $? "the chart is a non-empty PNG"

check "db check passes on the end-to-end database" -- $H db check
tap_done
