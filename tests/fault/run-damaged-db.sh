#!/bin/bash
# `gupharness run` on a database damaged mid-file: the
# integrity check runs before anything boots, so the run exits 7 naming the
# file and the fix, starts no guest, makes no run directory, does not
# suggest --resume (which could not work), and leaves every byte as it was.
. "$(dirname "$0")/run-common.bash"
plan 5
fake_kernel k ok
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel k --db "$DB" --accel tcg --no-pin >/dev/null 2>&1
ok $? "a first run stores its boot"
# damage the first page of the boots table, header and schema intact
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
page=$(sqlite3 "$DB" "SELECT pageno FROM dbstat WHERE name = 'boots' LIMIT 1")
dd if=/dev/urandom of="$DB" bs=4096 seek=$((${page:-2} - 1)) count=1 conv=notrunc 2>/dev/null
before=$(sha256sum <"$DB")
dirs=$(ls "$SCRATCH/runs" | wc -l)
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel k --db "$DB" --accel tcg --no-pin \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
[ $st -eq 7 ] && grep -q "corrupt" "$SCRATCH/err" && grep -q "db check" "$SCRATCH/err"
ok $? "exit 7 naming the damage and 'db check' (got $st: $(head -c 200 "$SCRATCH/err"))"
[ "$dirs" -ge 1 ] && [ "$(ls "$SCRATCH/runs" | wc -l)" -eq "$dirs" ] && ! grep -q "boot0" "$SCRATCH/err"
ok $? "nothing booted: no new run directory"
! grep -q -- "--resume" "$SCRATCH/err"
ok $? "no --resume suggested"
[ "$(sha256sum <"$DB")" = "$before" ]
ok $? "the damaged file is left as it was"
tap_done
