#!/bin/bash
# compare refuses to set kernels of two architectures against each other
# (status 2, one line naming both arches and --cross-arch), does it with
# --cross-arch, and leaves kernels of unknown arch (bare-metal imports) alone.
. "$(dirname "$0")/../lib.sh"
plan 4
scratch
D=$SCRATCH/c.db
H=$GUPHARNESS
timeout 30 "$H" db import "$ROOT/tests/fixtures/linux-6.1.jsonl" --db "$D" --kernel k-a --label A >/dev/null 2>&1
timeout 30 "$H" db import "$ROOT/tests/fixtures/linux-6.12.jsonl" --db "$D" --kernel k-b --label B >/dev/null 2>&1
timeout 30 "$H" compare A B --db "$D" >/dev/null 2>"$SCRATCH/err"
st=$?
[ $st -le 1 ]
ok $? "kernels of unknown arch compare as before (status $st)"
sqlite3 "$D" "UPDATE kernels SET arch = 'x86_64' WHERE name = 'k-a'; UPDATE kernels SET arch = 'arm64' WHERE name = 'k-b'"
timeout 30 "$H" compare A B --db "$D" >/dev/null 2>"$SCRATCH/err"
st=$?
[ $st -eq 2 ] && [ "$(wc -l <"$SCRATCH/err")" -eq 1 ] && grep -q "is x86_64, .* is arm64: .*--cross-arch" "$SCRATCH/err"
ok $? "x86_64 against arm64 is refused with status 2 (got $st: $(cat "$SCRATCH/err"))"
timeout 30 "$H" compare A B --db "$D" --cross-arch >"$SCRATCH/out" 2>&1
st=$?
[ $st -le 1 ] && grep -q "cases compared" "$SCRATCH/out"
ok $? "--cross-arch compares them anyway (status $st)"
sqlite3 "$D" "UPDATE kernels SET arch = 'arm64'"
timeout 30 "$H" compare A B --db "$D" >/dev/null 2>&1
st=$?
[ $st -le 1 ]
ok $? "two arm64 kernels compare (status $st)"
tap_done
