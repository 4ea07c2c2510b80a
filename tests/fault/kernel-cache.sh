#!/bin/bash
# Kernel cache: a build on a fake tree (tests/fault/kernel-fakes.bash)
# yields an entry with every file, a second identical request is a hit in
# under a second without running make, the cache key changes when a patch
# changes, and list/show/rm work. Also the one-line errors for a missing
# source, an unknown arch and a missing (cross) compiler.
. "$(dirname "$0")/../lib.sh"
plan 43
. "$(dirname "$0")/kernel-fakes.bash"
fake_kernel_setup

kbuild --config "$FRAG"
ok $ST "a fresh build on the fake tree succeeds"
name=$(cut -d' ' -f1 "$OUT") key=$(cut -d' ' -f2 "$OUT") dir=$(cut -d' ' -f3 "$OUT")
[ "$name" = linux-9.9 ]; ok $? "default name from linux-source-9.9.tar.xz is linux-9.9 (got '$name')"
for f in bzImage .config build.log release meta.json fragments/00-frag.config; do
	[ -s "$dir/$f" ]; ok $? "entry holds $f"
done
grep -q '"release": "9.9.0-fake"' "$dir/meta.json"; ok $? "meta.json records the release"
[ -L "$GUPBENCH_CACHE/names/linux-9.9" ]; ok $? "names/linux-9.9 is a symlink"

calls=$(wc -l <"$FAKE_MAKE_LOG")
t0=$(date +%s.%N)
kbuild --config "$FRAG"
t1=$(date +%s.%N)
ok $ST "the identical request succeeds"
[ "$(cut -d' ' -f2 "$OUT")" = "$key" ]; ok $? "the identical request returns the same key"
[ "$(wc -l <"$FAKE_MAKE_LOG")" -eq "$calls" ]; ok $? "a cache hit runs no make"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 1.0) }'; ok $? "a cache hit takes under a second"

make_series "$SCRATCH/series/p" $'--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -1,4 +1,5 @@\n line one\n+patched A\n line two\n line three\n line four\n'
configs=$(grep -c '^tinyconfig$' "$FAKE_MAKE_LOG")
kbuild --config "$FRAG" --series "$SCRATCH/series/p"
ok $ST "a patched build succeeds"
[ "$(grep -c '^tinyconfig$' "$FAKE_MAKE_LOG")" -eq "$configs" ] && grep -q "configuration of 'linux-9.9+p' reused" "$ERR"
ok $? "a series that changes no Kconfig input reuses the base's configuration: no Kconfig run"
k1=$(cut -d' ' -f2 "$OUT")
[ "$(cut -d' ' -f1 "$OUT")" = "linux-9.9+p" ]; ok $? "a patched build is named <base>+<series>"
grep -q "patched A" "$(cut -d' ' -f3 "$OUT")/bzImage"; ok $? "the patched image was built from patched sources"
[ "$k1" != "$key" ]; ok $? "the patched key differs from the base key"
make_series "$SCRATCH/series/p" $'--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -1,4 +1,5 @@\n line one\n+patched B\n line two\n line three\n line four\n'
# the name linux-9.9+p is the first patch's build: moving it is deliberate
# (tests/fault/kernel-names.sh checks the refusal without --replace)
kbuild --config "$FRAG" --series "$SCRATCH/series/p" --replace
k2=$(cut -d' ' -f2 "$OUT")
ok $ST "the build with the changed patch succeeds"
[ -n "$k2" ] && [ "$k2" != "$k1" ]; ok $? "changing a patch changes the cache key"
tree=$(ls -d "$GUPBENCH_CACHE"/src/tar-*/tree)
cmp -s "$tree/mm/gup.c" "$SCRATCH/src/linux-source-9.9/mm/gup.c"; ok $? "the series is reversed after the build"
make_series "$SCRATCH/series/k" $'--- /dev/null\n+++ b/mm/Kconfig\n@@ -0,0 +1 @@\n+config FAKE_NEW\n'
configs=$(grep -c '^tinyconfig$' "$FAKE_MAKE_LOG")
kbuild --config "$FRAG" --series "$SCRATCH/series/k"
[ $ST -eq 0 ] && [ "$(grep -c '^tinyconfig$' "$FAKE_MAKE_LOG")" -eq $((configs + 1)) ]
ok $? "a series that adds a Kconfig file configures afresh (status $ST)"

# a directory source is copied, never built in
find "$SCRATCH/src" -printf '%P %s %T@\n' | sort >"$SCRATCH/before"
timeout 60 "$GUPHARNESS" kernel build --source "$SCRATCH/src/linux-source-9.9" --no-default-config \
	--config "$FRAG" --name fakedir >"$OUT" 2>"$ERR"
ok $? "a build from a source directory succeeds"
find "$SCRATCH/src" -printf '%P %s %T@\n' | sort | cmp -s - "$SCRATCH/before"
ok $? "the source directory is left exactly as it was"
grep -q '"kind": "directory"' "$(cut -d' ' -f3 "$OUT")/meta.json"; ok $? "meta.json records a directory source"

