#!/bin/bash
# Kernel names: a name is an alias for one build. Building other
# content (a series, a changed fragment) under a name that points at another
# build is refused with status 9 and one error line naming both builds, what
# differs and --replace, and changes nothing; the same content under the same
# name stays a cache hit; --replace moves the name, and the runs stored under
# it keep the build they ran (a second kernels row, the first untouched).
# A namespace of names of its own (GUPBENCH_NAMES, as the test suite sets
# it) shares the entries but not the names, and its 'kernel rm'
# leaves the shared entry. On the fake tree of tests/fault/kernel-fakes.bash, runs through the
# fault-injection fake QEMU.
. "$(dirname "$0")/../lib.sh"
plan 18
. "$(dirname "$0")/kernel-fakes.bash"
fake_kernel_setup
fake_run_setup names
target() { readlink "$GUPBENCH_CACHE/names/$1"; }

kbuild --config "$FRAG" --name X
ok $ST "a first build named X"
key=$(cut -d' ' -f2 "$OUT") plain=$(target X)
timeout 60 "$H" run --matrix "$SCRATCH/m.json" --kernel X --db "$SCRATCH/r.db" --accel tcg --no-pin >/dev/null 2>&1
ok $? "a run on X is stored"
calls=$(wc -l <"$FAKE_MAKE_LOG")
kbuild --config "$FRAG" --name X
[ $ST -eq 0 ] && [ "$(cut -d' ' -f2 "$OUT")" = "$key" ] && [ "$(wc -l <"$FAKE_MAKE_LOG")" -eq "$calls" ]
ok $? "the same content under the same name is a cache hit (status $ST)"

make_series "$SCRATCH/series/slow" $'--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -1,4 +1,5 @@\n line one\n+fake_get_us=1100\n line two\n line three\n line four\n'
n=$(entries)
kbuild --config "$FRAG" --series "$SCRATCH/series/slow" --name X
[ $ST -eq 9 ]; ok $? "a series under a name that is another build is refused with status 9 (got $ST)"
[ "$(wc -l <"$ERR")" -eq 1 ] && grep -q "kernel name 'X' is build ${key:0:12}; this request is build [0-9a-f]\{12\} (series added: slow).*--replace" "$ERR"
ok $? "in one line naming both builds, what differs and --replace: $(cat "$ERR")"
[ "$(target X)" = "$plain" ] && [ "$(entries)" -eq "$n" ]
ok $? "and nothing changed: X points where it did, no new cache entry"

printf 'CONFIG_NR_CPUS=16\n' >>"$FRAG"
kbuild --config "$FRAG" --name X
[ $ST -eq 9 ] && grep -q "config fragment frag.config changed" "$ERR" && [ "$(target X)" = "$plain" ]
ok $? "a changed fragment under X is refused too, naming the fragment (status $ST): $(cat "$ERR")"
sed -i '$d' "$FRAG"

kbuild --config "$FRAG" --series "$SCRATCH/series/slow" --name X --replace
[ $ST -eq 0 ] && [ "$(target X)" != "$plain" ]
ok $? "--replace moves X to the patched build (status $ST)"
new=$(cut -d' ' -f2 "$OUT")
timeout 60 "$H" run --matrix "$SCRATCH/m.json" --kernel X --db "$SCRATCH/r.db" --accel tcg --no-pin >/dev/null 2>&1
ok $? "a run on the moved X is stored"
ok_sql "$SCRATCH/r.db" "SELECT count(*) FROM kernels WHERE name = 'X'" -eq 2 "the database has one row per build of X"
ok_sql "$SCRATCH/r.db" "SELECT count(*) FROM boots b JOIN kernels k ON k.id = b.kernel_id
	WHERE b.run_id = 1 AND k.cache_key = '$key' AND k.series IS NULL" -eq 1 "the first run keeps the plain build"
ok_sql "$SCRATCH/r.db" "SELECT count(*) FROM boots b JOIN kernels k ON k.id = b.kernel_id
	WHERE b.run_id = 2 AND k.cache_key = '$new' AND k.series LIKE 'slow@%'" -eq 1 "the second run has the patched one"
"$H" db check --db "$SCRATCH/r.db" >/dev/null 2>&1
ok $? "db check passes"
"$H" compare 1 2 --db "$SCRATCH/r.db" --format report 2>/dev/null | grep -q "X (9.9.0-fake): source.*series slow@"
ok $? "compare names the patched build on the new side"
j=$("$H" compare 1 X --db "$SCRATCH/r.db" --format json 2>/dev/null)
jq -e '.new.boots == 1 and (.new.selector | test("latest build; earlier builds under that name are left out"))' \
	<<<"$j" >/dev/null
ok $? "the selector X is X's latest build alone, and says so: $(jq -r .new.selector <<<"$j")"

GUPBENCH_NAMES=$SCRATCH/ns timeout 120 "$H" kernel build --source "$TARBALL" --no-default-config --config "$FRAG" \
	--name T >/dev/null 2>&1 && [ -L "$SCRATCH/ns/T" ] && [ ! -e "$GUPBENCH_CACHE/names/T" ] &&
	[ "$(GUPBENCH_NAMES=$SCRATCH/ns "$H" kernel list | awk 'NR > 1 {print $1}' | tr '\n' ' ')" = "T " ]
ok $? "under GUPBENCH_NAMES a name goes to that namespace, never to the cache's names"
"$H" kernel list | grep -q '^T '
ok $((! $?)) "the cache's own 'kernel list' does not show it"
tkey=$(GUPBENCH_NAMES=$SCRATCH/ns "$H" kernel list | awk '$1 == "T" {print $(NF - 1)}')
GUPBENCH_NAMES=$SCRATCH/ns "$H" kernel rm T && [ ! -e "$SCRATCH/ns/T" ] && [ -n "$tkey" ] &&
	[ -d "$(ls -d "$GUPBENCH_CACHE/kernels/$tkey"* | head -1)" ]
ok $? "'kernel rm' there drops the name and leaves the shared entry ($tkey)"
tap_done
