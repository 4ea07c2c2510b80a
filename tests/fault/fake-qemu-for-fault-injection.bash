#!/bin/bash
# FAKE QEMU FOR FAULT INJECTION ONLY. The fault tests point GUPBENCH_QEMU
# here; nothing else may. It takes QEMU's argv as `gupharness run` builds
# it, reads the plan next to the console log, and plays a guest that
# misbehaves as FAKE_QEMU_MODE says:
#   ok        every case ok, end record, exit (the bench's reboot)
#   panic     first case ok, then "Kernel panic" on the console and exit
#   hang      env and the first start record, then silence until killed
#   truncate  first case ok, half of the next record, exit without panic
#   slow      like ok, FAKE_QEMU_DELAY seconds per case (for SIGTERM tests)
#   warn      like ok, but after the first case the console shows a kernel
#             WARNING (with its call trace) and an RCU stall
# The mode comes from a file "fake-mode" next to the -kernel image (so each
# fake kernel in a run can fail its own way), else from a "fake_mode=MODE"
# line inside the image (kernels built by the fake make from a fake source),
# else from FAKE_QEMU_MODE. Each case gets FAKE_QEMU_SAMPLES samples (default
# 2) of get_us = 1000 + case index, or of the image's "fake_get_us=N" line.
# Under "-accel kvm" it hangs, as a software hypervisor does here. The
# guest sees the -smp count of CPUs, or FAKE_QEMU_CPUS (a kernel that finds
# fewer). Its uname -r is the "release" file next to the image (a cache
# entry's), else 6.12.0-fake.
set -u
if [ "${1:-}" = "--version" ]; then
	echo "QEMU emulator version 0.0.0 (fault-injection fake)"
	exit 0
fi
console= results= accel=tcg kernel= smp=1
serials=0
while [ $# -gt 0 ]; do
	case $1 in
	-serial)
		if [ $serials -eq 0 ]; then console=${2#file:}; else results=${2#file:}; fi
		serials=$((serials + 1))
		shift;;
	-accel) accel=$2; shift;;
	-kernel) kernel=$2; shift;;
	-smp) smp=${2%%,*}; shift;;
	esac
	shift
done
[ -n "$console" ] && [ -n "$results" ] || { echo "fake qemu: two -serial file: ports needed" >&2; exit 1; }
mode=$(cat "$(dirname "$kernel")/fake-mode" 2>/dev/null ||
	grep -ao 'fake_mode=[a-z]*' "$kernel" 2>/dev/null | head -1 | cut -d= -f2)
