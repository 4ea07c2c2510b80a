#!/bin/bash
# nightly: a config that names what does not exist fails at once (status 2,
# before any lock, build or run) with one line per missing thing; a good
# config's --dry-run shows the exact kernel build and run command lines and
# changes nothing.
. "$(dirname "$0")/../lib.sh"
plan 18
scratch
H=$GUPHARNESS

cat >"$SCRATCH/bad.json" <<JSON
{
  "db": "night.db",
  "matrices": ["no-such-matrix.json"],
  "sources": [
    { "name": "gone", "tarball": "/nonexistent/linux-source-9.9.tar.xz" },
    { "name": "nodir", "dir": "$SCRATCH/no-tree", "series": "no-series" }
  ]
}
JSON
t0=$(date +%s)
timeout 20 "$H" nightly --config "$SCRATCH/bad.json" >"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
ok $((st != 2)) "a config naming nothing that exists exits 2 (got $st)"
ok $(( $(date +%s) - t0 > 5 )) "at once"
check "it names the missing tarball" -- grep -q "tarball '/nonexistent/linux-source-9.9.tar.xz' does not exist" "$SCRATCH/err"
check "the missing matrix" -- grep -q "matrix '$SCRATCH/no-such-matrix.json' does not exist" "$SCRATCH/err"
check "the missing source directory" -- grep -q "'$SCRATCH/no-tree' is not a kernel source directory" "$SCRATCH/err"
check "the missing series" -- grep -q "series directory '$SCRATCH/no-series' does not exist" "$SCRATCH/err"
check "and touches no database" -- test ! -e "$SCRATCH/night.db" -a ! -e "$SCRATCH/night.db.nightly.lock"

echo '{ "sources": [ { "name": "x", "tarbal": "a" } ], "matrices": [] }' >"$SCRATCH/typo.json"
timeout 20 "$H" nightly --config "$SCRATCH/typo.json" >/dev/null 2>"$SCRATCH/err"
ok $(( $? != 2 )) "a misspelt key is an error too"
check "naming the key" -- grep -q "unknown key 'tarbal' in a source" "$SCRATCH/err"

echo '{ "sources": [ { "name": "x", "tarball": "/usr/src" } ], "matrices": [], "clock": "tsc" }' >"$SCRATCH/clock.json"
timeout 20 "$H" nightly --config "$SCRATCH/clock.json" >/dev/null 2>"$SCRATCH/err"
ok $(( $? != 2 )) "an unknown clock mode is an error"
check "naming the mode and the choices" -- grep -q "'clock' is 'tsc'; use 'auto', 'icount' or 'wall'" "$SCRATCH/err"

timeout 20 "$H" nightly --config "$SCRATCH/absent.json" >/dev/null 2>"$SCRATCH/err"
ok $(( $? != 2 )) "a missing config file exits 2"

if command -v git >/dev/null; then
	git init -q -b main "$SCRATCH/tree" && echo 'all:' >"$SCRATCH/tree/Makefile" &&
		git -C "$SCRATCH/tree" add Makefile &&
		git -C "$SCRATCH/tree" -c user.name=t -c user.email=t@t commit -qm init
	echo '{"cases": []}' >"$SCRATCH/m.json"
	cat >"$SCRATCH/git.json" <<JSON
{ "db": "night.db", "matrices": ["m.json"],
  "sources": [ { "name": "mm", "git": "tree", "branch": "mm-unstable" } ] }
JSON
	timeout 20 "$H" nightly --config "$SCRATCH/git.json" >/dev/null 2>"$SCRATCH/err"
	ok $(( $? != 2 )) "a git source whose branch does not exist exits 2"
	check "naming the branch and the tree" -- grep -q "no branch 'mm-unstable' in git tree '$SCRATCH/tree'" "$SCRATCH/err"

	sed -i 's/mm-unstable/main/' "$SCRATCH/git.json"
	commit=$(git -C "$SCRATCH/tree" rev-parse HEAD)
	timeout 20 "$H" nightly --config "$SCRATCH/git.json" --dry-run --date 2025-03-01 --shard 2/3 \
		>"$SCRATCH/out" 2>"$SCRATCH/err"
	ok $? "--dry-run on a good git config succeeds"
	check "it shows the kernel build of the branch head" -- \
		grep -qE "kernel build --source $SCRATCH/tree --rev ${commit:0:12} --name nightly-mm-${commit:0:12}-[0-9a-f]{8}\$" "$SCRATCH/out"
	check "and the run under tonight's label, with the shard" -- \
		grep -qE "run --matrix $SCRATCH/m.json --kernel nightly-mm-${commit:0:12}-[0-9a-f]{8} --label nightly/mm/2025-03-01/${commit:0:12}-[0-9a-f]{8} --db $SCRATCH/night.db --clock auto --shard 2/3\$" "$SCRATCH/out"
	check "and changes nothing" -- test ! -e "$SCRATCH/night.db"
else
	skip 6 "git is not installed"
fi
tap_done
