#!/bin/bash
# Kernel builds from a git tree at a revision, on a fake kernel repository
# (tests/fault/kernel-fakes.bash): one work tree per repository that moves
# from commit to commit by its diff, so unchanged files keep their mtimes
# and the object tree is kept (an incremental build), forwards and
# backwards, with the result equal to the commit's own tree; the user's
# checkout is left alone; and a `commits` series taken from the same
# repository with git format-patch.
. "$(dirname "$0")/../lib.sh"
plan 18
. "$(dirname "$0")/kernel-fakes.bash"
fake_kernel_setup
[ -n "${KEEP:-}" ] && trap - EXIT && echo "# scratch $SCRATCH"
REPO=$SCRATCH/repo
cp -r "$SCRATCH/src/linux-source-9.9" "$REPO"
g() { git -C "$REPO" -c user.name=t -c user.email=t@t "$@"; }
echo "unchanged" >"$REPO/keep.c"
echo "to be removed" >"$REPO/gone.c"
g init -q && g add -A && g commit -qm A
A=$(g rev-parse HEAD)
sed -i 's/line two/line two changed/' "$REPO/mm/gup.c"
g rm -q gone.c && echo "new" >"$REPO/new.c" && g add -A && g commit -qm "B: gup changed, one file gone, one new"
B=$(g rev-parse HEAD)
gb() {   # gb ARGS: kernel build on the repository; output $OUT/$ERR, status $ST
	OUT=$SCRATCH/out ERR=$SCRATCH/err
	timeout 120 "$GUPHARNESS" kernel build --source "$REPO" --no-default-config --config "$FRAG" "$@" \
		>"$OUT" 2>"$ERR"
	ST=$?
}
meta() { jq -r "$1" "$(cut -d' ' -f3 "$OUT")/meta.json"; }

gb --rev "$A"
ok $ST "a build at revision A succeeds ($(tail -1 "$ERR"))"
work=$(ls -d "$GUPBENCH_CACHE"/src/gitpath-* 2>/dev/null)
[ "$(echo "$work" | wc -l)" -eq 1 ] && [ -d "$work/tree" ]
ok $? "one work tree for the repository ($(basename "$work"))"
[ "$(meta .source.commit)" = "$A" ]
ok $? "meta.json records the commit"
touch -d '2000-01-01' "$work/tree/keep.c" "$work/tree/mm/gup.c"
sleep 1.1
t_b=$(date +%s)

gb --rev "$B"
ok $ST "a build at revision B succeeds"
[ "$(ls -d "$GUPBENCH_CACHE"/src/gitpath-* | wc -l)" -eq 1 ]
ok $? "it reuses the same work tree"
[ "$(meta .incremental)" = true ]
ok $? "and the same object tree: an incremental build"
grep -q "2 files to rewrite" "$ERR"
ok $? "only the changed and new files are rewritten: $(grep -o 'moving.*' "$ERR")"
[ "$(stat -c %Y "$work/tree/keep.c")" -lt 1000000000 ] && [ "$(stat -c %Y "$work/tree/mm/gup.c")" -ge "$t_b" ]
ok $? "an unchanged file keeps its mtime, a changed one gets the time of the build, not of its commit"
check_tree() {   # the work tree holds exactly commit $1's files and contents
	local x=$SCRATCH/x
	rm -rf "$x" && mkdir -p "$x" && git -C "$REPO" archive "$1" | tar -x -C "$x"
	diff -r "$x" "$work/tree" >/dev/null
}
check_tree "$B"
ok $? "the work tree equals commit B (the removed file is gone)"
grep -q "line two changed" "$(cut -d' ' -f3 "$OUT")/bzImage"
ok $? "the image was built from B's sources"

gb --rev "$A" --name back-to-a
ok $ST "back to A: a cache hit"
gb --rev "$A" --name back-to-a --force
ok $ST "back to A, rebuilt (--force)"
check_tree "$A"
ok $? "the work tree equals commit A again"
grep -q "(incremental" "$ERR"
ok $? "still incremental going backwards"

mkdir -p "$SCRATCH/byid"
printf '# the change of B, by id\n%s B: gup changed\n' "$B" >"$SCRATCH/byid/commits"
gb --rev "$A" --series "$SCRATCH/byid"
ok $ST "a commits series from the same repository builds on A ($(tail -1 "$ERR"))"
grep -q "line two changed" "$(cut -d' ' -f3 "$OUT")/bzImage"
ok $? "with B's change applied"
check_tree "$A"
ok $? "the series was reversed after the build"
[ -z "$(g status --porcelain)" ] && [ "$(g rev-parse HEAD)" = "$B" ]
ok $? "the user's checkout is untouched"
tap_done