[ -n "$mode" ] || mode=${FAKE_QEMU_MODE:-ok}
base=$(grep -ao 'fake_get_us=[0-9]*' "$kernel" 2>/dev/null | head -1 | cut -d= -f2)
release=$(cat "$(dirname "$kernel")/release" 2>/dev/null || echo 6.12.0-fake)
plan=$(dirname "$console")/plan.json
: >"$console"
: >"$results"
echo "[    0.000000] Linux version $release (fault injection)" >>"$console"
# a software hypervisor behind /dev/kvm never gets the guest to init: nothing arrives
[ "$accel" = kvm ] && exec sleep 100000
echo "[    1.000000] Run /init as init process" >>"$console"
seq=0
emit() { printf '%s\n' "$1" >>"$results"; seq=$((seq + 1)); }
emit "{\"type\":\"env\",\"seq\":$seq,\"format\":\"gupbench-stream-1\",\"tool_version\":\"fake\",\"release\":\"$release\",\"cmdline\":\"console=ttyS0\",\"arch\":\"x86_64\",\"page_size\":4096,\"cpus\":${FAKE_QEMU_CPUS:-$smp},\"numa_nodes\":1,\"gup_test\":true,\"thp\":{\"enabled\":\"always [madvise] never\",\"defrag\":\"madvise\"},\"hugetlb\":{},\"hugetlb_default_kb\":2048,\"set\":{},\"init\":true}"
n=$(jq '.cases | length' "$plan" 2>/dev/null || echo 0)
ok=0
for ((i = 0; i < n; i++)); do
	id=$(jq -c ".cases[$i].id" "$plan")
	argv=$(jq -c ".cases[$i].argv // .cases[$i].selftest" "$plan")
	# params must restate the argv: ingest checks them against it
	opt() { jq -r --arg o "$1" '(index($o) // -1) as $k | if $k >= 0 then .[$k + 1] else "1" end' <<<"$argv"; }
	nr=$(opt -n) reps=$(opt -r)
	if [ "$mode" = truncate ] && [ $i -eq 1 ]; then
		printf '{"type":"start","seq":%d,"id":%s' "$seq" "$id" >>"$results"
		exit 0
	fi
	emit "{\"type\":\"start\",\"seq\":$seq,\"id\":$id}"
	if [ "$mode" = hang ]; then
		echo "[    2.000000] rcu: INFO: rcu_sched self-detected stall on CPU" >>"$console"
		echo $$ >"$(dirname "$console")/fake-qemu.pid"   # the pid the hung "guest" keeps
		exec sleep 100000
	fi
	[ "$mode" = slow ] && sleep "${FAKE_QEMU_DELAY:-1}"
	get=$((${base:-1000} + i)); put=$((100 + i))
	ns=${FAKE_QEMU_SAMPLES:-2}
	samples=$(sep=; for ((k = 0; k < ns; k++)); do
		printf '%s{"get_us":%d,"put_us":%d,"truncated":false,"warmup":false,"thread":0}' "$sep" $get $put
		sep=,
	done)
	emit "{\"type\":\"case\",\"seq\":$seq,\"id\":$id,\"tool\":\"gupbench\",\"argv\":$argv,\"key\":$id,\"params\":{\"cmd\":\"pin_longterm\",\"size_bytes\":134217728,\"size_mb\":128,\"nr_pages_per_call\":$nr,\"repeats\":$reps,\"warmup\":0,\"thp\":\"on\",\"hugetlb\":false,\"hugetlb_kb\":0,\"write\":true,\"shared\":false,\"file\":\"/dev/zero\",\"numa_node\":-1,\"cpu\":-1,\"threads\":1,\"fifo\":0,\"gup_flags\":1,\"touch\":false},\"status\":\"ok\",\"reason\":\"\",\"samples\":[$samples],\"summary\":{\"get\":{\"n\":$ns,\"mean\":$get,\"median\":$get,\"stddev\":0,\"min\":$get,\"max\":$get},\"put\":{\"n\":$ns,\"mean\":$put,\"median\":$put,\"stddev\":0,\"min\":$put,\"max\":$put}}}"
	ok=$((ok + 1))
	if [ "$mode" = warn ] && [ $i -eq 0 ]; then
		cat >>"$console" <<'WARN'
[    3.200000] ------------[ cut here ]------------
[    3.200100] WARNING: CPU: 0 PID: 1 at mm/gup.c:2412 gup_fast_fallback+0x1c4/0x1e0
[    3.200200] Modules linked in:
[    3.200300] RIP: 0010:gup_fast_fallback+0x1c4/0x1e0
[    3.200400] Call Trace:
[    3.200500]  <TASK>
[    3.200600]  pin_user_pages_fast+0x2e/0x40
[    3.200700]  </TASK>
[    3.200800] ---[ end trace 0000000000000000 ]---
[   25.300000] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
[   25.300100] rcu: 	0-...!: (2 GPs behind) idle=7d4/1/0x4000000000000000 softirq=1234/1234 fqs=0
[   25.300200] rcu: rcu_preempt kthread starved for 21002 jiffies! g537 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x402 ->cpu=0
[   25.300300] Call Trace:
[   25.300400]  <TASK>
[   25.300500]  schedule+0x2e/0x40
[   25.300600]  </TASK>
WARN
	fi
	if [ "$mode" = panic ]; then
		cat >>"$console" <<'PANIC'
[    3.100000] BUG: kernel NULL pointer dereference, address: 0000000000000008
[    3.100100] Oops: 0002 [#1] SMP NOPTI
[    3.100200] RIP: 0010:gup_test_ioctl+0x42/0x300
[    3.100900] Kernel panic - not syncing: Fatal exception
[    3.101000] ---[ end Kernel panic - not syncing: Fatal exception ]---
PANIC
		exit 0
	fi
done
emit "{\"type\":\"end\",\"seq\":$seq,\"cases\":$n,\"ok\":$ok,\"skip\":0,\"error\":0}"
echo "[    4.000000] reboot: Restarting system" >>"$console"
exit 0
