#!/bin/bash
# plot-kinds: every chart kind draws a non-empty PNG and SVG from the fixture
# database (tests/fixtures/*.jsonl stored with `gupharness db import`), the
# data files say what the charts show (ratios, verdicts, warm-ups, the
# published reference), index.md lists every chart, and the redraw command
# it gives works from the files in the output directory alone. Workload
# cases (a folio-walk run's streams) are described as workloads and get
# slots as wide as their long keys.
. "$(dirname "$0")/../lib.sh"
plan 26
scratch
DB=$SCRATCH/fixture.db
OUT=$SCRATCH/out
FIX=$ROOT/tests/fixtures

import_all() {
	local f k l
	for f in linux-6.1:linux-6.1:base-a linux-6.1-boot2:linux-6.1:base-b \
		 linux-6.12:linux-6.12:new-a linux-6.12-boot2:linux-6.12:new-b; do
		IFS=: read -r f k l <<<"$f"
		timeout 60 "$GUPHARNESS" db import "$FIX/$f.jsonl" --kernel "$k" --label "$l" --db "$DB" \
			>/dev/null || return 1
	done
}
png_ok() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
svg_ok() { [ -s "$1" ] && grep -q '<svg' "$1"; }
# plot KIND ARGS...: run, keep stdout (the paths written) in $SCRATCH/KIND.out
plot() {
	local kind=$1
	shift
	timeout 120 "$GUPHARNESS" plot "$kind" "$@" --db "$DB" --out "$OUT" >"$SCRATCH/$kind.out" 2>"$SCRATCH/$kind.err"
}
# images_ok KIND: at least one PNG and one SVG listed, every listed image valid
images_ok() {
	local f n=0 s=0
	while read -r f; do
		case $f in
		*.png) png_ok "$f" || return 1; n=$((n + 1)) ;;
		*.svg) svg_ok "$f" || return 1; s=$((s + 1)) ;;
		esac
	done <"$SCRATCH/$1.out"
	[ "$n" -ge 1 ] && [ "$n" -eq "$s" ]
}

check "fixture streams import with 'gupharness db import'" -- import_all

check "beforeafter linux-6.1 linux-6.12 exits 0" -- plot beforeafter linux-6.1 linux-6.12
check "beforeafter wrote a valid PNG and SVG" -- images_ok beforeafter
BA=$OUT/beforeafter_linux-6.1_vs_linux-6.12.dat
seed_row() { grep -P '\t-L -m 512 -n 1024 -t\t' "$BA"; }
check "seed THP pin case: medians, '38x faster', improved" -- \
	bash -c "$(declare -f seed_row); BA='$BA'; seed_row | grep -qP '\t89547 us\t.*\t2386 us\t38x faster\timproved\t'"
check "seed THP pin case carries the published 13992 -> 378 us reference" -- \
	bash -c "$(declare -f seed_row); BA='$BA'; seed_row | grep -qP '\t13992 us\t378 us\tpublished: 37x faster$'"
check "no-THP case regressed and says 'slower'" -- grep -qP '\t-L -m 128 -n 1024 -T\t.*x slower\tregressed\t' "$BA"
check "every case has its 95% interval around the median" -- \
	awk -F'\t' '!($5 <= $4 && $4 <= $6 && $10 <= $9 && $9 <= $11) { bad = 1 } END { exit bad || NR != 6 }' "$BA"

check "dist linux-6.1 linux-6.12 exits 0" -- plot dist linux-6.1 linux-6.12
check "dist wrote a valid PNG and SVG" -- images_ok dist
check "dist data marks warm-up samples" -- \
	awk -F'\t' 'NF == 5 && $4 == 1 { w++ } NF == 5 && $4 == 0 { m++ } END { exit !(w == 48 && m == 144) }' \
	"$OUT/dist_linux-6.1_vs_linux-6.12.dat"

check "heatmap linux-6.1 linux-6.12 exits 0" -- plot heatmap linux-6.1 linux-6.12
check "heatmap wrote a valid PNG and SVG per facet (THP, no THP, hugetlb)" -- \
	bash -c "[ \$(grep -c '\.png$' '$SCRATCH/heatmap.out') -eq 3 ] && $(declare -f png_ok svg_ok images_ok); SCRATCH='$SCRATCH'; images_ok heatmap"
