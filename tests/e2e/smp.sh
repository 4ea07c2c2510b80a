#!/bin/bash
# End-to-end: SMP guests on linux-6.12 (built or cached with the default
# fragments). A matrix of a -j 1 and a -j 2 case gets a 2-vCPU guest by
# default; the guest sees both (its env record), the boot records 2
# (boots.vcpus), and the -j 2 case's two worker threads ran on two
# different CPUs (the case record's thread_cpus, kept in the results
# stream). `--cpus 4`, more vCPUs than this 2-CPU host has, still boots a
# guest that sees 4 (CONFIG_NR_CPUS) with every vCPU thread pinned
# (round-robin over the host CPUs).
. "$(dirname "$0")/../lib.sh"
plan 11
scratch
H=$GUPHARNESS
DB=$SCRATCH/smp.db
TARBALL=/usr/src/linux-source-6.12.tar.xz
export GUPBENCH_DB=$DB
cat >"$SCRATCH/m.json" <<'M'
{ "name": "smp", "repeats": 4, "axes": { "cmd": "L", "size_mb": 64, "thp": "on", "threads": [1, 2] } }
M

check "linux-6.12 builds from Debian's tarball (or is cached)" -- \
	$H kernel build --source $TARBALL --name linux-6.12
$H run --matrix "$SCRATCH/m.json" --kernel linux-6.12 --label smp-j2 >/dev/null 2>"$SCRATCH/err"
ok $? "run: a -j 1 and a -j 2 case on the default guest"
ok_sql "$DB" "SELECT vcpus FROM boots" -eq 2 "the plan's -j 2 gives the guest 2 vCPUs"
ok_sql "$DB" "SELECT json_extract(guest_env, '$.cpus') FROM boots" -eq 2 "the guest sees both"
! grep -q "the guest sees" "$SCRATCH/err"
ok $? "no warning about missing vCPUs"
stream=$(echo "$SCRATCH"/runs/*/linux-6.12/boot0/results.jsonl)
j2=$(jq -c 'select(.type == "case" and .params.threads == 2) | .thread_cpus' "$stream")
echo "# -j 2 case: CPUs per thread $j2"
[ "$(echo "$j2" | jq 'length')" = 2 ] && [ "$(echo "$j2" | jq 'add | unique | length')" = 2 ]
ok $? "the -j 2 case's two threads ran on two CPUs (got '$j2')"

sed 's/"threads": \[1, 2\]/"threads": 1/' "$SCRATCH/m.json" >"$SCRATCH/m1.json"
$H run --matrix "$SCRATCH/m1.json" --kernel linux-6.12 --label smp-4 --cpus 4 >/dev/null 2>"$SCRATCH/err"
ok $? "run --cpus 4 on a host with $(nproc) CPUs"
ok_sql "$DB" "SELECT vcpus FROM boots b JOIN runs r ON r.id = b.run_id WHERE r.label = 'smp-4'" -eq 4 \
	"the boot records 4 vCPUs"
ok_sql "$DB" "SELECT json_extract(guest_env, '$.cpus') FROM boots b JOIN runs r ON r.id = b.run_id
	WHERE r.label = 'smp-4'" -eq 4 "the guest sees all 4"
! grep -q "not pinned" "$SCRATCH/err"
ok $? "every vCPU thread was pinned ($(grep -c . "$SCRATCH/err") lines of chatter)"
ok_sql "$DB" "SELECT count(*) FROM cases WHERE status = 'ok'" -eq 3 "all three cases ran ok"
tap_done
