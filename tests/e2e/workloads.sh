#!/bin/bash
# End-to-end: the workloads beyond gup_test in a real guest. One case of each
# kind (tests/e2e/workloads.json) on linux-6.12 built with the default
# fragment (KSM, io_uring, the RAM block device, two fake NUMA nodes): every
# case must measure, not skip, and store its samples with the clock and what
# was timed; the bench must report the two NUMA nodes the harness asked for.
. "$(dirname "$0")/../lib.sh"
plan 24
scratch
H=$GUPHARNESS
DB=$SCRATCH/e2e.db
TARBALL=/usr/src/linux-source-6.12.tar.xz
K=${GUPBENCH_E2E_KERNEL:-linux-6.12}   # a cache name for the 6.12 build
export GUPBENCH_DB=$DB

check "$K builds with the workloads' options (or is cached)" -- \
	$H kernel build --source $TARBALL --name "$K"
entry=$($H kernel build --source $TARBALL --name "$K" 2>/dev/null | awk '{print $3}')
for opt in KSM IO_URING CROSS_MEMORY_ATTACH BLK_DEV_RAM NUMA_EMU MIGRATION; do
	grep -qx "CONFIG_$opt=y" "$entry/.config"
	ok $? "$K has CONFIG_$opt=y"
done

t0=$(date +%s)
check "run: one workload of each kind" -- $H run --matrix "$ROOT/tests/e2e/workloads.json" --kernel "$K" \
	--label e2e-workloads
echo "# the workloads boot took $(( $(date +%s) - ${t0:-0} )) s"
q() { sqlite3 "$DB" "$1"; }
for w in move_pages_migrate ksm_merge thp_split io_uring_register odirect_read process_vm_readv; do
	st=$(q "SELECT status || ': ' || coalesce(reason, '') FROM cases WHERE key LIKE '--workload $w %'")
	[ "${st%%:*}" = ok ]
	ok $? "$w measured in the guest (got '$st')"
	n=$(q "SELECT count(*) FROM samples s JOIN cases c ON c.id = s.case_id
		WHERE c.key LIKE '--workload $w %' AND s.warmup = 0 AND s.get_us > 0")
	[ "$n" -eq 2 ]
	ok $? "$w: two measured samples with a time (got $n)"
done
n=$(q "SELECT count(*) FROM samples s JOIN cases c ON c.id = s.case_id
	WHERE c.key LIKE '--workload io_uring_register %' AND s.put_us IS NOT NULL")
[ "$n" -eq 3 ]
ok $? "io_uring_register stores its unregister time as put (got $n samples)"
n=$(q "SELECT count(*) FROM samples s JOIN cases c ON c.id = s.case_id
	WHERE c.key LIKE '--workload ksm_merge %' AND s.put_us IS NOT NULL")
[ "$n" -eq 0 ]
ok $? "ksm_merge has no put time: null, not 0 (got $n non-null)"
c=$(q "SELECT json_extract(params, '$.clock') FROM cases WHERE key LIKE '--workload process_vm_readv %'")
case "$c" in CLOCK_MONOTONIC*) true ;; *) false ;; esac
ok $? "the case records its clock (got '$c')"
rd=$(q "SELECT run_dir FROM runs WHERE label = 'e2e-workloads'")
stream=$(find "$rd" -name results.jsonl | head -1)
nodes=$(head -1 "$stream" | jq -r .numa_nodes)
[ "$nodes" = 2 ]
ok $? "the guest reports the two NUMA nodes numa=fake=2 gave it (got $nodes)"
tap_done