check "THP heatmap has a cell per size x pages-per-call" -- \
	awk -F'\t' 'NF == 9 { n++ } END { exit n != 4 }' "$OUT/heatmap_linux-6.1_vs_linux-6.12_size_mb_by_nr_pages_mem_THP.dat"
check "heatmap over other axes (--x mem --y size_mb)" -- plot heatmap linux-6.1 linux-6.12 --x mem --y size_mb

check "history --case seed-thp-pin exits 0" -- plot history --case seed-thp-pin
check "history wrote one valid PNG and SVG" -- \
	bash -c "[ \$(grep -c '\.png$' '$SCRATCH/history.out') -eq 1 ] && $(declare -f png_ok svg_ok images_ok); SCRATCH='$SCRATCH'; images_ok history"
check "history has one point per run, oldest first" -- \
	bash -c "[ \$(wc -l <'$OUT/history_L_m_512_n_1024_t.dat') -eq 4 ]"

check "--format svg writes no PNG" -- plot beforeafter linux-6.1 linux-6.12 --case nothp --format svg
check "  ... and an SVG named for the case filter" -- \
	bash -c "grep -q 'beforeafter_linux-6.1_vs_linux-6.12_nothp.svg' '$SCRATCH/beforeafter.out' && ! grep -q '\.png$' '$SCRATCH/beforeafter.out'"

check "index.md lists every chart drawn" -- \
	bash -c "for s in beforeafter_linux-6.1_vs_linux-6.12 dist_linux-6.1_vs_linux-6.12 history_L_m_512_n_1024_t \
		heatmap_linux-6.1_vs_linux-6.12_size_mb_by_nr_pages_mem_THP beforeafter_linux-6.1_vs_linux-6.12_nothp; do
		grep -qx \"## \$s\" '$OUT/index.md' || exit 1; done"
redraw() {
	rm -f "$OUT/beforeafter_linux-6.1_vs_linux-6.12.png"
	(cd "$OUT" && timeout 60 gnuplot -e "fmt='png'" beforeafter_linux-6.1_vs_linux-6.12.params.gp \
		"$ROOT/plots/beforeafter.gp") && png_ok "$OUT/beforeafter_linux-6.1_vs_linux-6.12.png"
}
check "a chart redraws from its data and params files alone" -- redraw

plot beforeafter linux-6.1 linux-6.12 --case no-such-case
check "a case filter matching nothing exits 2" -- [ $? -eq 2 ]
check "  ... and names the kernels and cases that exist" -- \
	grep -q "kernels with runs: 'linux-6.1 (runs: 2)', 'linux-6.12 (runs: 2)'" "$SCRATCH/beforeafter.err"
# Workload cases: two real folio-walk boots (x86_64, icount), one per kernel.
FWDB=$SCRATCH/fw.db
FWP=$SCRATCH/fw/beforeafter_linux-6.1_vs_linux-6.12_move_pages_migrate
fw_import() {
	local v
	for v in 6.1 6.12; do
		timeout 60 "$GUPHARNESS" db import "$FIX/folio-walk-$v.jsonl" --kernel "linux-$v" --clock icount \
			--db "$FWDB" >/dev/null || return 1
	done
}
check "folio-walk streams import, and their migration cases draw" -- bash -c "$(declare -f fw_import); \
	FIX='$FIX' GUPHARNESS='$GUPHARNESS' FWDB='$FWDB' fw_import && timeout 120 '$GUPHARNESS' plot beforeafter \
	linux-6.1 linux-6.12 --case move_pages_migrate --db '$FWDB' --out '$SCRATCH/fw' --format png >/dev/null 2>&1"
check "workload cases: 4 rows, none called read-only, the subtitle names the workloads' clock" -- \
	bash -c "[ \$(awk 'END { print NR }' '$FWP.dat') -eq 4 ] && ! grep -q 'read-only' '$FWP.dat' &&
		grep -q \"^subtitle = .*workloads: the bench\" '$FWP.params.gp'"
check "each case is as wide as its longest label (keys of 62 characters)" -- \
	bash -c "w=\$(sed -n 's/^width = //p' '$FWP.params.gp'); [ -n \"\$w\" ] && [ \"\$w\" -ge \$((160 + 4 * 62 * 7)) ]"
tap_done
