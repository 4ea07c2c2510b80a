#!/bin/bash
# layout: the rules of the tree that a compiler does not check. Every C
# function in lib/, bench/, harness/ and results/ fits on a screen (at most 80
# lines from its opening to its closing brace) unless the line right above
# its signature says why (/* long: <why> */); a .c file over $MAXFILE lines
# says why in its first lines (/* long file: <why> */); the SQLite API
# (sqlite3_*) appears only in results/, the data layer; every include of a
# project header is written from the repository root ("results/db.h") and
# goes only downward in the layer order of docs/architecture.md:
#   lib < bench < results < harness/kernel < harness/guest < harness/plot
#       < harness/lab < harness/cmd < harness/ (the main, gupharness.c)
. "$(dirname "$0")/../lib.sh"
plan 7
scratch
cd "$ROOT" || exit 1
MAX=80
MAXFILE=700

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
	' $(find lib bench harness results -name '*.c' | sort)
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
# The layer of a path, lowest first; the main's folder is the top.
layer() {
	case $1 in
	lib/*) echo 0 ;; bench/*) echo 1 ;; results/*) echo 2 ;;
	harness/kernel/*) echo 3 ;; harness/guest/*) echo 4 ;; harness/plot/*) echo 5 ;;
	harness/lab/*) echo 6 ;; harness/cmd/*) echo 7 ;; harness/*.c) echo 8 ;;
	*) echo 99 ;;   # a folder the rule does not know: add it to the order
	esac
}
grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $(find lib bench results harness -name '*.[ch]' | sort) \
	>"$SCRATCH/includes" 2>&1
ni=$(wc -l <"$SCRATCH/includes")
ok $(( ni < 200 )) "the include finder found the tree's includes ($ni; fewer than 200 means it broke)"
norel= up=
while IFS=: read -r file line text; do
	inc=${text#*\"}
	inc=${inc%%\"*}
	if [[ $inc != */* ]] || [ ! -f "$inc" ]; then
		norel+="
  $file:$line: \"$inc\" is not a path from the repository root"
	elif [ "$(layer "$inc")" -gt "$(layer "$file")" ]; then
		up+="
  $file:$line: \"$inc\" is in a layer above ${file%/*}/"
	fi
done <"$SCRATCH/includes"
[ -z "$norel" ]
ok $? "every include of a project header is written from the repository root$norel"
[ -z "$up" ]
ok $? "no include goes up the layer order (lib < bench < results < harness/kernel < guest < plot < lab < cmd)$up"

longf=$(for f in $(find lib bench harness results -name '*.c' | sort); do
	n=$(wc -l <"$f")
	[ "$n" -gt "$MAXFILE" ] && ! head -n 20 "$f" | grep -q '/\* long file: .\+\*/' &&
		echo "  $f: $n lines"
done)
[ -z "$longf" ]
ok $? "no .c file over $MAXFILE lines without a /* long file: why */ line in its first 20${longf:+:
$longf}"
tap_done
