#!/bin/bash
# The whole test suite behind `make check`: unit tests (normal and
# ASan/UBSan builds), layout checks (function length, SQL only in results/),
# fault-injection tests, the statistics simulation's short form
# (tests/perf/stats-sim.sh), a brief libFuzzer run of the
# parsers and end-to-end tests with real kernels in QEMU. Every test prints TAP lines; this script counts them and
# closes with "N passed, N failed". A test must print its plan (1..N) before
# its first check and run exactly N; a test that hangs is killed after
# TEST_TIMEOUT seconds. Exit status non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
# the suite's kernel names (the prebuilt ones too) live in a namespace of
# their own, fresh for each suite run: they share the cache's
# content-addressed entries, so nothing is rebuilt, but never show in the
# user's 'gupharness kernel list' nor outlive the run
GUPBENCH_NAMES=$(mktemp -d /tmp/gupbench-names.XXXXXX) || exit 1
export GUPBENCH_NAMES
trap 'rm -rf "$GUPBENCH_NAMES"' EXIT
OUT=$ROOT/tests/out
mkdir -p "$OUT"
passed=0 failed=0 skipped=0
failures=()
runner_notes=()

count() {   # check one test's TAP output; $1 name, $2 file, $3 exit status
	local p f s first plan
	p=$(grep -acE '^ok [0-9]+' "$2")
	s=$(grep -acE '^ok [0-9]+ # SKIP' "$2")
	f=$(grep -acE '^not ok [0-9]+' "$2")
	first=$(grep -a -m1 -E '^(1\.\.[0-9]+$|(not )?ok )' "$2")
	plan=${first#1..}
	# What the runner finds wrong beyond the test's own checks is one more
	# failure each, written into the log as a TAP comment (after the plan a
	# test line would be unplanned) and into the summary below.
	if [ "$plan" = "$first" ]; then
		runner_failed "$1" "$2" "printed no plan line (1..N) before its first check"
		f=$((f + 1))
	elif [ $((p + f)) -ne "$plan" ]; then
		runner_failed "$1" "$2" "planned $plan checks but ran $((p + f)): a check vanished or is unplanned"
		f=$((f + 1))
	fi
	if [ "$3" -eq 124 ] || [ "$3" -eq 137 ]; then
		runner_failed "$1" "$2" "timed out after ${TEST_TIMEOUT} s"
		f=$((f + 1))
	elif [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed or exited non-zero without saying why: a failure
		runner_failed "$1" "$2" "exited with status $3"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		runner_failed "$1" "$2" "ran no checks"
	fi
	passed=$((passed + p - s)) failed=$((failed + f)) skipped=$((skipped + s))
	[ "$f" -gt 0 ] && failures+=("$1 (see $2)")
	printf '%-40s %3d passed, %d failed' "$1" "$((p - s))" "$f" >&2
	[ "$s" -gt 0 ] && printf ', %d skipped' "$s" >&2
	echo >&2
}

runner_failed() {   # $1 name, $2 log, $3 what the runner found wrong
	echo "# run-all: FAILED: $1 $3" >>"$2"
	runner_notes+=("$1 $3")
}

run_one() {  # $1 name, rest: command; killed after TEST_TIMEOUT seconds
	local name=$1 log="$OUT/${1//\//-}.tap" st
	shift
	timeout -k 10 "$TEST_TIMEOUT" "$@" >"$log" 2>"${log%.tap}.err"
	st=$?
	count "$name" "$log" "$st"
}

# Every benchmark script in tests/perf/ runs in a short form, so none can rot
# unseen: stats-sim and db-speed above, icount-verdicts as tests/e2e/verdicts.sh
# (its short form, a slice of the matrix), the rest here. explain.sh runs by
# hand (tests/perf/explain.sh says why).
perf_short() {
	local t name
	TEST_TIMEOUT=900
	for t in tests/perf/*.sh; do
		name=$(basename "$t" .sh)
		case $name in
		stats-sim | db-speed | icount-verdicts | explain) continue ;;
		esac
		GUPBENCH_PERF_SHORT=1 run_one "perf/$name" bash "$t"
	done
}

run_each() {  # $1 a directory under tests/, $2 the timeout: every *.sh there
	local t
	TEST_TIMEOUT=$2
	for t in tests/$1/*.sh; do
		[ -e "$t" ] || continue
		run_one "$1/$(basename "$t" .sh)" bash "$t"
	done
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

prebuild=
if [ "${GUPBENCH_SKIP_E2E:-0}" != 1 ]; then
	# the e2e kernels build at nice 19 beside the unit and fault tests, in
	# their own session so that an early exit takes the whole build down
	setsid nice -n 19 bash tests/prebuild-kernels.bash >"$OUT/prebuild.log" 2>&1 &
	prebuild=$!
	trap '[ -n "$prebuild" ] && kill -- -"$prebuild" 2>/dev/null; rm -rf "$GUPBENCH_NAMES"' EXIT
	echo "== the end-to-end tests' kernels build meanwhile, at nice 19 (log: $OUT/prebuild.log)" >&2
fi

echo "== unit tests" >&2
TEST_TIMEOUT=120
for t in build/tests/test_*; do
	[ -x "$t" ] && [ "${t%.d}" = "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done
echo "== unit tests under ASan/UBSan" >&2
for t in build-san/tests/test_*; do
	[ -x "$t" ] && [ "${t%.d}" = "$t" ] || continue
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LSAN_OPTIONS=exitcode=23 run_one "asan/$(basename "$t")" "$t"
done

echo "== layout checks" >&2
run_each style 60

echo "== fault-injection tests" >&2
run_each fault 300

echo "== benchmark scripts without kernels, short forms (tests/perf/stats-sim.sh, db-speed.sh; the full forms print docs' figures)" >&2
TEST_TIMEOUT=900
STATS_SIM_QUICK=1 run_one "perf/stats-sim" bash tests/perf/stats-sim.sh
GUPBENCH_PERF_SHORT=1 run_one "perf/db-speed" bash tests/perf/db-speed.sh

echo "== fuzz targets, briefly (make fuzz runs them longer)" >&2
TEST_TIMEOUT=900
FUZZ_SECONDS=${FUZZ_SECONDS:-10} run_one "fuzz/parsers" bash tests/fuzz/run.sh

if [ "${GUPBENCH_SKIP_E2E:-0}" != 1 ]; then
	t0=$(date +%s)
	wait "$prebuild"
	prebuild=
	echo "== end-to-end tests (real kernels in QEMU; waited $(( $(date +%s) - t0 )) s for the kernel prebuild)" >&2
	grep -a '^prebuil' "$OUT/prebuild.log" >&2
	run_each e2e "${GUPBENCH_E2E_TIMEOUT:-10800}"   # kernel builds from scratch included
	echo "== benchmark scripts with kernels, short forms (GUPBENCH_PERF_SHORT=1)" >&2
	perf_short
else
	echo "== end-to-end tests skipped (GUPBENCH_SKIP_E2E=1)" >&2
fi

for f in "${runner_notes[@]}"; do
	echo "run-all: $f" >&2
done
for f in "${failures[@]}"; do
	echo "FAILED: $f" >&2
done
if [ "$passed" -eq 0 ]; then
	echo "tests/run-all.sh: no check ran: the suite itself is broken" >&2
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