# a git tree plus a revision: built from git archive, the checkout untouched
git -C "$SCRATCH/src/linux-source-9.9" init -q && git -C "$SCRATCH/src/linux-source-9.9" add -A &&
	git -C "$SCRATCH/src/linux-source-9.9" -c user.name=t -c user.email=t@t commit -qm base
echo "uncommitted" >>"$SCRATCH/src/linux-source-9.9/mm/gup.c"
git -C "$SCRATCH/src/linux-source-9.9" status --porcelain >"$SCRATCH/gitbefore"
timeout 60 "$GUPHARNESS" kernel build --source "$SCRATCH/src/linux-source-9.9" --rev HEAD --no-default-config \
	--config "$FRAG" >"$OUT" 2>"$ERR"
ok $? "a build from a git tree at a revision succeeds"
[ "$(cut -d' ' -f1 "$OUT")" = "linux-9.9-HEAD" ]; ok $? "a git build is named <dir>-<rev> (got '$(cut -d' ' -f1 "$OUT")')"
! grep -q uncommitted "$(cut -d' ' -f3 "$OUT")/bzImage"; ok $? "the revision is built, not the working tree"
git -C "$SCRATCH/src/linux-source-9.9" status --porcelain | cmp -s - "$SCRATCH/gitbefore"
ok $? "the user's checkout is left as it was"
timeout 60 "$GUPHARNESS" kernel build --source "$SCRATCH/src/linux-source-9.9" --rev nosuchrev >/dev/null 2>"$ERR"
st=$?
[ $st -eq 2 ] && grep -q "unknown revision 'nosuchrev'" "$ERR"; ok $? "an unknown revision is status 2 with its name (got $st)"
head -c 1000 /dev/urandom >"$SCRATCH/broken.tar.xz"
n=$(entries)
timeout 60 "$GUPHARNESS" kernel build --source "$SCRATCH/broken.tar.xz" >/dev/null 2>"$ERR"
st=$?
[ $st -eq 5 ] && grep -q "cannot unpack tarball" "$ERR" && [ "$(entries)" -eq "$n" ]
ok $? "an unreadable tarball is status 5 and leaves no entry (got $st)"

timeout 20 "$GUPHARNESS" kernel list >"$SCRATCH/list" 2>&1
ok $? "kernel list succeeds"
grep -q '^linux-9.9+p .*9.9.0-fake.* p .* x86_64$' "$SCRATCH/list"; ok $? "kernel list shows name, release, series and arch"
timeout 20 "$GUPHARNESS" kernel show linux-9.9 | grep -q '"name": "linux-9.9"'; ok $? "kernel show prints meta.json"
timeout 20 "$GUPHARNESS" kernel rm linux-9.9
ok $? "kernel rm succeeds"
[ ! -e "$dir" ]; ok $? "kernel rm removes an entry no other name uses"
timeout 20 "$GUPHARNESS" kernel show linux-9.9 >/dev/null 2>&1
[ $? -eq 2 ]; ok $? "kernel show of a removed name fails with status 2"

timeout 20 "$GUPHARNESS" kernel build --source "$SCRATCH/nope.tar.xz" >/dev/null 2>"$ERR"
st=$?
[ $st -eq 2 ] && [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q "not found" "$ERR"
ok $? "a missing source is bad input: one line with status 2, as a missing matrix (got $st)"
kbuild --config "$FRAG" --series "$SCRATCH/no-such-series"
[ $ST -eq 2 ] && grep -q "series '$SCRATCH/no-such-series' not found" "$ERR"
ok $? "a missing series is bad input too: status 2 (got $ST)"
kbuild --arch sparc
[ $ST -eq 2 ] && grep -q "unknown arch 'sparc'" "$ERR"; ok $? "an unknown arch is refused with status 2"
mkdir -p "$SCRATCH/nogcc"
for t in make tar xz; do ln -sf "$(command -v $t)" "$SCRATCH/nogcc/$t"; done
PATH=$SCRATCH/nogcc "$(command -v timeout)" 20 "$GUPHARNESS" kernel build --source "$TARBALL" >/dev/null 2>"$ERR"
st=$?
[ $st -eq 3 ] && grep -q "compiler 'gcc' not found" "$ERR"; ok $? "a missing compiler is status 3 with its name (got $st)"
PATH=$SCRATCH/nogcc "$(command -v timeout)" 20 "$GUPHARNESS" kernel build --arch arm64 --source "$TARBALL" >/dev/null 2>"$ERR"
st=$?
[ $st -eq 3 ] && grep -q "compiler 'aarch64-linux-gnu-gcc' not found.*apt-get install gcc-aarch64-linux-gnu" "$ERR"
ok $? "a missing cross compiler is status 3 naming its package (got $st)"
tap_done
