#!/bin/bash
# icount-verdicts: what one icount boot per kernel decides
# (docs/statistics.md). On real kernels in QEMU under the icount clock:
# linux-6.12 and linux-6.12 + kernel-patches/gupbench-pin-cost (a fixed cost
# per pinned page of a FOLL_LONGTERM pin; GUP-fast never reaches it), one
# boot each, compared with nothing else in the database (the noise model's
# default); then a second boot of linux-6.12: the A/A comparison of the two
# base boots, and base against the patch again (the model now fitted from
# the repeated base boots). The true change of each case is taken from the
# second base boot against the patch, a boot the first comparison never saw.
# Checks: A/A has no false alarm and >= 95% of cases unchanged; the patch is
# "regressed" on >= 95% of the cases it slows by more than 2x the threshold
# (1%), and no GUP-fast case (-u, -a) is called changed, >= 95% of them
# "unchanged" (a case whose repeated base boots differ is left inconclusive
# when its own spread says so); no interval lies beyond the threshold
# beside another verdict.
#
#   tests/perf/icount-verdicts.sh [MATRIX]   (default harness/matrices/vmtests-gup.json)
#
# tests/e2e/verdicts.sh runs it on a small matrix; the figures in
# docs/statistics.md come from vmtests-gup.json and its 5-repeat variant.
. "$(dirname "$0")/../lib.sh"
MATRIX=${1:-$ROOT/harness/matrices/vmtests-gup.json}
plan 17
scratch
H=$GUPHARNESS
DB=$SCRATCH/verdicts.db
TARBALL=/usr/src/linux-source-6.12.tar.xz
PATCHED=linux-6.12+gupbench-pin-cost
export GUPBENCH_DB=$DB

check "linux-6.12 builds (or is cached)" -- $H kernel build --source $TARBALL --name linux-6.12
check "linux-6.12 + gupbench-pin-cost builds (incremental, or cached)" -- \
	$H kernel build --source $TARBALL --series "$ROOT/kernel-patches/gupbench-pin-cost" --name $PATCHED
t0=$(date +%s)
check "run: linux-6.12, first boot (icount)" -- $H run --matrix "$MATRIX" --kernel linux-6.12 --clock icount --label base1
check "run: the patched kernel, one boot (icount)" -- $H run --matrix "$MATRIX" --kernel $PATCHED --clock icount --label patched
$H compare base1 patched --format json >"$SCRATCH/v0.json"
[ $? -le 1 ]
ok $? "compare base1 patched with nothing else in the database"
check "run: linux-6.12, second boot (icount)" -- $H run --matrix "$MATRIX" --kernel linux-6.12 --clock icount --label base2
secs=$(( $(date +%s) - t0 ))
$H compare base2 patched --format json >"$SCRATCH/truth.json"
[ $? -le 1 ]
ok $? "the true changes: the second base boot against the patch"
$H compare base1 base2 --format json >"$SCRATCH/aa.json"
ok $? "A/A: compare exits 0 (nothing regressed)"
$H compare base1 base2 >"$SCRATCH/aa.txt"
$H compare base1 patched --format json >"$SCRATCH/v1.json"
[ $? -le 1 ]
ok $? "compare base1 patched again, the base now repeated"

