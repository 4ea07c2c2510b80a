#!/bin/bash
# Kernel provenance: what the kernel cache records about an entry (source
# identity, series name and hash, final config hash, compiler, arch) is what
# the database stores for that kernel and what `db list`, compare's report,
# Markdown and JSON show. First an
# entry built here by the real build code (on the fake tree of
# kernel-fakes.bash, with a series), then a real kernel from the shared cache
# when `make demo` has built one. Both are registered by `gupharness run`
# through the fault-injection fake QEMU (no guest boots).
. "$(dirname "$0")/../lib.sh"
plan 14
. "$(dirname "$0")/kernel-fakes.bash"
fake_kernel_setup
fake_run_setup prov

make_series "$SCRATCH/series/p" $'--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -1,4 +1,5 @@\n line one\n+patched\n line two\n line three\n line four\n'
kbuild --config "$FRAG" --series "$SCRATCH/series/p"
ok $ST "a patched kernel builds on the fake tree"
dir=$(cut -d' ' -f3 "$OUT")

# check_row DB KERNEL META: the kernels row against meta.json
check_row() {
	local want got
	want=$(jq -r '[.source.id, (if .series then .series.name + "@" + .series.sha256[0:12] else null end),
		.config_sha256, .arch, .compiler] | map(. // "NULL") | join("|")' "$3")
	got=$(sqlite3 -nullvalue NULL "$1" "SELECT source, series, config_hash, arch, compiler FROM kernels WHERE name = '$2'")
	[ -n "$want" ] && [ "$got" = "$want" ]
	ok $? "$2: source, series, config hash, arch and compiler stored as the cache has them (got '$got', want '$want')"
}

timeout 60 "$H" run --matrix "$SCRATCH/m.json" --kernel linux-9.9+p --db "$SCRATCH/r.db" --accel tcg --no-pin \
	>/dev/null 2>"$SCRATCH/run.err"
ok $? "run registers the kernel ($(head -c 160 "$SCRATCH/run.err"))"
check_row "$SCRATCH/r.db" linux-9.9+p "$dir/meta.json"
ok_sql "$SCRATCH/r.db" "SELECT count(*) FROM kernels WHERE name = 'linux-9.9+p' AND source LIKE 'tar-%'
	AND series LIKE 'p@%' AND length(config_hash) = 64" -eq 1 "none of them is NULL"
jq -e '.series.patch_sha256 | length == 1' "$dir/meta.json" >/dev/null
ok $? "meta.json keeps the hash of each patch of the series"
"$H" db list --db "$SCRATCH/r.db" >"$SCRATCH/list"
grep -qE "linux-9.9\+p .*p@[0-9a-f]{12}" "$SCRATCH/list"
ok $? "db list shows the series and its hash"
want=$(jq -r '[(.source.id | sub("-(?<h>[0-9a-f]{12})[0-9a-f]*$"; "-" + .h)), .config_sha256[0:12], .arch,
	.compiler] | join(" ")' "$dir/meta.json")
tr -s ' ' <"$SCRATCH/list" | grep -F -- "linux-9.9+p " | grep -qF -- " $want"
ok $? "db list shows source, config hash, arch and compiler, hashes cut to 12 ('$want')"

# compare's headers name the builds: the same kernel, run again under a label
timeout 60 "$H" run --matrix "$SCRATCH/m.json" --kernel linux-9.9+p --db "$SCRATCH/r.db" --accel tcg --no-pin \
	--label again >/dev/null 2>&1
want=$(jq -r '.name + " (" + .release + "): source " + (.source.id | sub("-(?<h>[0-9a-f]{12})[0-9a-f]*$"; "-" + .h))
	+ ", series " + .series.name + "@" + .series.sha256[0:12] + " (patches "
	+ ([.series.patch_sha256[] | .[0:12]] | join(" ")) + "), config " + .config_sha256[0:12] + ", "
	+ .compiler + ", " + .arch' "$dir/meta.json" | sed 's/^[^ ]* /linux-9.9+p /')
"$H" compare 1 again --db "$SCRATCH/r.db" --format report >"$SCRATCH/report" 2>/dev/null
[ "$(grep -cF -- "$want" "$SCRATCH/report")" -eq 2 ]
ok $? "compare's report names both sides' build: '$want'"
"$H" compare 1 again --db "$SCRATCH/r.db" --format markdown >"$SCRATCH/md" 2>/dev/null
grep -qF -- "- base $want" "$SCRATCH/md" && grep -qF -- "- new  $want" "$SCRATCH/md"
ok $? "and its Markdown header"
"$H" compare 1 again --db "$SCRATCH/r.db" --format json 2>/dev/null |
	jq -e --slurpfile m "$dir/meta.json" '.builds.new[0] | .source == $m[0].source.id
		and .config_hash == $m[0].config_sha256 and .compiler == $m[0].compiler and .arch == $m[0].arch
		and .patch_sha256_12 == $m[0].series.patch_sha256[0][0:12]' >/dev/null
ok $? "and its JSON, with the whole hashes"

real=${REAL_CACHE:-$HOME/.cache/gupbench}
if [ -e "$real/names/linux-6.1/meta.json" ]; then
	export GUPBENCH_CACHE=$real
	unset GUPBENCH_NAMES   # the user's names, only read
	timeout 60 "$H" run --matrix "$SCRATCH/m.json" --kernel linux-6.1 --db "$SCRATCH/real.db" --accel tcg --no-pin \
		>/dev/null 2>"$SCRATCH/run.err"
	ok $? "run registers the real linux-6.1 of the shared cache ($(head -c 160 "$SCRATCH/run.err"))"
	check_row "$SCRATCH/real.db" linux-6.1 "$real/names/linux-6.1/meta.json"
	ok_sql "$SCRATCH/real.db" "SELECT count(*) FROM kernels WHERE name = 'linux-6.1' AND source IS NOT NULL
		AND length(config_hash) = 64 AND compiler LIKE 'gcc%'" -eq 1 "the real entry's provenance is not NULL"
	"$H" db list --db "$SCRATCH/real.db" | grep -q "^linux-6.1 "
	ok $? "db list shows it"
else
	skip 4 "no real kernel in $real (make demo builds linux-6.1)"
fi
tap_done
