#!/bin/bash
# `gupharness bisect` on a small git repository of a fake kernel source,
# with the fault-injection fakes (make: tests/fault/kernel-fakes.bash, QEMU:
# fake-qemu-for-fault-injection.bash): the fake QEMU reports the get time
# written in the kernel's mm/gup.c ("fake_get_us=N"), so each commit's
# speed is known in advance. History (c3 is the regression):
#   c0 fake_get_us=1000 (tag good)   c1 FAKE_BUILD_ERROR (does not build)
#   c2 the error removed              c3 fake_get_us=5000
#   c4 doc   c5 mm comment   c6 doc (tag bad)   c7 fake_get_us=500 (faster)
# Checks: the first bad commit is named, the unbuildable commit is skipped
# and the bisection goes on, every measurement is stored under
# bisect-<id>-<sha12>, a second identical command resumes without booting,
# an interrupted bisection exits 130 and resumes to the same answer, and the
# errors: unknown revision (2), good not an ancestor (2), good end slower
# than the bad end (10), local changes in the tree (9).
. "$(dirname "$0")/../lib.sh"
plan 21
. "$(dirname "$0")/kernel-fakes.bash"
fake_kernel_setup
export GUPBENCH_QEMU=$ROOT/tests/fault/fake-qemu-for-fault-injection.bash FAKE_QEMU_SAMPLES=5
REPO=$SCRATCH/repo
MATRIX=$SCRATCH/m.json
CASE="-L -m 128 -n 1"
echo '{ "name": "bisect-fault", "repeats": 5, "axes": { "cmd": "L" } }' >"$MATRIX"

cp -r "$SCRATCH/src/linux-source-9.9" "$REPO"
g() { git -C "$REPO" -c user.name=t -c user.email=t@t "$@"; }
commit() { g add -A && g commit -qm "$1"; }
sed -i '1i fake_get_us=1000' "$REPO/mm/gup.c"
g init -q && commit "import a fake kernel" && g tag good
echo "/* FAKE_BUILD_ERROR */" >>"$REPO/mm/gup.c" && commit "mm/gup: a line that breaks the build"
sed -i '/FAKE_BUILD_ERROR/d' "$REPO/mm/gup.c" && commit "mm/gup: the build fixed again"
sed -i 's/fake_get_us=1000/fake_get_us=5000/' "$REPO/mm/gup.c" && commit "mm/gup: five times slower"
C3=$(g rev-parse HEAD)
mkdir -p "$REPO/Documentation" && echo doc >"$REPO/Documentation/a.txt" && commit "Documentation: a line"
echo "/* a comment */" >>"$REPO/mm/gup.c" && commit "mm/gup: a comment"
echo more >>"$REPO/Documentation/a.txt" && commit "Documentation: another line" && g tag bad
sed -i 's/fake_get_us=5000/fake_get_us=500/' "$REPO/mm/gup.c" && commit "mm/gup: faster than ever"

bisect() {   # bisect DB ARGS...: output in $OUT/$ERR, status in $ST
	local db=$1
	shift
	OUT=$SCRATCH/out ERR=$SCRATCH/err
	timeout 300 "$GUPHARNESS" bisect --source "$REPO" --case "$CASE" --matrix "$MATRIX" --db "$db" \
		--accel tcg "$@" >"$OUT" 2>"$ERR"
	ST=$?
}
runs() { sqlite3 "$1" "SELECT count(*) FROM runs"; }

