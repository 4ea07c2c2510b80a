#!/bin/bash
# nightly: the shards of a night, judged, merged and resubmitted, with fake
# kernels and the fault-injection QEMU (fast; the real Slurm cluster is
# tests/e2e/slurm.sh). Shard databases come from `run --shard K/N` under
# tonight's label; sbatch and squeue are fakes that record what they were
# asked. Checks: no sbatch is exit 3 naming the package; the merge names a
# missing or incomplete shard and exits 1 while keeping what it merged; a
# resubmission sets the incomplete database aside and submits only that
# shard, then the merge job after the array (afterany); jobs still queued
# stop a resubmission (exit 4); once whole, the night holds exactly the
# cases and samples of an unsharded run, and merging again adds nothing.
. "$(dirname "$0")/run-common.bash"
plan 28
H=$GUPHARNESS
D=2026-11-30
SH=$SCRATCH/shared
ND=$SH/$D
NIGHT=$SCRATCH/night.db
mkdir -p "$ND" "$SCRATCH/bin" "$SCRATCH/nobin"
echo "not a tarball: only its sha256 names the source" >"$SCRATCH/src.tar.xz"
cat >"$SCRATCH/nightly.json" <<JSON
{ "name": "shards", "db": "night.db", "report_dir": "reports", "matrices": ["m.json"],
  "sources": [ { "name": "fixture", "tarball": "src.tar.xz" } ] }
JSON
# sbatch: one line of arguments per call in sbatch.log, the script kept, ids 101, 102, ...
cat >"$SCRATCH/bin/sbatch" <<'SH'
#!/bin/bash
n=$(($(wc -l <"$FAKE_DIR/sbatch.log" 2>/dev/null || echo 0) + 101))
echo "$*" >>"$FAKE_DIR/sbatch.log"
cp "${!#}" "$FAKE_DIR/submitted-$n.sbatch"
echo "$n;fake"
SH
cat >"$SCRATCH/bin/squeue" <<'SH'
#!/bin/bash
cat "$FAKE_DIR/squeue.out" 2>/dev/null || true
SH
# scontrol: job 102 (the merge) ended with status 1, as an incomplete night's merge does
cat >"$SCRATCH/bin/scontrol" <<'SH'
#!/bin/bash
echo "JobId=${!#} JobName=x JobState=FAILED Reason=NonZeroExitCode DerivedExitCode=0:0 ExitCode=1:0"
SH
chmod +x "$SCRATCH/bin/sbatch" "$SCRATCH/bin/squeue" "$SCRATCH/bin/scontrol"
export FAKE_DIR=$SCRATCH
fake_kernel good ok
fake_kernel bad panic
nonempty() { [ -n "$1" ]; }   # a query that printed nothing proves nothing
shard_run() {   # shard_run K KERNEL DB: slice K/2 of the matrix under tonight's label
	timeout 60 "$H" run --matrix "$MATRIX" --kernel "$2" --label "nightly/fixture/$D/abc" --db "$3" \
		--accel tcg --shard "$1/2" >/dev/null 2>&1
}
merge() {
	"$H" nightly --config "$SCRATCH/nightly.json" --date $D --merge-shards "$ND" --shards 2 --db "$NIGHT" \
		>"$SCRATCH/merge.out" 2>"$SCRATCH/merge.err"
}
submit() {
	PATH=$SCRATCH/bin:$PATH "$H" nightly --config "$SCRATCH/nightly.json" --date $D --slurm "$SH" --shards 2 "$@" \
		>"$SCRATCH/submit.out" 2>"$SCRATCH/submit.err"
}
cases_of() {   # key and sample count per case, one line each
	sqlite3 "$1" "SELECT c.key, count(*) FROM cases c JOIN samples s ON s.case_id = c.id GROUP BY c.key ORDER BY c.key"
}

PATH=$SCRATCH/nobin "$H" nightly --config "$SCRATCH/nightly.json" --slurm "$SH" --shards 2 >/dev/null 2>"$SCRATCH/err"
st=$?
ok $((st != 3)) "no sbatch on PATH: exit 3 (got $st)"
grep -q "slurm-client" "$SCRATCH/err"
ok $? "the message names the package: $(head -1 "$SCRATCH/err")"
"$H" nightly --config "$SCRATCH/nightly.json" --slurm "$SH" >/dev/null 2>"$SCRATCH/err"
ok $(($? != 2)) "--slurm without --shards is a usage error"

