#!/bin/bash
# layout: the rules of the tree that a compiler does not check. Every C
# function in bench/, harness/ and results/ fits on a screen (at most 80
# lines from its opening to its closing brace) unless the line right above
# its signature says why (/* long: <why> */); the SQLite API (sqlite3_*)
# appears only in results/, the data layer.
. "$(dirname "$0")/../lib.sh"
plan 3
scratch
cd "$ROOT" || exit 1
MAX=80

# "file:line lines name" for each function; a function starts at a line
# in column 0 that opens a signature and ends at "}" in column 0.
measure() {
	awk -v max="$MAX" '
	FNR == 1 { sig = 0; start = 0; prev = ""; above = "" }
	/^[A-Za-z_].*\(/ && !/;[ \t]*$/ && !start { sig = FNR; name = $0; above = prev }
	/^\{/ && sig { start = FNR }
	/^\}/ && start {
		n = FNR - start + 1
		print FILENAME ":" sig "\t" n "\t" (above ~ /\/\* long: .+\*\// ? "reasoned" : "-") "\t" name
		start = 0; sig = 0
	}
	{ prev = $0 }
	' $(find bench harness results -name '*.c' | sort)
}
measure >"$SCRATCH/functions.tsv" 2>&1
nf=$(wc -l <"$SCRATCH/functions.tsv")
ok $(( nf < 500 )) "the function finder found the tree's functions ($nf; fewer than 500 means it broke)"

long=$(awk -F'\t' -v max="$MAX" '$2 > max && $3 != "reasoned" { print "  " $1 " " $2 " lines: " $4 }' \
	"$SCRATCH/functions.tsv")
[ -z "$long" ]
ok $? "no function over $MAX lines without a /* long: why */ line above it${long:+:
$long}"

sql=$(grep -rn 'sqlite3_' bench harness --include='*.c' --include='*.h' | head -20)
[ -z "$sql" ]
ok $? "no sqlite3_ API outside results/${sql:+:
$sql}"
tap_done
