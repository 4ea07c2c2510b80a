# tests/lib.sh: helpers for the shell tests (fault injection, end-to-end).
# Each test prints TAP lines; sourced, never run.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GUPHARNESS=$ROOT/harness/gupharness
GUPBENCH=$ROOT/bench/gupbench
TAPN=0
TAPFAIL=0
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
tap_done() {
	echo "1..$TAPN"
	[ "$TAPFAIL" -eq 0 ]
}
# A scratch directory removed on exit.
scratch() {
	SCRATCH=$(mktemp -d /tmp/gupbench-test.XXXXXX)
	trap 'rm -rf "$SCRATCH"' EXIT
}
