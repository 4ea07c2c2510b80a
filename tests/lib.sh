# tests/lib.sh: helpers for the shell tests (fault injection, end-to-end).
# Each test declares its plan first (`plan N` prints the TAP version line
# and "1..N"), then prints
# one TAP line per check; tap_done fails the test when a check failed or when
# the number run differs from the plan. Sourced, never run.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GUPHARNESS=$ROOT/harness/gupharness
GUPBENCH=$ROOT/bench/gupbench
# kernel names a test makes go to a namespace of their own over the shared
# cache (harness/kernel/kcache.h), never into the user's 'kernel list': run-all.sh's
# for the whole suite, else one for this test (removed with its scratch
# directory); a test with a private cache (GUPBENCH_CACHE=$SCRATCH/...)
# unsets it
OWN_NAMES=
if [ -z "${GUPBENCH_NAMES:-}" ]; then
	OWN_NAMES=${TMPDIR:-/tmp}/gupbench-names.$$
	export GUPBENCH_NAMES=$OWN_NAMES
fi
TAPN=0
TAPFAIL=0
TAPPLAN=
plan() {   # plan N: the number of checks this test will run, printed first
	TAPPLAN=$1
	echo "TAP version 13"
	echo "1..$1"
}
ok() {     # ok CONDITION-STATUS DESCRIPTION
	TAPN=$((TAPN + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAPN - $2"
	else
		echo "not ok $TAPN - $2"
		TAPFAIL=$((TAPFAIL + 1))
	fi
}
check() {  # check DESCRIPTION -- command...: passes when the command succeeds
	local d=$1
	shift
	[ "$1" = "--" ] && shift
	"$@"
	ok $? "$d"
}
skip() {   # skip N REASON: N planned checks that cannot run here, and why
	local i
	for ((i = 0; i < $1; i++)); do
		TAPN=$((TAPN + 1))
		echo "ok $TAPN # SKIP $2"
	done
}
# ok_sql DB SQL OP N DESCRIPTION: passes when the query prints one integer
# that compares OP (-eq, -ge, ...) to N. Empty or non-numeric output (sqlite3
# failed, the table is missing) is a failure that says what came back, never
# a check that silently disappears.
ok_sql() {
	local out st
	out=$(sqlite3 "$1" "$2" 2>&1)
	st=$?
	if [ $st -ne 0 ] || ! [[ $out =~ ^-?[0-9]+$ ]]; then
		ok 1 "$5 (the query printed '${out:0:200}', status $st: not one integer)"
		return
	fi
	[ "$out" "$3" "$4" ]
	ok $? "$5 (got $out)"
}
# synth_streams NAME=ARGS...: build tests/perf/gen-stream.c once, then write
# $SCRATCH/NAME.jsonl for each "gen ARGS" (see gen-stream.c for ARGS);
# fails at the first that does not come out.
synth_streams() {
	local spec
	cc -O2 -o "$SCRATCH/gen" "$ROOT/tests/perf/gen-stream.c" || return 1
	for spec in "$@"; do
		# shellcheck disable=SC2086 # ARGS are words on purpose
		"$SCRATCH/gen" ${spec#*=} >"$SCRATCH/${spec%%=*}.jsonl" || return 1
	done
}
tap_done() {
	if [ -z "$TAPPLAN" ]; then
		echo "not ok $((TAPN + 1)) - the test declared no plan (call plan N first)"
		return 1
	fi
	if [ "$TAPN" -ne "$TAPPLAN" ]; then
		echo "# planned $TAPPLAN checks but ran $TAPN"
		return 1
	fi
	[ "$TAPFAIL" -eq 0 ]
}
# A scratch directory removed on exit.
scratch() {
	SCRATCH=$(mktemp -d /tmp/gupbench-test.XXXXXX)
	trap 'rm -rf "$SCRATCH" ${OWN_NAMES:+"$OWN_NAMES"}' EXIT
}
# stock_kernel NAME: make the suite's stock kernel names (linux-6.1,
# linux-6.12, from Debian's tarballs under /usr/src) exist in this test's
# name namespace: a cache hit in seconds once built. Other names are the
# caller's to provide; returns non-zero when the build fails.
stock_kernel() {
	case $1 in
	linux-6.1 | linux-6.12)
		"$GUPHARNESS" kernel build --source "/usr/src/linux-source-${1#linux-}.tar.xz" --name "$1" >/dev/null
		;;
	esac
}