shard_run 1 good "$ND/shard-1.db"
ok $? "shard 1/2 ran on the healthy kernel"
merge
st=$?
ok $((st != 1)) "merge with shard 2 missing: exit 1, the night is incomplete (got $st)"
grep -q "shard 2/2 of $D is incomplete: no database" "$SCRATCH/merge.err"
ok $? "the missing shard is named"
grep -q "report.md" "$SCRATCH/merge.out"
ok $? "the report of what arrived is still written"
got=$(cases_of "$NIGHT")
nonempty "$got" && [ "$(echo "$got" | wc -l)" -eq 1 ]
ok $? "shard 1's case is merged (got: $got)"

shard_run 2 bad "$ND/shard-2.db"
merge
st=$?
ok $((st != 1)) "a shard whose guest panicked is incomplete: exit 1 (got $st)"
grep -q "shard 2/2 of $D is incomplete: 2 of 2 cases of matrix 'fault'" "$SCRATCH/merge.err"
ok $? "the incomplete shard is named with what it misses: $(grep 'shard 2/2' "$SCRATCH/merge.err")"
got=$(cases_of "$NIGHT")
[ "$(echo "$got" | wc -l)" -eq 1 ]
ok $? "nothing of the incomplete shard is merged, nothing merged before is lost"

echo 77 >"$SCRATCH/squeue.out"
submit
st=$?
ok $((st != 4)) "jobs of the night still queued: the resubmission exits 4 (got $st)"
ok $([ ! -e "$SCRATCH/sbatch.log" ]; echo $?) "and submits nothing"
rm "$SCRATCH/squeue.out"
sum1=$(sha256sum <"$ND/shard-1.db")
submit
st=$?
ok $((st != 0)) "resubmission exits 0 (got $st)"
grep -qx "array_job=101 shards=2" "$SCRATCH/submit.out" && grep -qx "merge_job=102" "$SCRATCH/submit.out"
ok $? "stdout names the array job, the one shard resubmitted and the merge job"
sed -n 1p "$SCRATCH/sbatch.log" | grep -q -- "--array=2 "
ok $? "only shard 2 is in the array: $(sed -n 1p "$SCRATCH/sbatch.log")"
sed -n 2p "$SCRATCH/sbatch.log" | grep -q -- "--dependency=afterany:101 "
ok $? "the merge job runs after the whole array, failed tasks included"
grep -q -- "'--shard='\"\$SLURM_ARRAY_TASK_ID\"'/2' '--db=$ND/shard-'\"\$SLURM_ARRAY_TASK_ID\"'.db'" "$SCRATCH/submitted-101.sbatch"
ok $? "each task runs its own shard into its own database"
grep -q -- "'--merge-shards=$ND' '--shards=2' '--db=$NIGHT'" "$SCRATCH/submitted-102.sbatch"
ok $? "the merge job merges this night's directory into the night's database"
[ -e "$ND/shard-2.incomplete-1.db" ] && [ ! -e "$ND/shard-2.db" ]
ok $? "the incomplete shard database is set aside, not deleted"
[ "$(sha256sum <"$ND/shard-1.db")" = "$sum1" ]
ok $? "the complete shard is left alone"
rm "$SCRATCH/sbatch.log"
GUPBENCH_QUIET=0 submit --wait
st=$?
ok $((st != 1)) "--wait returns the merge job's exit status, 1 for an incomplete night (got $st)"
grep -q "merge job 102 ended with status 1" "$SCRATCH/submit.err"
ok $? "and says so: $(grep 'ended with' "$SCRATCH/submit.err")"

shard_run 2 good "$ND/shard-2.db"
merge
st=$?
ok $((st != 0)) "merge with both shards complete: exit 0 (got $st)"
"$H" run --matrix "$MATRIX" --kernel good --label "nightly/fixture/$D/abc" --db "$SCRATCH/whole.db" \
	--accel tcg >/dev/null 2>&1
want=$(cases_of "$SCRATCH/whole.db")
got=$(cases_of "$NIGHT")
nonempty "$want" && [ "$got" = "$want" ]
ok $? "the merged night holds exactly the cases and samples of an unsharded run ($(echo "$got" | tr '\n' ' '))"
merge
got=$(cases_of "$NIGHT")
[ "$got" = "$want" ]
ok $? "merging the same shards again duplicates nothing"
rm "$SCRATCH/sbatch.log"
submit
grep -qx "array_job=none shards=none" "$SCRATCH/submit.out" && [ "$(wc -l <"$SCRATCH/sbatch.log")" -eq 1 ] &&
	! grep -q -- "--dependency" "$SCRATCH/sbatch.log"
ok $? "a whole night resubmitted: no array, only the merge job, with nothing to wait for"
no_orphans
ok $? "nothing left running"
tap_done
