#!/bin/bash
# tests/fuzz/run.sh: libFuzzer on the five parsers that read what others
# wrote: the results stream (results/stream.c, stored by ingest.c), the matrix (harness/guest/matrix.c),
# the guest's plan (bench/plan.c), the patch series (harness/kernel/kpatch.c) and
# the guest's kernel console (harness/guest/console.c).
# FUZZ_SECONDS per target (make check: 10, make fuzz: 120). Each target
# starts from its seed corpus in tests/fuzz/corpus/<target>/ plus what earlier
# runs found (tests/out/fuzz/<target>/corpus, never committed). A crash, leak,
# timeout (10 s per input) or out-of-memory is a failing check; the input that
# caused it lands in tests/out/fuzz/<target>/. Prints TAP; without clang's
# libFuzzer the checks are skipped with the package to install.
. "$(dirname "$0")/../lib.sh"
TARGETS="stream matrix plan series console"
SECS=${FUZZ_SECONDS:-10}
plan 6
cd "$ROOT" || exit 1
if ! command -v "${FUZZ_CC:-clang}" >/dev/null ||
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
     "${FUZZ_CC:-clang}" -fsanitize=fuzzer -x c -o /dev/null - 2>/dev/null; then
	skip 6 "clang with libFuzzer is not installed (apt-get install clang)"
	tap_done
	exit
fi
# Reports name functions and lines only with LLVM's symbolizer at hand.
sym=$(command -v llvm-symbolizer || ls /usr/lib/llvm-*/bin/llvm-symbolizer 2>/dev/null | tail -1)
[ -n "$sym" ] && export ASAN_SYMBOLIZER_PATH=$sym
make -s -j2 FUZZ=1 fuzz-targets >tests/out/fuzz-build.log 2>&1
ok $? "the fuzz targets build with clang (log: tests/out/fuzz-build.log)"
for t in $TARGETS; do
	w=$ROOT/tests/out/fuzz/$t
	mkdir -p "$w/corpus"
	"$ROOT/build-fuzz/fuzz/fuzz_$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
		-max_len=16384 -print_final_stats=1 -artifact_prefix="$w/" \
		"$w/corpus" "$ROOT/tests/fuzz/corpus/$t" >"$w/log" 2>&1
	st=$?
	runs=$(grep -aoE '^Done [0-9]+ runs' "$w/log" | awk '{print $2}')
	crash=$(grep -aoE '(ERROR|WARNING): [A-Za-z]+Sanitizer: [a-z-]+|ERROR: libFuzzer: [a-z-]+' "$w/log" | head -1)
	[ "$st" -eq 0 ] && [ -n "$runs" ]
	ok $? "fuzz_$t: ${runs:-no} runs in $SECS s, ${crash:-no crash} (status $st, log tests/out/fuzz/$t/log)"
done
tap_done
