#!/bin/bash
# demo: the main job on the built-in default (`make demo`). Builds linux 6.1
# and 6.12 from Debian's source packages plus 6.12 with the project's
# known-effect patch, runs harness/matrices/seed.json on all three in QEMU,
# stores the samples in results/gupbench.db, prints the comparison and
# writes the before/after chart and a short report into plots/out/.
# Cached kernels make a second run take about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
H=harness/gupharness
SERIES=kernel-patches/gupbench-no-thp-batch
OUT=plots/out
T0=$(date +%s)

# each step line carries the seconds since the start, for the time breakdown
step() { echo "== [$(($(date +%s) - T0)) s] $*" >&2; }

step "building the tools"
make -s -j"$(nproc)" all

step "kernels (cached after the first run; 6.1 builds beside 6.12)"
# Side by side, each build's single-threaded stretches (unpacking,
# configuring, the selftest) overlap the other's compiling. Both write
# through a pipe, so their progress comes as whole lines naming the kernel.
$H kernel build --source /usr/src/linux-source-6.1.tar.xz --name linux-6.1 2> >(cat >&2) &
OLD=$!
trap 'kill $OLD 2>/dev/null || true' EXIT
$H kernel build --source /usr/src/linux-source-6.12.tar.xz --name linux-6.12 2> >(cat >&2)
$H kernel build --source /usr/src/linux-source-6.12.tar.xz --series "$SERIES" \
	--name linux-6.12+gupbench-no-thp-batch 2> >(cat >&2)
wait $OLD
trap - EXIT

step "seed matrix in QEMU on all three kernels"
# One label per kernel: the comparisons below are of this demo's boots only,
# whatever else (other runs, other clock modes) the database holds.
STAMP="demo-$(date -u +%Y%m%dT%H%M%SZ)"
A=$STAMP/linux-6.1 B=$STAMP/linux-6.12 C=$STAMP/linux-6.12+gupbench-no-thp-batch
$H run --matrix harness/matrices/seed.json --label "$A" --kernel linux-6.1
$H run --matrix harness/matrices/seed.json --label "$B" --kernel linux-6.12
$H run --matrix harness/matrices/seed.json --label "$C" --kernel linux-6.12+gupbench-no-thp-batch

mkdir -p "$OUT"
step "comparison: linux-6.1 -> linux-6.12 (the seed series and its successors)"
$H compare "$A" "$B" || true
step "comparison: linux-6.12 -> linux-6.12+gupbench-no-thp-batch (expected: THP pin case regresses)"
$H compare "$B" "$C" || true

step "charts and report in $OUT/"
$H plot beforeafter "$A" "$B" --out "$OUT" --format both
$H plot beforeafter "$B" "$C" --out "$OUT" --format both
$H plot dist "$A" "$B" --out "$OUT" --format both
$H compare "$A" "$B" --format report >"$OUT/demo-report.md" || true
echo "demo: done in $(( $(date +%s) - T0 )) s; report $OUT/demo-report.md, charts listed in $OUT/index.md" >&2