DB=$SCRATCH/b.db
bisect "$DB" --good good --bad bad
ok $ST "bisect exits 0 when it names a commit (got $ST; $(tail -1 "$ERR"))"
grep -q "^first bad commit: $C3 mm/gup: five times slower" "$OUT"
ok $? "the first bad commit is the one that made the case slower"
grep -qE "^[0-9]+ +[0-9a-f]{12} skip .*mm/gup: a line that breaks the build" "$OUT"
ok $? "the commit that does not build is skipped, and the bisection goes on"
id=$(jq -r "select(.db == \"$DB\") | .id" "$SCRATCH"/bisect/*/state.json)
labels=$(sqlite3 "$DB" "SELECT count(DISTINCT label) FROM runs WHERE label GLOB 'bisect-$id-[0-9a-f]*'")
labelled=$(sqlite3 "$DB" "SELECT count(*) FROM runs WHERE label GLOB 'bisect-$id-[0-9a-f]*'")
all=$(runs "$DB")
# a step may take more boots than one (two commits with one build, the
# fixed-again one and the good end here, pool as one build)
[ "$labels" -ge 4 ] && [ "$labelled" -eq "$all" ]
ok $? "every run is labelled bisect-<id>-<sha12> ($labels labels, $labelled of $all runs)"
sqlite3 "$DB" "SELECT label FROM runs" | grep -q "bisect-$id-${C3:0:12}"
ok $? "the first bad commit's measurement is under its label"

bisect "$DB" --good good --bad bad --format json
ok $ST "the same command again exits 0"
[ "$(runs "$DB")" -eq "$all" ] && grep -q "resuming" "$ERR"
ok $? "and resumes from the saved state without booting again"
[ "$(jq -r .first_bad "$OUT")" = "$C3" ] && [ "$(jq -r .outcome "$OUT")" = found ]
ok $? "--format json gives the first bad commit"

bisect "$SCRATCH/e.db" --good nosuchrev --bad bad
ok $((ST != 2)) "an unknown revision exits 2 (got $ST)"
grep -q "unknown revision 'nosuchrev'" "$ERR"
ok $? "naming it: $(head -1 "$ERR")"
bisect "$SCRATCH/e.db" --good bad --bad good
ok $((ST != 2)) "a good end that is not an ancestor of the bad end exits 2 (got $ST)"
bisect "$SCRATCH/e.db" --good "$C3" --bad HEAD
ok $((ST != 10)) "a good end slower than the bad end exits 10 (got $ST)"
grep -q "good and bad reversed" "$ERR"
ok $? "saying so: $(grep -m1 reversed "$ERR")"
echo "local change" >>"$REPO/Documentation/a.txt"
bisect "$SCRATCH/e.db" --good good --bad bad
ok $((ST != 9)) "a tree with local changes is refused with exit 9 (got $ST)"
grep -q "has local changes" "$ERR"
ok $? "with the fix in the message: $(head -1 "$ERR")"
g checkout -q -- Documentation/a.txt
[ -z "$(g status --porcelain)" ]
ok $? "the user's tree was only read"

# interrupted after the ends, then resumed
DB2=$SCRATCH/i.db   # next to the first database: another database is another bisection
timeout 300 "$GUPHARNESS" bisect --source "$REPO" --good good --bad bad --case "$CASE" --matrix "$MATRIX" \
	--db "$DB2" --accel tcg >"$SCRATCH/iout" 2>"$SCRATCH/ierr" &
pid=$!
for _ in $(seq 600); do
	m=$(jq -r "select(.db == \"$DB2\") | .measured" "$SCRATCH"/bisect/*/state.json 2>/dev/null | head -1)
	[ "${m:-0}" -ge 2 ] && break
	sleep 0.1
done
: >"$FAKE_SLEEP_FILE"
for _ in $(seq 600); do [ -s "$FAKE_SLEEP_FILE" ] && break; sleep 0.1; done
kill -INT $pid
wait $pid
st=$?
rm -f "$FAKE_SLEEP_FILE"
ok $((st != 130)) "an interrupted bisection exits 130 (got $st; $(tail -1 "$SCRATCH/ierr"))"
grep -q "run the same command again to resume" "$SCRATCH/ierr"
ok $? "and says how to resume"
bisect "$DB2" --good good --bad bad
ok $ST "the resumed bisection exits 0"
grep -q "^first bad commit: $C3" "$OUT" && grep -q resuming "$ERR"
ok $? "and names the same commit"
no_left=$(pgrep -f "$SCRATCH" | wc -l)
ok "$no_left" "nothing left running"
tap_done
