#!/bin/bash
# nightly: two nights never overlap. While another process holds the flock
# next to the database, a second nightly exits at once with status 4 and a
# message naming the lock; once the lock is free the same command proceeds.
. "$(dirname "$0")/../lib.sh"
plan 7
scratch
H=$GUPHARNESS

echo "tarball stand-in" >"$SCRATCH/src.tar.xz"
echo '{"cases": []}' >"$SCRATCH/matrix.json"
cat >"$SCRATCH/nightly.json" <<JSON
{
  "db": "lab/night.db",
  "report_dir": "reports",
  "matrices": ["matrix.json"],
  "sources": [ { "name": "locked", "tarball": "src.tar.xz" } ]
}
JSON
LOCK=$SCRATCH/lab/night.db.nightly.lock
mkdir -p "$SCRATCH/lab"

# The holder: a subshell keeping fd 9 locked (flock(1) on the same file).
# It waits for the lock rather than giving up: the probe below takes the
# same lock for an instant, and under load the two can meet.
( exec 9>"$LOCK"; flock -w 20 9 || exit 1; echo "$BASHPID" >"$LOCK"; sleep 30 ) &
holder=$!
for _ in $(seq 50); do
	[ -s "$LOCK" ] && ! flock -n "$LOCK" true 2>/dev/null && break
	sleep 0.1
done
timeout 20 "$H" nightly --config "$SCRATCH/nightly.json" --report-only >"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
ok $((st != 4)) "a second night exits with status 4 while the lock is held (got $st)"
check "its message names the lock file" -- grep -qF "holds '$LOCK'" "$SCRATCH/err"
check "and the holder's pid" -- grep -q "another night (pid $holder)" "$SCRATCH/err"
check "nothing on stdout" -- test ! -s "$SCRATCH/out"
check "no database was created behind the lock" -- test ! -e "$SCRATCH/lab/night.db"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

timeout 20 "$H" nightly --config "$SCRATCH/nightly.json" --report-only >"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
ok $((st == 4)) "with the lock free the night proceeds (status $st)"
check "and reports the empty database rather than the lock" -- grep -q "no database at" "$SCRATCH/err"
tap_done
