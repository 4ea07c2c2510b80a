#!/bin/bash
# missing-inputs: a named input file that is not there is bad input, the
# same status whichever command reads it (a missing matrix gave 3
# from `matrix show` but 2 from `run`, a missing --source 3, a missing
# series 5; a missing --config fragment still gave 3): status 2 and one line
# naming the file, and a run that cannot read its matrix touches no database.
. "$(dirname "$0")/../lib.sh"
plan 6
scratch
export GUPBENCH_QUIET=1 GUPBENCH_CACHE=$SCRATCH/cache
unset GUPBENCH_NAMES   # a private cache has its own names
H=$GUPHARNESS
M=$SCRATCH/no-such-matrix.json

# one_line_2 DESCRIPTION -- command: status 2 and one stderr line naming $2's file
one_line_2() {
	local d=$1 file=$2 st
	shift 2
	timeout 30 "$@" >/dev/null 2>"$SCRATCH/err"
	st=$?
	[ $st -eq 2 ] && [ "$(wc -l <"$SCRATCH/err")" -eq 1 ] && grep -qF "'$file'" "$SCRATCH/err"
	ok $? "$d: status 2, one line naming the file (got $st: $(head -c 160 "$SCRATCH/err"))"
}
one_line_2 "matrix show of a missing matrix" "$M" "$H" matrix show "$M"
one_line_2 "run with a missing matrix" "$M" "$H" run --matrix "$M" --kernel linux-6.12 --db "$SCRATCH/r.db"
[ ! -e "$SCRATCH/r.db" ]
ok $? "the run touched no database"
one_line_2 "kernel build with a missing source" "$SCRATCH/nope.tar.xz" \
	"$H" kernel build --source "$SCRATCH/nope.tar.xz"
mkdir -p "$SCRATCH/src"
echo "not a tarball" >"$SCRATCH/src/linux-9.9.tar.xz"
one_line_2 "kernel build with a missing series" "$SCRATCH/no-series" \
	"$H" kernel build --source "$SCRATCH/src/linux-9.9.tar.xz" --series "$SCRATCH/no-series"
one_line_2 "kernel build with a missing --config fragment" "$SCRATCH/none.config" \
	"$H" kernel build --source "$SCRATCH/src/linux-9.9.tar.xz" --config "$SCRATCH/none.config"
tap_done
