#!/bin/bash
# End-to-end bisection on real kernels in QEMU. tests/e2e/bisect-repo.bash
# makes (once, cached) a git repository from Debian's linux-source-6.12:
# an import commit, then six commits with the project's known-effect patch
# (kernel-patches/gupbench-no-thp-batch) third. `gupharness bisect` between
# the ends, on the THP pin case that patch slows down about tenfold, must
# name that commit; the same command again must resume from its state
# without booting; and `kernel build --rev ... --series DIR` with a
# `commits` file naming the patch's commit must build on the good end.
#
# Cost: the first run builds the good end in full (a few minutes; with
# ccache, compiles the tarball's linux-6.12 build already made are hits),
# then every other step is an incremental build on the repository's one
# work tree. Later runs find every kernel in the cache and only boot. The
# figures (steps, builds, boots, wall time) are printed as TAP comments.
. "$(dirname "$0")/../lib.sh"
plan 11
scratch
H=$GUPHARNESS
DB=$SCRATCH/bisect.db
MATRIX=$ROOT/tests/e2e/bisect.json
CASE="-L -m 64 -n 512 -t"
export GUPBENCH_DB=$DB

t0=$(date +%s.%N)
REPO=$(bash "$ROOT/tests/e2e/bisect-repo.bash" 2>"$SCRATCH/repo.err")
ok $? "the synthetic repository exists ($(grep -o 'created in.*' "$SCRATCH/repo.err" || echo cached))"
t1=$(date +%s.%N)
echo "# repository: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }') ($REPO)"
C3=$(git -C "$REPO" log --format=%H --grep='stop batching large folios' synthetic-good..synthetic-bad)
[ "$(echo "$C3" | wc -w)" -eq 1 ]
ok $? "the known-effect commit is in it (${C3:0:12})"

clock=()
"$H" run --help 2>/dev/null | grep -q -- '--clock' && clock=(--clock icount)
bisect() {
	"$H" bisect --source "$REPO" --good synthetic-good --bad synthetic-bad --case "$CASE" --matrix "$MATRIX" \
		--db "$DB" "${clock[@]}" "$@"
}
t0=$(date +%s.%N)
bisect --format json >"$SCRATCH/b.json" 2>"$SCRATCH/b.err"
st=$?
t1=$(date +%s.%N)
ok $st "bisect exits 0 (got $st: $(tail -1 "$SCRATCH/b.err"))"
got=$(jq -r .first_bad "$SCRATCH/b.json" 2>/dev/null)
[ "$got" = "$C3" ]
ok $? "bisect names the known-effect commit (got '${got:0:12}')"
echo "# bisect: $(jq -r '"\(.measured) measured steps (2 ends + \(.measured - 2) commits), \(.builds) builds, \(.boots) boots"' \
	"$SCRATCH/b.json"), $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f s wall", b - a }') ${clock[*]}"
jq -r '.steps[] | "#   \(.order) \(.sha[0:12]) \(.mark) \(.value) \(.subject)"' "$SCRATCH/b.json"
n=$(sqlite3 "$DB" "SELECT count(*) FROM runs WHERE label GLOB 'bisect-$(jq -r .id "$SCRATCH/b.json")-*'")
[ "$n" -ge 4 ] && [ "$n" -eq "$(sqlite3 "$DB" "SELECT count(*) FROM runs")" ]
ok $? "every run is labelled with the bisection and its commit ($n runs)"

runs=$(sqlite3 "$DB" "SELECT count(*) FROM runs")
bisect --format report >"$SCRATCH/r.txt" 2>"$SCRATCH/r.err"
ok $? "the same command again exits 0"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM runs")" -eq "$runs" ] && grep -q resuming "$SCRATCH/r.err"
ok $? "it resumes from the saved state without booting"
grep -q "^commit: $C3" "$SCRATCH/r.txt" && grep -q "To reproduce" "$SCRATCH/r.txt"
ok $? "the report names the commit and how to reproduce"

mkdir -p "$SCRATCH/series/by-commit"
printf '# the known-effect patch, by its commit in the synthetic repository\n%s\n' "$C3" \
	>"$SCRATCH/series/by-commit/commits"
t0=$(date +%s.%N)
"$H" kernel build --source "$REPO" --rev synthetic-good --series "$SCRATCH/series/by-commit" \
	>"$SCRATCH/k.out" 2>"$SCRATCH/k.err"
st=$?
t1=$(date +%s.%N)
ok $st "kernel build --rev synthetic-good --series DIR with a commits file builds (got $st: $(tail -1 "$SCRATCH/k.err"))"
echo "# commits series build: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f s", b - a }')"
meta=$(awk '{ print $3 }' "$SCRATCH/k.out")/meta.json
[ "$(jq -r '.series.name + " " + .series.kind' "$meta" 2>/dev/null)" = "by-commit commits" ] && [ "$(jq -r '.source.kind' "$meta")" = git ]
ok $? "its cache entry records the git source and the series"
[ -z "$(git -C "$REPO" status --porcelain)" ]
ok $? "the repository was only read"
tap_done
