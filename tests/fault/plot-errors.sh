#!/bin/bash
# plot-errors: `gupharness plot` fails cleanly: an empty database or one
# without samples exits 2 and names what exists, a missing database 7,
# gnuplot missing from PATH 3 with the install command, an output directory
# that cannot be created 8, bad usage 2; and a failure leaves no images.
. "$(dirname "$0")/../lib.sh"
plan 25
scratch
EMPTY=$SCRATCH/empty.db
SKIPPED=$SCRATCH/skipped.db
GOOD=$SCRATCH/good.db
OUT=$SCRATCH/out

# plot_rc WANT ARGS...: run plot, stderr kept in $SCRATCH/err; true when it exits WANT
plot_rc() {
	local want=$1
	shift
	timeout 60 "$GUPHARNESS" plot "$@" >"$SCRATCH/stdout" 2>"$SCRATCH/err"
	local st=$?
	[ "$st" -eq "$want" ] || { echo "# exit $st, want $want: $(head -c 300 "$SCRATCH/err")"; return 1; }
}
no_images() { ! find "$OUT" -name '*.png' -o -name '*.svg' 2>/dev/null | grep -q .; }

# An empty database: the schema and nothing else (made by the harness, so
# that it has the current schema version, then emptied).
"$GUPHARNESS" db import "$ROOT/tests/fixtures/linux-6.12.jsonl" --db "$EMPTY" >/dev/null 2>&1 &&
	sqlite3 "$EMPTY" 'PRAGMA foreign_keys = ON; DELETE FROM runs; DELETE FROM kernels; DELETE FROM hosts'
ok $? "an empty database"
for kind in "beforeafter linux-6.1 linux-6.12" "dist linux-6.12" "heatmap linux-6.1 linux-6.12" "history"; do
	# shellcheck disable=SC2086
	check "empty database: 'plot $kind' exits 2" -- plot_rc 2 $kind --db "$EMPTY" --out "$OUT"
done
check "  ... and says no kernels are known" -- grep -q "(none)" "$SCRATCH/err"
check "  ... and wrote no image" -- no_images

import_skipped() {
	timeout 60 "$GUPHARNESS" db import "$ROOT/tests/fixtures/skipped.jsonl" --kernel linux-6.12 --db "$SKIPPED" >/dev/null
}
check "a database whose only case was skipped imports" -- import_skipped
check "no samples: 'plot dist linux-6.12' exits 2" -- plot_rc 2 dist linux-6.12 --db "$SKIPPED" --out "$OUT"
check "  ... and names the kernel and the skipped case" -- \
	bash -c "grep -q \"'linux-6.12 (runs: 1)'\" '$SCRATCH/err' && grep -q 'skipped or failed' '$SCRATCH/err'"
check "an unknown kernel exits 2 and lists the known ones" -- plot_rc 2 dist linux-9.9 --db "$SKIPPED" --out "$OUT"
check "  ... naming linux-6.12" -- grep -q "'linux-6.12'" "$SCRATCH/err"
check "a missing database exits 7" -- plot_rc 7 dist linux-6.12 --db "$SCRATCH/nope.db" --out "$OUT"

timeout 60 "$GUPHARNESS" db import "$ROOT/tests/fixtures/linux-6.12.jsonl" --kernel linux-6.12 --db "$GOOD" >/dev/null
mkdir -p "$SCRATCH/nognuplot"
ln -s "$(command -v od)" "$SCRATCH/nognuplot/od"
check "gnuplot missing from PATH exits 3" -- \
	bash -c "PATH='$SCRATCH/nognuplot' '$GUPHARNESS' plot dist linux-6.12 --db '$GOOD' --out '$OUT' 2>'$SCRATCH/err'; [ \$? -eq 3 ]"
check "  ... and says how to install it" -- grep -q "apt-get install gnuplot-nox" "$SCRATCH/err"

touch "$SCRATCH/afile"
check "an output directory under a regular file exits 8" -- \
	plot_rc 8 dist linux-6.12 --db "$GOOD" --out "$SCRATCH/afile/charts"
check "  ... naming the directory" -- grep -q "afile/charts" "$SCRATCH/err"
if [ "$(id -u)" -ne 0 ]; then
	mkdir -p "$SCRATCH/ro" && chmod 555 "$SCRATCH/ro"
	check "a read-only output directory exits 8" -- plot_rc 8 dist linux-6.12 --db "$GOOD" --out "$SCRATCH/ro"
else
	echo "# running as root: read-only directories are writable, only the ENOTDIR case is checked"
fi

check "an unknown kind exits 2" -- plot_rc 2 pie linux-6.12 --db "$GOOD" --out "$OUT"
check "beforeafter with one selector exits 2" -- plot_rc 2 beforeafter linux-6.12 --db "$GOOD" --out "$OUT"
check "an unknown format exits 2" -- plot_rc 2 dist linux-6.12 --format gif --db "$GOOD" --out "$OUT"
check "an unknown heatmap axis exits 2 and lists the axes" -- \
	plot_rc 2 heatmap linux-6.12 linux-6.12 --x colour --db "$GOOD" --out "$OUT"
check "  ... naming nr_pages" -- grep -q nr_pages "$SCRATCH/err"
check "--alpha outside (0,1) exits 2" -- plot_rc 2 history --alpha 2 --db "$GOOD" --out "$OUT"
check "no failure above left an image behind" -- no_images
check "the same database draws fine (the failures were the inputs)" -- \
	plot_rc 0 dist linux-6.12 --db "$GOOD" --out "$OUT" --format png
tap_done
