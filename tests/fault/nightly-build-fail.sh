#!/bin/bash
# nightly: a night whose kernel build fails is recorded, not skipped. The
# source is a directory that passes the config check but is no kernel tree,
# so `gupharness kernel build` fails; nightly must exit 5, store a failed run
# with a build_failed event under tonight's label, show it in the report, and
# try again the next night instead of calling the source measured. The
# dashboard marks both nights and links the build log.
. "$(dirname "$0")/../lib.sh"
plan 10
scratch
H=$GUPHARNESS
export GUPBENCH_CACHE=$SCRATCH/cache
unset GUPBENCH_NAMES   # a private cache has its own names

mkdir -p "$SCRATCH/tree"
printf 'tinyconfig:\n\texit 2\n' >"$SCRATCH/tree/Makefile"
echo '{"cases": []}' >"$SCRATCH/m.json"
cat >"$SCRATCH/nightly.json" <<JSON
{ "db": "night.db", "report_dir": "reports", "matrices": ["m.json"],
  "sources": [ { "name": "broken", "dir": "tree" } ] }
JSON

for night in 2025-04-01 2025-04-02; do
	timeout 120 "$H" nightly --config "$SCRATCH/nightly.json" --date $night \
		>"$SCRATCH/out" 2>"$SCRATCH/err"
	st=$?
	ok $((st != 5)) "night $night: a failed build exits 5 (got $st)"
	md=$(cat "$SCRATCH/out")
	check "night $night: the report lists the failed build" -- \
		grep -q "| $night ([0-9a-f-]*) | build_failed |  | kernel build of 'broken'" "$md"
	check "night $night: the build log is kept" -- test -s "$SCRATCH/reports/$night/logs/broken-build.log"
done
check "the second night tried again: both failures are in the history" -- \
	test "$(grep -c '| build_failed |' "$md")" -eq 2
check "the dashboard's index marks both nights 'failed build'" -- \
	test "$(grep -c '<tr class="failed" data-night="2025-04-0[12]">.*<strong>failed build</strong>' "$SCRATCH/reports/index.html")" -eq 2
check "and the night's page links its build log" -- \
	grep -q 'href="../../2025-04-02/logs/broken-build.log"' "$SCRATCH"/reports/site/broken/2025-04-02-*.html
check "the error names the log" -- grep -q "failed (status [0-9]*); log '$SCRATCH/reports/2025-04-02/logs/broken-build.log'" "$SCRATCH/err"
tap_done
