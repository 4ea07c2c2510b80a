#!/bin/bash
# tests/e2e/bisect-repo.bash: make (once) the synthetic git repository the
# bisection test and the git-source tests run on, and print its path on
# stdout. Not a test itself (run-all.sh runs only tests/e2e/*.sh).
#
# The repository is Debian's linux-source-6.12 tarball as one initial
# commit, then six small commits on top; the known-effect patch
# (kernel-patches/gupbench-no-thp-batch) is the third:
#
#   c0  import linux-source-6.12                        (good end)
#   c1  Documentation: a line in admin-guide/mm/transhuge.rst
#   c2  mm/gup: a comment at the top of mm/gup.c
#   c3  the known-effect patch, subject from the patch   (first bad commit)
#   c4  Documentation: a line in mm/transhuge.rst
#   c5  mm/memory: a comment at the top of mm/memory.c
#   c6  Documentation: a line in admin-guide/mm/concepts.rst   (bad end)
#
# The harmless commits touch either no built file (Documentation) or one
# object file with a comment, so every step of a bisection costs an
# incremental build. Author, committer and dates are fixed, so the commit
# ids are the same on every machine for the same tarball. Tags name the
# ends: synthetic-good (c0) and synthetic-bad (c6).
#
# Cached under $GUPBENCH_CACHE (default ~/.cache/gupbench)/bisect-repo/,
# keyed by the tarball, the patch and this script: a second call returns
# at once. Built in a scratch directory and renamed into place, so an
# interrupted creation leaves nothing that looks complete. Progress and
# the time the creation took go to stderr.
#
# usage: bash tests/e2e/bisect-repo.bash [TARBALL]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TARBALL=${1:-/usr/src/linux-source-6.12.tar.xz}
PATCH=$ROOT/kernel-patches/gupbench-no-thp-batch/0001-mm-gup-no-thp-batch.patch
CACHE=${GUPBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gupbench}
DEST=$CACHE/bisect-repo/linux-6.12-synthetic

if [ ! -r "$TARBALL" ]; then
	echo "bisect-repo: cannot read '$TARBALL': install linux-source-6.12 (make deps)" >&2
	exit 3
fi
key=$(printf '%s %s\n' "$(stat -c '%s %Y' "$TARBALL")" "$(cat "$PATCH" "${BASH_SOURCE[0]}" | sha256sum)" |
	sha256sum | cut -c1-16)
if [ -f "$DEST/.git/gupbench-key" ] && [ "$(cat "$DEST/.git/gupbench-key")" = "$key" ]; then
	echo "$DEST"
	exit 0
fi

t0=$(date +%s.%N)
mkdir -p "$CACHE/bisect-repo"
TMP=$(mktemp -d "$CACHE/bisect-repo/.new.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export GIT_AUTHOR_NAME=gupbench GIT_AUTHOR_EMAIL=gupbench@localhost
export GIT_COMMITTER_NAME=gupbench GIT_COMMITTER_EMAIL=gupbench@localhost
n=0
commit() {   # commit SUBJECT [BODY]: every change in the tree, at a fixed date
	n=$((n + 1))
	export GIT_AUTHOR_DATE="2026-01-01T00:00:0$n +0000" GIT_COMMITTER_DATE="2026-01-01T00:00:0$n +0000"
	git -C "$TMP" add -A -f
	git -C "$TMP" commit -q --no-verify -m "$1" ${2:+-m "$2"}
}
append() {   # append FILE LINE
	printf '%s\n' "$2" >>"$TMP/$1"
}
prepend() {  # prepend FILE LINE
	{ printf '%s\n' "$2"; cat "$TMP/$1"; } >"$TMP/$1.new"
	mv "$TMP/$1.new" "$TMP/$1"
}

echo "bisect-repo: unpacking $TARBALL" >&2
tar -xf "$TARBALL" -C "$TMP" --strip-components=1
t1=$(date +%s.%N)
git -C "$TMP" init -q
git -C "$TMP" config core.autocrlf false
git -C "$TMP" config gc.auto 0
echo "bisect-repo: committing the tree" >&2
n=-1
commit "import $(basename "$TARBALL")" "Debian's kernel source tarball as one commit: the good end of the synthetic bisection."
git -C "$TMP" tag synthetic-good
t2=$(date +%s.%N)
append Documentation/admin-guide/mm/transhuge.rst ".. gupbench synthetic commit 1: documentation only."
commit "Documentation/mm: a line in the THP admin guide (harmless)"
prepend mm/gup.c "/* gupbench synthetic commit 2: a comment, no code. */"
commit "mm/gup: a comment at the top of the file (harmless)"
git -C "$TMP" apply -p1 "$PATCH"
subject=$(sed -n 's/^Subject: \[PATCH\] //p' "$PATCH")
body=$(awk 'f && /^---$/ { exit } f { print } /^Subject:/ { f = 1 }' "$PATCH" | sed '1{/^$/d}')
commit "$subject" "$body"
append Documentation/mm/transhuge.rst ".. gupbench synthetic commit 4: documentation only."
commit "Documentation/mm: a line in the THP design notes (harmless)"
prepend mm/memory.c "/* gupbench synthetic commit 5: a comment, no code. */"
commit "mm/memory: a comment at the top of the file (harmless)"
append Documentation/admin-guide/mm/concepts.rst ".. gupbench synthetic commit 6: documentation only."
commit "Documentation/mm: a line in the concepts page (harmless)"
git -C "$TMP" tag synthetic-bad
echo "$key" >"$TMP/.git/gupbench-key"
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
t3=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
	printf "bisect-repo: created in %.1f s (unpack %.1f s, initial commit %.1f s, six commits %.1f s)\n",
	       d - a, b - a, c - b, d - c }' >&2
echo "$DEST"
