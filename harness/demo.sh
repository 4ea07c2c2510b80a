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

# One label per kernel: the comparisons below are of this demo's boots only,
# whatever else (other runs, other clock modes) the database holds.
STAMP="demo-$(date -u +%Y%m%dT%H%M%SZ)"
A=$STAMP/linux-6.1 B=$STAMP/linux-6.12 C=$STAMP/linux-6.12+gupbench-no-thp-batch
# The icount clock (TCG) on every host: the figures count guest instructions,
# the same on any host whatever its load (docs/guests.md "Clock"), so a run may
# go beside a build, and no KVM probe is needed. `gupharness run` on a KVM
# host measures wall-clock time instead.
RUN=(run --matrix harness/matrices/seed.json --clock icount)
# on_cpu N CMD...: CMD on host CPU N alone (QEMU's vCPU is pinned within it)
on_cpu() { if [ "$(nproc)" -ge 2 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }

step "kernels (cached after the first run) and the seed matrix on each in QEMU"
# linux-6.1 builds beside linux-6.12, so that each build's single-threaded
# stretches (unpacking, configuring, the selftest) overlap the other's
# compiling, and its run follows as soon as it is built. Output goes through
# a pipe, so progress comes as whole lines naming the kernel. Job control
# gives the side job its own process group, which an early exit stops whole.
set -m
old() {
	$H kernel build --source /usr/src/linux-source-6.1.tar.xz --name linux-6.1 || exit
	$H "${RUN[@]}" --label "$A" --kernel linux-6.1
}
old 2> >(cat >&2) &
OLD=$! NEW=
trap 'kill -- -$OLD ${NEW:+-$NEW} 2>/dev/null || true' EXIT
$H kernel build --source /usr/src/linux-source-6.12.tar.xz --name linux-6.12 2> >(cat >&2)
$H kernel build --source /usr/src/linux-source-6.12.tar.xz --series "$SERIES" \
	--name linux-6.12+gupbench-no-thp-batch 2> >(cat >&2)
# the two 6.12 runs side by side, on a host CPU each
on_cpu 0 $H "${RUN[@]}" --label "$B" --kernel linux-6.12 2> >(cat >&2) &
NEW=$!
on_cpu 1 $H "${RUN[@]}" --label "$C" --kernel linux-6.12+gupbench-no-thp-batch 2> >(cat >&2)
wait $NEW
wait $OLD
trap - EXIT
set +m

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
