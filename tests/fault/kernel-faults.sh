#!/bin/bash
# Kernel build faults on a fake tree (tests/fault/kernel-fakes.bash): a
# config option Kconfig dropped, a patch that does not apply, a full disk,
# and builds interrupted by SIGINT and SIGKILL. Each must fail with its own
# one-line error and status and leave no cache entry, no temporary entry and
# no patch applied.
. "$(dirname "$0")/../lib.sh"
plan 22
. "$(dirname "$0")/kernel-fakes.bash"
fake_kernel_setup
pristine=$SCRATCH/src/linux-source-9.9/mm/gup.c

# dropped option
cp "$FRAG" "$SCRATCH/drop.config"
echo "CONFIG_FAKE_DROPME=y" >>"$SCRATCH/drop.config"
kbuild --config "$SCRATCH/drop.config"
[ $ST -eq 5 ]; ok $? "a dropped option fails with status 5 (got $ST)"
grep -q "config option dropped by Kconfig: CONFIG_FAKE_DROPME=y (now is not set; asked by .*drop.config:5)" "$ERR"
ok $? "the dropped option is named with its fragment and line"
[ "$(entries)" -eq 0 ] && [ "$(tmp_entries)" -eq 0 ]; ok $? "no entry after a dropped option"

# non-applying patch
make_series "$SCRATCH/series/bad" $'--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -1,4 +1,5 @@\n line one\n+new\n no such line\n line three\n line four\n'
kbuild --config "$FRAG" --series "$SCRATCH/series/bad"
[ $ST -eq 5 ]; ok $? "a non-applying patch fails with status 5 (got $ST)"
grep -q "patch '0001-test.patch' of series 'bad' does not apply: mm/gup.c hunk #1 (@@ -1,4 +1,5 @@) failed" "$ERR"
ok $? "the error names series, patch file and hunk"
[ "$(grep -c '^error:' "$ERR")" -eq 1 ]; ok $? "the patch error is one line"
tree=$(ls -d "$GUPBENCH_CACHE"/src/tar-*/tree)
cmp -s "$tree/mm/gup.c" "$pristine" && [ ! -e "$tree/../series-applied" ]
ok $? "nothing stays applied after a failed series"
[ "$(entries)" -eq 0 ]; ok $? "no entry after a failed patch"
make_series "$SCRATCH/series/half" $'--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -1,4 +1,5 @@\n line one\n+good\n line two\n line three\n line four\n'
printf '%s' $'--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -1,3 +1,4 @@\n nothing\n+x\n here\n at all\n' >"$SCRATCH/series/half/0002-bad.patch"
echo "0002-bad.patch" >>"$SCRATCH/series/half/series"
kbuild --config "$FRAG" --series "$SCRATCH/series/half"
[ $ST -eq 5 ] && grep -q "patch '0002-bad.patch'" "$ERR"; ok $? "the second patch of a series is named when it fails"
cmp -s "$tree/mm/gup.c" "$pristine"; ok $? "the first patch is reversed when the second fails"

# disk full (the fake make reports ENOSPC)
cp "$FRAG" "$SCRATCH/enospc.config"
echo "CONFIG_FAKE_ENOSPC=y" >>"$SCRATCH/enospc.config"
kbuild --config "$SCRATCH/enospc.config"
[ $ST -eq 8 ] && grep -q "disk full" "$ERR"; ok $? "a full disk fails with status 8 (got $ST)"
[ "$(entries)" -eq 0 ] && [ "$(tmp_entries)" -eq 0 ]; ok $? "no entry after a full disk"

# SIGINT during make
touch "$FAKE_SLEEP_FILE"
make_series "$SCRATCH/series/good" $'--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -1,4 +1,5 @@\n line one\n+good\n line two\n line three\n line four\n'
timeout 120 "$GUPHARNESS" kernel build --source "$TARBALL" --no-default-config --config "$FRAG" \
	--series "$SCRATCH/series/good" >"$SCRATCH/out" 2>"$SCRATCH/err" &
pid=$!
for _ in $(seq 100); do grep -q slow.o "$SCRATCH/err" 2>/dev/null && break; sleep 0.1; done
grep -q bzImage "$FAKE_MAKE_LOG"; ok $? "the build reached make before the interrupt"
kill -INT $pid
wait $pid
st=$?
[ $st -eq 130 ]; ok $? "an interrupted build exits 130 (got $st)"
[ "$(entries)" -eq 0 ] && [ "$(tmp_entries)" -eq 0 ]; ok $? "an interrupted build leaves no entry and no temporary entry"
cmp -s "$tree/mm/gup.c" "$pristine" && [ ! -e "$tree/../series-applied" ]
ok $? "an interrupted build reverses its series"

# SIGKILL during make: the next build must notice and start that work tree afresh
"$GUPHARNESS" kernel build --source "$TARBALL" --no-default-config --config "$FRAG" \
	--series "$SCRATCH/series/good" >"$SCRATCH/out" 2>"$SCRATCH/err" &
pid=$!
for _ in $(seq 100); do grep -q slow.o "$SCRATCH/err" 2>/dev/null && break; sleep 0.1; done
kill -KILL $pid
wait $pid 2>/dev/null
mpid=$(cat "$FAKE_SLEEP_FILE")
[ -n "$mpid" ] && kill -KILL -- "-$mpid" 2>/dev/null
[ -e "$tree/../series-applied" ]; ok $? "a killed build leaves its marker behind"
[ "$(entries)" -eq 0 ]; ok $? "a killed build leaves no entry"
rm -f "$FAKE_SLEEP_FILE"
kbuild --config "$FRAG"
ok $ST "the next build succeeds"
grep -q "was interrupted" "$ERR"; ok $? "the next build notices the interrupted one and starts afresh"
grep -q "line two" "$(cut -d' ' -f3 "$OUT")/bzImage" && ! grep -q good "$(cut -d' ' -f3 "$OUT")/bzImage"
ok $? "the base built after the kill contains no patch"
[ "$(tmp_entries)" -eq 0 ]; ok $? "the killed build's temporary entry is swept"
tap_done
