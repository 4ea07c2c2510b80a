#!/bin/bash
# kbuild-speed: what incremental patched builds save. In a scratch cache and
# without ccache (so the full build is really full), builds linux-6.12 with
# the default fragment, then linux-6.12 + kernel-patches/gupbench-no-thp-batch
# (one file, mm/gup.c) on top of it, and prints both wall times and their
# ratio. Target: the patched build takes at most a quarter of the full one.
# Takes about as long as one full kernel build plus a minute. TAP output,
# figures as '# ' lines.
#
# GUPBENCH_PERF_SHORT=1 (the form `make check` runs, so the script cannot
# rot unseen; a full build there would cost minutes): the shared cache, the
# base a cache hit, and the patched kernel rebuilt with --force, an
# incremental build in the base's work tree (ccache as configured; the
# cache keeps its existing entry). The ratio is then not the target's, so
# only the patched build's time is printed and checked to be there.
#   tests/perf/kbuild-speed.sh [TARBALL]
. "$(dirname "$0")/../lib.sh"
plan 3
scratch
TARBALL=${1:-/usr/src/linux-source-6.12.tar.xz}
SHORT=${GUPBENCH_PERF_SHORT:-0}
if [ "$SHORT" != 1 ]; then
	export GUPBENCH_CACHE=$SCRATCH/cache GUPBENCH_NO_CCACHE=1
	unset GUPBENCH_NAMES   # a private cache has its own names
fi
export GUPBENCH_QUIET=${GUPBENCH_QUIET:-0}

secs() { # secs NAME ARGS...: run one build, print its wall time in seconds
	local t0 t1
	t0=$(date +%s.%N)
	"$GUPHARNESS" kernel build --source "$TARBALL" "${@:2}" >"$SCRATCH/$1.out" 2>"$SCRATCH/$1.err" || return 1
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
}

full=$(secs base --name linux-6.12)
ok $? "build linux-6.12 ($([ "$SHORT" = 1 ] && echo "shared cache" || echo "full, no ccache"): ${full:-failed} s)"
[ -n "$full" ] || tail -3 "$SCRATCH/base.err" | sed 's/^/# /'
force=
[ "$SHORT" = 1 ] && force=--force
patched=$(secs patched --series "$ROOT/kernel-patches/gupbench-no-thp-batch" --name kbuild-speed-patched $force)
ok $? "build linux-6.12 + gupbench-no-thp-batch after the base (${patched:-failed} s)"
[ -n "$patched" ] || tail -3 "$SCRATCH/patched.err" | sed 's/^/# /'
grep -h "building '" "$SCRATCH"/*.err | sed 's/^/# /'
echo "# linux-6.12: ${full:-?} s; + gupbench-no-thp-batch after it: ${patched:-?} s"
if [ "$SHORT" = 1 ]; then
	grep -q "incremental" "$SCRATCH/patched.err" && [ -n "$patched" ]
	ok $? "short form: the patched build was incremental and timed (${patched:-?} s; the ratio is the full form's)"
else
	ratio=$(awk -v f="$full" -v p="$patched" 'BEGIN { if (f > 0 && p > 0) printf "%.3f\n", p / f }')
	echo "# ratio: ${ratio:-?} (target <= 0.25)"
	[ -n "$ratio" ] && awk -v r="$ratio" 'BEGIN { exit !(r <= 0.25) }'
	ok $? "the incremental patched build takes at most a quarter of the full one (${ratio:-no ratio})"
fi
tap_done
