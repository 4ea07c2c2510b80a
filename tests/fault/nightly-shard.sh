#!/bin/bash
# nightly --shard: a night counts as measured for shard K/N only when a
# complete run of that very shard exists; "--shard 1/20" in a stored command
# line does not make shard 1/2 measured (the match was a substring).
. "$(dirname "$0")/../lib.sh"
plan 4
scratch

H=$GUPHARNESS
git init -q -b main "$SCRATCH/tree" && echo 'all:' >"$SCRATCH/tree/Makefile" &&
	git -C "$SCRATCH/tree" add Makefile &&
	git -C "$SCRATCH/tree" -c user.name=t -c user.email=t@t commit -qm init
echo '{"axes": {"cmd": "L"}}' >"$SCRATCH/m.json"
cat >"$SCRATCH/night.json" <<JSON
{ "db": "night.db", "matrices": ["m.json"], "sources": [ { "name": "mm", "git": "tree", "branch": "main" } ] }
JSON
# tonight's id (<commit12>-<build8>, nightly-identity.c), as a dry run plans it
id=$("$H" nightly --config "$SCRATCH/night.json" --dry-run --date 2025-03-01 2>/dev/null |
	sed -n 's|.* --label nightly/mm/2025-03-01/\([^ ]*\) .*|\1|p' | head -1)
cc -O2 -o "$SCRATCH/gen" "$ROOT/tests/perf/gen-stream.c" && "$SCRATCH/gen" 1 3 1 1 5 6.12.0 >"$SCRATCH/s.jsonl" &&
	"$H" db import "$SCRATCH/s.jsonl" --db "$SCRATCH/night.db" --label "nightly/mm/2025-03-01/${id:-none}" >/dev/null &&
	sqlite3 "$SCRATCH/night.db" "UPDATE runs SET status = 'complete',
		cmdline = 'gupharness run --matrix m.json --kernel k --label x --db night.db --shard 1/20'"
ok $? "a database where shard 1/20 of tonight's commit was measured"

timeout 30 "$H" nightly --config "$SCRATCH/night.json" --dry-run --date 2025-03-02 --shard 1/20 \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
grep -q "already measured" "$SCRATCH/err" && ! grep -q -- "--shard 1/20" "$SCRATCH/out"
ok $? "shard 1/20 again: already measured, nothing to run"
timeout 30 "$H" nightly --config "$SCRATCH/night.json" --dry-run --date 2025-03-02 --shard 1/2 \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
ok $? "shard 1/2: the dry run succeeds"
grep -qE -- "run --matrix .* --shard 1/2\$" "$SCRATCH/out" && ! grep -q "already measured" "$SCRATCH/err"
ok $? "shard 1/2 is not taken for 1/20: its run is planned ($(tail -c 160 "$SCRATCH/err"))"
tap_done
