#!/bin/bash
# kbuild-speed: what incremental patched builds save. In a scratch cache and
# without ccache (so the full build is really full), builds linux-6.12 with
# the default fragment, then linux-6.12 + kernel-patches/gupbench-no-thp-batch
# (one file, mm/gup.c) on top of it, and prints both wall times and their
# ratio. Target: the patched build takes at most a quarter of the full one.
# Takes about as long as one full kernel build plus a minute; not part of
# `make check`. Usage: tests/perf/kbuild-speed.sh [TARBALL]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARBALL=${1:-/usr/src/linux-source-6.12.tar.xz}
SCRATCH=$(mktemp -d /tmp/gupbench-kbuild-speed.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
export GUPBENCH_CACHE=$SCRATCH/cache GUPBENCH_NO_CCACHE=1 GUPBENCH_QUIET=${GUPBENCH_QUIET:-0}

secs() { # secs NAME ARGS...: run one build, print its wall time in seconds
	local t0 t1
	t0=$(date +%s.%N)
	if ! "$ROOT/harness/gupharness" kernel build --source "$TARBALL" "${@:2}" >"$SCRATCH/$1.out"; then
		echo "kbuild-speed: build '$1' failed" >&2
		exit 1
	fi
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
}

full=$(secs base)
patched=$(secs patched --series "$ROOT/kernel-patches/gupbench-no-thp-batch")
ratio=$(awk -v f="$full" -v p="$patched" 'BEGIN { printf "%.3f\n", p / f }')
echo "full build of linux-6.12 (default fragment, no ccache): ${full} s"
echo "linux-6.12 + gupbench-no-thp-batch after the base:       ${patched} s"
echo "ratio: ${ratio} (target <= 0.25)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 0.25) }'
