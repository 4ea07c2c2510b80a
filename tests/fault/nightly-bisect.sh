#!/bin/bash
# nightly: a git source with "bisect": true. Night one measures the branch
# head; three commits later (the middle one five times slower, as the fake
# QEMU reports the fake_get_us= it finds in the kernel), night two's
# comparison with night one regresses, and nightly bisects the regressed
# case between the two nights' commits: the bisection's report names the slow commit and the
# night's report points at it. With the fault-injection fakes of
# tests/fault/kernel-fakes.bash. "bisect" on a tarball source is refused.
. "$(dirname "$0")/../lib.sh"
plan 8
. "$(dirname "$0")/kernel-fakes.bash"
fake_kernel_setup
export GUPBENCH_QEMU=$ROOT/tests/fault/fake-qemu-for-fault-injection.bash FAKE_QEMU_SAMPLES=5
REPO=$SCRATCH/repo
cp -r "$SCRATCH/src/linux-source-9.9" "$REPO"
g() { git -C "$REPO" -c user.name=t -c user.email=t@t "$@"; }
commit() { g add -A && g commit -qm "$1"; }
sed -i '1i fake_get_us=1000' "$REPO/mm/gup.c"
g init -q -b main && commit "import a fake kernel"
echo '{ "name": "nb", "repeats": 5, "axes": { "cmd": "L" } }' >"$SCRATCH/m.json"
cat >"$SCRATCH/nightly.json" <<JSON
{ "db": "night.db", "report_dir": "reports", "matrices": ["m.json"],
  "sources": [ { "name": "fake", "git": "repo", "branch": "main", "bisect": true } ] }
JSON
night() {   # night DATE: one night; output $SCRATCH/out, $SCRATCH/err; status $ST
	timeout 300 "$GUPHARNESS" nightly --config "$SCRATCH/nightly.json" --date "$1" \
		>"$SCRATCH/out" 2>"$SCRATCH/err"
	ST=$?
}
night 2026-01-01
ok $ST "night one (no earlier night) exits 0 (got $ST; $(tail -1 "$SCRATCH/err"))"

mkdir -p "$REPO/Documentation" && echo doc >"$REPO/Documentation/a.txt" && commit "Documentation: a line"
sed -i 's/fake_get_us=1000/fake_get_us=5000/' "$REPO/mm/gup.c" && commit "mm/gup: five times slower"
SLOW=$(g rev-parse HEAD)
echo "/* a comment */" >>"$REPO/mm/gup.c" && commit "mm/gup: a comment"
night 2026-01-02
# two nights are too few for a change point, but the fake guest's samples
# are exact (the icount clock): tonight against night one decides
ok $((ST != 1)) "night two exits 1: its icount comparison with night one regressed (got $ST)"
grep -q "regressed on '-L -m 128 -n 1': bisecting" "$SCRATCH/err"
ok $? "but its comparison with night one regressed, which starts the bisection"
rep=$SCRATCH/reports/2026-01-02/bisect-fake.txt
grep -q "^commit: $SLOW" "$rep" 2>/dev/null
ok $? "the nightly bisection names the slow commit (${SLOW:0:12})"
md=$(cat "$SCRATCH/out")
grep -q "first bad commit found" "$md" 2>/dev/null && grep -q "bisect-fake.txt" "$md"
ok $? "the night's report points at the bisection"
labels=$(sqlite3 "$SCRATCH/night.db" "SELECT count(*) FROM runs WHERE label GLOB 'bisect-*'")
[ "$labels" -ge 1 ]
ok $? "the bisection's runs are in the nightly database ($labels)"

cat >"$SCRATCH/bad.json" <<JSON
{ "db": "night.db", "report_dir": "reports", "matrices": ["m.json"],
  "sources": [ { "name": "tb", "tarball": "linux-source-9.9.tar.xz", "bisect": true } ] }
JSON
"$GUPHARNESS" nightly --config "$SCRATCH/bad.json" --dry-run >/dev/null 2>"$SCRATCH/err"
st=$?
ok $((st != 2)) "bisect on a tarball source is a config error (got $st)"
grep -q "'bisect' needs a git source" "$SCRATCH/err"
ok $? "saying why: $(head -1 "$SCRATCH/err")"
tap_done
