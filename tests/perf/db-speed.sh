#!/bin/bash
# db-speed: the result database's speed budget. Ingests 1,000,000
# samples (10,000 cases x 100 samples, warm-ups included) with
# 'gupharness db import' and wants < 5 s; compares two runs of 10,000 cases
# each and wants < 2 s; reports the database size per million samples.
# Input comes from tests/perf/gen-stream.c, built here with cc. TAP output,
# figures as '# ' lines. GUPBENCH_PERF_SHORT=1 (the form `make check` runs,
# so the script cannot rot unseen): a tenth of the samples and cases, the
# same budgets.
. "$(dirname "$0")/../lib.sh"
plan 6
scratch
CASES=10000
[ "${GUPBENCH_PERF_SHORT:-0}" = 1 ] && CASES=1000
SAMPLES=$((CASES * 100))
export GUPBENCH_QUIET=1

elapsed() {  # elapsed START: seconds since START (date +%s.%N)
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}

cc -O2 -o "$SCRATCH/gen-stream" "$ROOT/tests/perf/gen-stream.c"
ok $? "build gen-stream"
"$SCRATCH/gen-stream" $CASES 98 1 1 5 >"$SCRATCH/big.jsonl"
"$SCRATCH/gen-stream" $CASES 10 2 1 5 6.1.0 >"$SCRATCH/base.jsonl"
"$SCRATCH/gen-stream" $CASES 10 3 0.9 5 6.12.0 >"$SCRATCH/new.jsonl"

t0=$(date +%s.%N)
timeout 60 "$GUPHARNESS" db import "$SCRATCH/big.jsonl" --db "$SCRATCH/big.db" >/dev/null
st=$?
t=$(elapsed "$t0")
n=$(sqlite3 "$SCRATCH/big.db" 'SELECT count(*) FROM samples' 2>/dev/null || echo 0)
ok $((st != 0 || n != SAMPLES)) "ingest stored $SAMPLES samples (got $n)"
echo "# ingest $SAMPLES samples: $t s ($(wc -c <"$SCRATCH/big.jsonl") bytes of stream)"
ok "$(awk -v t="$t" 'BEGIN { print (t < 5) ? 0 : 1 }')" "ingest of $SAMPLES samples under 5 s ($t s)"
# Fold the WAL in so the size is the file a user keeps.
sqlite3 "$SCRATCH/big.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null 2>&1
size=$(stat -c %s "$SCRATCH/big.db")
echo "# database size per million samples: $((size * (1000000 / SAMPLES) / 1048576)) MiB ($size bytes, $CASES cases)"

"$GUPHARNESS" db import "$SCRATCH/base.jsonl" --db "$SCRATCH/cmp.db" --label base >/dev/null &&
	"$GUPHARNESS" db import "$SCRATCH/new.jsonl" --db "$SCRATCH/cmp.db" --label new >/dev/null
ok $? "import two runs of $CASES cases"
t0=$(date +%s.%N)
timeout 60 "$GUPHARNESS" compare base new --db "$SCRATCH/cmp.db" --format csv >"$SCRATCH/cmp.csv"
st=$?
t=$(elapsed "$t0")
rows=$(($(wc -l <"$SCRATCH/cmp.csv") - 1))
ok $((st > 1 || rows != CASES)) "compare produced $CASES rows (got $rows, status $st)"
echo "# compare two runs of $CASES cases (12 samples each; boot-aware model, history of both sides): $t s"
ok "$(awk -v t="$t" 'BEGIN { print (t < 2) ? 0 : 1 }')" "compare of $CASES cases under 2 s ($t s)"
tap_done
