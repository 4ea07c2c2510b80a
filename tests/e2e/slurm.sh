#!/bin/bash
# End-to-end: a night sharded over a real Slurm cluster on this machine
# (tests/slurm/cluster.sh: munged, slurmctld and slurmd under the scratch
# directory, stopped at the end). The same night of tests/e2e/small.json on
# Debian's linux-6.12 (cached by the pipeline test or `make demo`) runs once
# unsharded and once as `nightly --slurm --shards 2 --wait`; the merged
# database must hold exactly the cases and samples of the unsharded one.
# Then one array task is cancelled while its guest runs: the night is
# incomplete (exit 1, the shard named), and a resubmission runs only that
# shard and makes the night whole. Prints the wall time of both nights.
. "$(dirname "$0")/../lib.sh"
plan 18
scratch
H=$GUPHARNESS
CL=$SCRATCH/cluster
SH=$SCRATCH/shared
D=2026-11-01
D2=2026-11-02
trap '"$ROOT/tests/slurm/cluster.sh" stop "$CL"; rm -rf "$SCRATCH"' EXIT
cat >"$SCRATCH/nightly.json" <<JSON
{ "name": "slurm-e2e", "db": "night.db", "report_dir": "reports",
  "matrices": ["$ROOT/tests/e2e/small.json"],
  "sources": [ { "name": "linux-6.12", "tarball": "/usr/src/linux-source-6.12.tar.xz" } ] }
JSON
night() { "$H" nightly --config "$SCRATCH/nightly.json" "$@"; }
cases_of() {   # key and sample count per case of one night, one line each
	sqlite3 "$1" "SELECT c.key, count(*) FROM runs r JOIN boots b ON b.run_id = r.id
		JOIN cases c ON c.boot_id = b.id JOIN samples s ON s.case_id = c.id
		WHERE r.label LIKE 'nightly/linux-6.12/$2/%' GROUP BY c.key ORDER BY c.key"
}
nonempty() { [ -n "$1" ]; }   # a query that printed nothing proves nothing
secs() { date +%s.%N; }

"$H" kernel build --source /usr/src/linux-source-6.12.tar.xz --name linux-6.12 >/dev/null 2>"$SCRATCH/build.err"
ok $? "linux-6.12 is in the kernel cache (or builds)"
chmod 755 "$SCRATCH"   # munged runs as the munge user: it must reach its directory
conf=$("$ROOT/tests/slurm/cluster.sh" start "$CL" 2>"$SCRATCH/cluster.err")
ok $? "a one-node cluster starts (munged, slurmctld, slurmd) $(tail -1 "$SCRATCH/cluster.err")"
[ -n "$conf" ] || { tap_done; exit 1; }
export "${conf:-SLURM_CONF=/nonexistent}"
[ "$(sinfo -h -N -o %T)" = idle ]
ok $? "sinfo shows the node idle"

t0=$(secs)
night --db "$SCRATCH/whole.db" --date $D >/dev/null 2>"$SCRATCH/whole.err"
ok $? "the unsharded night runs"
t1=$(secs)
night --slurm "$SH" --shards 2 --wait --date $D >"$SCRATCH/sub.out" 2>"$SCRATCH/sub.err"
ok $? "the night as a 2-task job array and a merge job, waited for, exits 0"
t2=$(secs)
grep -q "shards=1-2$" "$SCRATCH/sub.out" && grep -q "^merge_job=[0-9]" "$SCRATCH/sub.out"
ok $? "stdout names the array of both shards and the merge job"
want=$(cases_of "$SCRATCH/whole.db" $D)
got=$(cases_of "$SCRATCH/night.db" $D)
nonempty "$want" && [ "$(echo "$want" | wc -l)" -eq 4 ] && [ "$got" = "$want" ]
ok $? "the merged night holds exactly the cases and sample counts of the unsharded one ($(echo "$got" | tr '\n' ' '))"
[ -s "$SCRATCH/reports/$D/report.md" ]
ok $? "the merge job wrote the night's report"
awk -v a="$t0" -v b="$t1" -v c="$t2" \
	'BEGIN { printf "# wall time of the night: unsharded %.1f s, sharded (2 array tasks + merge job) %.1f s\n", b - a, c - b }'

# A task cancelled while its guest runs.
night --slurm "$SH" --shards 2 --wait --date $D2 --db "$SCRATCH/n2.db" >"$SCRATCH/sub2.out" 2>"$SCRATCH/sub2.err" &
bg=$!
qemu=
for _ in $(seq 300); do
	run=$(pgrep -f -- "run --matrix .* --db $SH/$D2/shard-2.db .*--shard 2/2" | head -1)
	[ -n "$run" ] && qemu=$(pgrep -P "$run" | head -1)
	[ -n "$qemu" ] && break
	sleep 0.2
done
array=$(sed -n 's/^array_job=\([0-9]*\) .*/\1/p' "$SCRATCH/sub2.out")
nonempty "$qemu" && nonempty "$array" && scancel "${array}_2"
ok $? "array task ${array}_2 cancelled while its guest (pid $qemu) runs"
wait $bg
st=$?
ok $((st != 1)) "the night with a cancelled shard exits 1, incomplete (got $st)"
grep -q "shard 2/2 of $D2 is incomplete" "$SH/$D2"/logs/merge-*.log
ok $? "the merge job names the shard: $(grep -h 'shard 2/2' "$SH/$D2"/logs/merge-*.log | cut -c1-120)"
got=$(cases_of "$SCRATCH/n2.db" $D2)
nonempty "$got" && [ "$(echo "$got" | wc -l)" -eq 2 ]
ok $? "shard 1's cases are merged all the same ($(echo "$got" | tr '\n' ' '))"
sum1=$(sha256sum <"$SH/$D2/shard-1.db")
night --slurm "$SH" --shards 2 --wait --date $D2 --db "$SCRATCH/n2.db" >"$SCRATCH/sub3.out" 2>"$SCRATCH/sub3.err"
ok $? "the resubmission exits 0"
grep -q "shards=2$" "$SCRATCH/sub3.out"
ok $? "it submitted shard 2 alone: $(head -1 "$SCRATCH/sub3.out")"
[ "$(sha256sum <"$SH/$D2/shard-1.db")" = "$sum1" ] && [ -e "$SH/$D2/shard-2.incomplete-1.db" ]
ok $? "shard 1 left alone; the cancelled shard's database kept aside"
got=$(cases_of "$SCRATCH/n2.db" $D2)
nonempty "$got" && [ "$got" = "$want" ]
ok $? "the night is whole: the cases and sample counts of the unsharded night, none twice"

"$ROOT/tests/slurm/cluster.sh" stop "$CL"
ok $? "the cluster stops"
! pgrep -f "$CL" >/dev/null && ! pgrep -f "$SH" >/dev/null
ok $? "nothing of the cluster or the night is left running"
tap_done