# verdicts per case as "key<TAB>verdict<TAB>true ratio"
joined() {
	jq -r --slurpfile t "$SCRATCH/truth.json" '($t[0].cases | map({(.key): .ratio}) | add) as $r
		| .cases[] | [.key, .verdict, ($r[.key] // 0)] | @tsv' "$1"
}
n=$(jq '.cases | length' "$SCRATCH/aa.json")
aafa=$(jq '[.cases[] | select(.verdict == "regressed" or .verdict == "improved")] | length' "$SCRATCH/aa.json")
aaun=$(jq '[.cases[] | select(.verdict == "unchanged")] | length' "$SCRATCH/aa.json")
echo "# $(date -u +%F) $(uname -m), $(nproc) cores, $(basename "$MATRIX"): $n cases; 3 icount boots in $secs s"
echo "# A/A (two boots of linux-6.12): $aafa false alarms, $aaun of $n unchanged"
jq -r '.cases[] | select(.verdict != "unchanged") | "#   A/A, \(.verdict): \(.key) (\(.ratio)): \(.why)"' "$SCRATCH/aa.json"
[ "$n" -gt 0 ] && [ "$aafa" -eq 0 ]
ok $? "A/A: no false alarm ($aafa of $n cases)"
[ "$n" -gt 0 ] && [ $((aaun * 100)) -ge $((n * 95)) ]
ok $? "A/A: >= 95% of cases unchanged ($aaun of $n)"
grep -q "icount noise model" "$SCRATCH/aa.txt"
ok $? "the footer names the icount noise model"
for v in v0 v1; do
	what=$([ $v = v0 ] && echo "nothing else in the database" || echo "the base boot repeated")
	joined "$SCRATCH/$v.json" >"$SCRATCH/$v.tsv"
	slow=$(awk -F'\t' '$3 > 1.02' "$SCRATCH/$v.tsv" | wc -l)
	reg=$(awk -F'\t' '$3 > 1.02 && $2 == "regressed"' "$SCRATCH/$v.tsv" | wc -l)
	fast=$(awk -F'\t' '$1 ~ /^-[ua] /' "$SCRATCH/$v.tsv" | wc -l)
	fastun=$(awk -F'\t' '$1 ~ /^-[ua] / && $2 == "unchanged"' "$SCRATCH/$v.tsv" | wc -l)
	small=$(awk -F'\t' '$3 > 1.01 && $3 <= 1.02 && $2 == "regressed"' "$SCRATCH/$v.tsv" | wc -l)
	other=$(awk -F'\t' '$3 <= 1.01 && $3 >= 1 / 1.01 && ($2 == "regressed" || $2 == "improved")' "$SCRATCH/$v.tsv" | wc -l)
	echo "# base1 v patched, $what: slowed > 2%: $slow cases, $reg regressed; GUP-fast: $fastun of $fast" \
		"unchanged; slowed 1-2% and regressed: $small; changed less than 1% but called changed: $other; verdicts $(jq -c .summary.verdicts "$SCRATCH/$v.json")"
	awk -F'\t' '$3 > 1.02 && $2 != "regressed" { print "#   slowed, not regressed: " $1 " (" $3 "): " $2 }
		$1 ~ /^-[ua] / && $2 != "unchanged" { print "#   GUP-fast, not unchanged: " $1 ": " $2 }
		$3 <= 1.01 && $3 >= 1 / 1.01 && ($2 == "regressed" || $2 == "improved") { print "#   called " $2 ": " $1 " (" $3 ")" }' \
		"$SCRATCH/$v.tsv"
	jq -r '.cases[] | select(.verdict == "inconclusive") | "#   inconclusive: \(.key) (\(.ratio)): \(.why)"' "$SCRATCH/$v.json"
	[ "$slow" -gt 0 ] && [ $((reg * 100)) -ge $((slow * 95)) ]
	ok $? "patch, $what: regressed on >= 95% of the cases slowed by > 2% ($reg of $slow)"
	fastch=$(awk -F'\t' '$1 ~ /^-[ua] / && ($2 == "regressed" || $2 == "improved")' "$SCRATCH/$v.tsv" | wc -l)
	[ "$fast" -gt 0 ] && [ "$fastch" -eq 0 ] && [ $((fastun * 100)) -ge $((fast * 95)) ]
	ok $? "patch, $what: no GUP-fast case called changed, >= 95% unchanged ($fastun of $fast; $fastch changed)"
done
bad=$(jq -s '[.[].cases[] | select(.ci != null and (.ci[0] > 1.01 or .ci[1] < 1 / 1.01)
	and .verdict != "regressed" and .verdict != "improved")] | length' "$SCRATCH"/{v0,v1,aa}.json)
[ "$bad" = 0 ]
ok $? "no interval beyond the threshold beside another verdict ($bad)"
tap_done
