#!/bin/bash
# The whole test suite behind `make check`: unit tests (normal and
# ASan/UBSan builds), fault-injection tests and end-to-end tests with real
# kernels in QEMU. Every test prints TAP lines; this script counts them and
# closes with "N passed, N failed". Exit status non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/tests/out
mkdir -p "$OUT"
passed=0 failed=0
failures=()

count() {   # count TAP lines of one test's output file; $1 name, $2 file, $3 exit status
	local p f
	p=$(grep -cE '^ok [0-9]+' "$2")
	f=$(grep -cE '^not ok [0-9]+' "$2")
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed or exited non-zero without saying why: a failure
		echo "not ok - $1 exited with status $3" >>"$2"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $1 ran no checks" >>"$2"
	fi
	passed=$((passed + p)) failed=$((failed + f))
	[ "$f" -gt 0 ] && failures+=("$1 (see $2)")
	printf '%-40s %3d passed, %d failed\n' "$1" "$p" "$f" >&2
}

run_one() {  # $1 name, rest: command
	local name=$1 log="$OUT/${1//\//-}.tap" st
	shift
	"$@" >"$log" 2>"${log%.tap}.err"
	st=$?
	count "$name" "$log" "$st"
}

echo "== build" >&2
if ! make -s -j2 all unit >"$OUT/build.log" 2>&1; then
	cat "$OUT/build.log" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
if ! make -s -j2 SANITIZE=1 unit >"$OUT/build-san.log" 2>&1; then
	cat "$OUT/build-san.log" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

echo "== unit tests" >&2
for t in build/tests/test_*; do
	[ -x "$t" ] && [ "${t%.d}" = "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done
echo "== unit tests under ASan/UBSan" >&2
for t in build-san/tests/test_*; do
	[ -x "$t" ] && [ "${t%.d}" = "$t" ] || continue
	ASAN_OPTIONS=detect_leaks=0 run_one "asan/$(basename "$t")" "$t"
done

echo "== fault-injection tests" >&2
for t in tests/fault/*.sh; do
	[ -e "$t" ] || continue
	run_one "fault/$(basename "$t" .sh)" bash "$t"
done

if [ "${GUPBENCH_SKIP_E2E:-0}" != 1 ]; then
	echo "== end-to-end tests (real kernels in QEMU)" >&2
	for t in tests/e2e/*.sh; do
		[ -e "$t" ] || continue
		run_one "e2e/$(basename "$t" .sh)" bash "$t"
	done
else
	echo "== end-to-end tests skipped (GUPBENCH_SKIP_E2E=1)" >&2
fi

for f in "${failures[@]}"; do
	echo "FAILED: $f" >&2
done
if [ "$passed" -eq 0 ]; then
	echo "tests/run-all.sh: no check ran: the suite itself is broken" >&2
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
