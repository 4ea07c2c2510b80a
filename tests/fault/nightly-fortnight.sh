#!/bin/bash
# nightly: a simulated fortnight. Fourteen nights of results streams (the
# bench/PROTOCOL.md format) are imported under nightly labels with a +40%
# step injected into one case from the ninth night on; the report must name
# that night, the case and the size, and exit 1. A fortnight of noise alone
# must report nothing and exit 0. Each night has its own boot-level offset
# (as real boots do, see DESIGN) on top of per-repeat noise. The report
# names the kernel builds of tonight and the last good night.
. "$(dirname "$0")/../lib.sh"
plan 16
. "$(dirname "$0")/fortnight-fixture.bash"
fortnight_setup

fortnight "$SCRATCH/step" 40
ok $? "14 nights imported with a +40% step on night 9"
# tonight's kernel as a cache entry would describe it (an import has no metadata)
sqlite3 "$SCRATCH/step/night.db" "UPDATE kernels SET source = 'git-0123456789abcdef0123456789abcdef01234567',
	series = 'fix@fedcba987654', config_hash = '$(printf 'c%.0s' {1..64})', compiler = 'gcc (Test) 12.2.0',
	arch = 'x86_64', meta = '{\"series\": {\"patch_sha256\": [\"$(printf 'a%.0s' {1..64})\", \"$(printf 'b%.0s' {1..64})\"]}}'
	WHERE name = 'nightly-fixture-c0ffee00000e'"

timeout 120 "$H" nightly --config "$SCRATCH/step/nightly.json" --report-only --date 2025-03-14 \
	>"$SCRATCH/step/out" 2>"$SCRATCH/step/err"
st=$?
ok $((st != 1)) "a regressed case makes nightly exit 1 (got $st)"
md=$(cat "$SCRATCH/step/out")
check "the Markdown report path is printed on stdout" -- test -s "$md"
check "an HTML report is written next to it" -- grep -q '<table>' "${md%.md}.html"
row=$(grep -F "| $STEP_CASE | 2025-03-09" "$md")
ok $? "the report names the case and its first bad night 2025-03-09"
sz=$(printf '%s\n' "$row" | sed -n 's/.*| +\([0-9]*\)\.[0-9]% (slower).*/\1/p')
ok $(( ! (sz >= 30 && sz <= 50) )) "the size of the change is about +40% (reported +${sz:-?}%)"
check "the report says the case is regressed now" -- grep -qF "REGRESSED" <<<"$row"
ok $(grep -F "| $QUIET_CASE | 2025-" "$md" | grep -c "slower\|faster") "the quiet case has no change"
check "the summary counts one changed case" -- grep -q '^1 case changed; 1 regressed now' "$md"
check "tonight is compared against the last good night" -- \
	grep -q 'nightly/fixture/2025-03-14/c0ffee00000e against nightly/fixture/2025-03-13/c0ffee00000d' "$md"
check "the report names tonight's kernel build: source, series, patches, config, compiler, arch" -- \
	grep -qF "| fixture | 2025-03-14 (c0ffee00000e), tonight | nightly-fixture-c0ffee00000e (release ?): source git-0123456789ab, series fix@fedcba987654 (patches aaaaaaaaaaaa bbbbbbbbbbbb), config cccccccccccc, gcc (Test) 12.2.0, x86_64 |" "$md"
check "and the last good night's, whose provenance is unknown" -- \
	grep -qF "| fixture | 2025-03-13 (c0ffee00000d), last good | nightly-fixture-c0ffee00000d (release ?): source unknown, no series, config unknown, compiler unknown, arch unknown |" "$md"

fortnight "$SCRATCH/noise" 0
ok $? "14 nights of noise only imported"
timeout 120 "$H" nightly --config "$SCRATCH/noise/nightly.json" --report-only --date 2025-03-14 \
	>"$SCRATCH/noise/out" 2>"$SCRATCH/noise/err"
st=$?
ok $st "a noise-only fortnight exits 0"
md=$(cat "$SCRATCH/noise/out")
check "and reports no change" -- grep -q '^0 cases changed; 0 regressed now' "$md"
check "and says so in words" -- grep -q 'No change beyond the threshold' "$md"

tap_done
