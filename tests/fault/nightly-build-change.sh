#!/bin/bash
# nightly: one build, one identity. Three nights of one config on
# one tarball, then the same config with a patch series added for the fourth
# and fifth nights; the series makes the case 10% slower (the fault-injection
# fake QEMU reports the fake_get_us= it finds in the kernel, every sample
# exact, as under icount). The fourth night runs a kernel of its own name (the
# night's id covers the series), its report names the change ("series added:
# slow") as a change-point candidate, tonight against last night calls the
# case regressed and the night exits 1; the database still shows the first
# three nights with the plain build's provenance, and db check passes. With
# the fakes of tests/fault/kernel-fakes.bash.
. "$(dirname "$0")/../lib.sh"
plan 13
. "$(dirname "$0")/kernel-fakes.bash"
fake_kernel_setup
export GUPBENCH_QEMU=$ROOT/tests/fault/fake-qemu-for-fault-injection.bash FAKE_QEMU_SAMPLES=5 GUPBENCH_QUIET=1
H=$GUPHARNESS
make_series "$SCRATCH/series/slow" $'--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -1,4 +1,5 @@\n line one\n+fake_get_us=1100\n line two\n line three\n line four\n'
echo '{ "name": "bc", "repeats": 5, "axes": { "cmd": "L" } }' >"$SCRATCH/m.json"
config() {   # config [SERIES]: the nightly config, with the series when given
	cat >"$SCRATCH/nightly.json" <<JSON
{ "db": "night.db", "report_dir": "reports", "matrices": ["m.json"], "clock": "icount",
  "fragments": ["frag.config"],
  "sources": [ { "name": "fake", "tarball": "linux-source-9.9.tar.xz"${1:+, \"series\": \"$1\"} } ] }
JSON
}
night() {   # night DATE: one night (measured again: a lab runs every night); $ST, $SCRATCH/out, err
	timeout 300 "$H" nightly --config "$SCRATCH/nightly.json" --date "$1" --force >"$SCRATCH/out" 2>"$SCRATCH/err"
	ST=$?
	REPORT=$(cat "$SCRATCH/out")
}
config
for d in 01 02 03; do
	night 2026-02-$d
	ok $ST "plain night $d exits 0 (got $ST; $(tail -1 "$SCRATCH/err"))"
done
plain_key=$(sqlite3 "$SCRATCH/night.db" "SELECT DISTINCT k.cache_key FROM boots b JOIN kernels k ON k.id = b.kernel_id")
config series/slow
night 2026-02-04
ok $((ST != 1)) "night 4, the series added, exits 1 (got $ST; $(tail -1 "$SCRATCH/err"))"
grep -q "ran another build than the last good night, 2026-02-03 ([0-9a-f-]*): series added: slow[.;]" "$REPORT"
ok $? "its report names the build change: $(grep -o 'ran another build[^.]*' "$REPORT" | head -1)"
grep -q "Tonight is a change-point candidate; the change points need at least [0-9]* nights on each side" "$REPORT"
ok $? "and calls tonight a change-point candidate that needs its minimum segment"
grep -A30 "Tonight against the last good night" "$REPORT" | grep -qi "regressed"
ok $? "tonight against the last good night calls the case regressed"
ok_sql "$SCRATCH/night.db" "SELECT count(DISTINCT r.id) FROM boots b JOIN runs r ON r.id = b.run_id
	JOIN kernels k ON k.id = b.kernel_id WHERE r.label GLOB 'nightly/fake/2026-02-0[123]/*'
	AND k.series IS NULL AND k.cache_key = '$plain_key'" -eq 3 "the first three nights keep the plain build's provenance"
ok_sql "$SCRATCH/night.db" "SELECT count(*) FROM boots b JOIN runs r ON r.id = b.run_id
	JOIN kernels k ON k.id = b.kernel_id WHERE r.label GLOB 'nightly/fake/2026-02-04/*'
	AND k.series LIKE 'slow@%' AND k.cache_key <> '$plain_key'" -ge 1 "night 4 ran the patched build"
ok_sql "$SCRATCH/night.db" "SELECT count(DISTINCT name) FROM kernels" -eq 2 "the two builds have two names"
"$H" db check --db "$SCRATCH/night.db" >/dev/null 2>&1
ok $? "db check passes"
night 2026-02-05
! grep -q "ran another build" "$REPORT"
ok $? "night 5, the same build as night 4, names no build change (status $ST)"
"$H" kernel list | grep -c '^nightly-fake-' | grep -qx 2
ok $? "kernel list shows the two nightly builds by their own names"
tap_done
