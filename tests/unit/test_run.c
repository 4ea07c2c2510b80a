/*
 * test_run: the pure parts of `gupharness run`: shard slices, and the QEMU
 * argv and command line built from a plan's needs (accelerator, no -cpu host, 1G pages, fake NUMA).
 */
#include "harness/guest/qemu.h"
#include "harness/guest/run.h"
#include "lib/spawn.h"
#include "tap.h"
#include "lib/util.h"

#include <stdlib.h>

static int has_pair(char **argv, const char *a, const char *b)
{
	for (char **p = argv; *p && p[1]; p++)
		if (!strcmp(p[0], a) && !strcmp(p[1], b))
			return 1;
	return 0;
}

static int has(char **argv, const char *a)
{
	for (char **p = argv; *p; p++)
		if (!strcmp(*p, a))
			return 1;
	return 0;
}

int main(void)
{
	size_t lo, hi, covered = 0, prev = 0;
	int k, n;

	tap_plan(44);
	ok(!run_parse_shard("2/3", &k, &n) && k == 2 && n == 3, "shard 2/3 parses");
	ok(run_parse_shard("0/3", &k, &n) == -1 && run_parse_shard("4/3", &k, &n) == -1 &&
	   run_parse_shard("1/", &k, &n) == -1 && run_parse_shard("x", &k, &n) == -1, "bad shards refused");
	for (int s = 1; s <= 7; s++) {
		run_shard_range(180, s, 7, &lo, &hi);
		ok(lo == prev && hi >= lo && hi - lo >= 25 && hi - lo <= 26, "shard %d/7 is [%zu,%zu)", s, lo, hi);
		covered += hi - lo;
		prev = hi;
	}
	is_int(covered, 180, "7 shards cover all 180 cases once");

	struct plan_needs needs = { .mem_mb = 1024, .cpus = 2, .numa_nodes = 2, .n_boot_huge = 1,
				    .boot_huge = { { 1048576, 2 } } };
	const struct arch_info *x86 = arch_lookup("x86_64");
	struct qemu_spec spec = {
		.arch = x86, .binary = "qemu-system-x86_64", .accel = "tcg", .kernel = "/k/bzImage", .initrd = "/b/i.cpio",
		.console_path = "/b/console.log", .results_path = "/b/results.jsonl",
	};
	qemu_spec_from_needs(&spec, &needs);
	char **argv = qemu_argv(&spec);
	char *cl = qemu_cmdline(&spec);

	ok(has_pair(argv, "-accel", "tcg") && has_pair(argv, "-cpu", "qemu64,+pdpe1gb"), "tcg: baseline cpu with 1G pages");
	ok(has_pair(argv, "-m", "1024M") && has_pair(argv, "-smp", "2,sockets=2,cores=1,threads=1"),
	   "memory and cpus from the plan, one socket per vCPU");
	{
		char *line = argv_to_string(argv);

		is_int(qemu_cmd_cpus(line), 2, "the vCPU count read back from the recorded command");
		is_int(qemu_cmd_cpus("qemu-system-x86_64 -m 1G"), 0, "none in a command without -smp");
		free(line);
	}
	ok(has(argv, "-no-reboot") && has(argv, "-nodefaults"), "-no-reboot, -nodefaults");
	ok(has_pair(argv, "-serial", "file:/b/console.log") && has_pair(argv, "-serial", "file:/b/results.jsonl"),
	   "console then results serial port");
	ok(strstr(cl, "console=ttyS0") && strstr(cl, "panic=-1"), "console and panic on the command line");
	ok(strstr(cl, "hugepagesz=1G hugepages=2") != NULL, "1G pages reserved at boot");
	ok(strstr(cl, "numa=fake=2") && !has(argv, "-numa"), "x86_64: fake NUMA nodes on the command line, no QEMU nodes");
	ok(strstr(cl, "tsc=reliable") != NULL, "tcg: the TSC is trusted, so ktime is not jiffies");
	ok(strstr(cl, "no_timer_check") && !strstr(cl, "noapictimer"),
	   "tcg wall: the IO-APIC timer check is skipped, the APIC timer kept");
	ok(has_pair(argv, "-append", cl), "-append carries that command line");
	qemu_argv_free(argv);
	free(cl);

	spec.accel = "kvm";
	needs.numa_nodes = 0;
	needs.n_boot_huge = 0;
	qemu_spec_from_needs(&spec, &needs);
	argv = qemu_argv(&spec);
	cl = qemu_cmdline(&spec);
	ok(has_pair(argv, "-accel", "kvm") && !has(argv, "-cpu"), "kvm: no -cpu (never host)");
	ok(!strstr(cl, "hugepagesz") && !strstr(cl, "numa=") && !strstr(cl, "tsc=") && !strstr(cl, "timer"),
	   "kvm: nothing extra when the plan asks nothing");
	qemu_argv_free(argv);
	free(cl);

	spec.accel = "tcg";
	spec.clock = "icount";
	argv = qemu_argv(&spec);
	cl = qemu_cmdline(&spec);
	ok(has_pair(argv, "-accel", "tcg,thread=single") && has_pair(argv, "-icount", "shift=0,sleep=off,align=off"),
	   "icount: single-threaded TCG, one instruction per ns, no sleeping");
	ok(strstr(cl, "tsc=reliable tsc_early_khz=1000000") != NULL,
	   "icount: the guest's TSC rate follows from the shift (1 GHz)");
	ok(strstr(cl, "no_timer_check") && strstr(cl, "noapictimer"), "icount: the boot-time timer busy-waits are skipped");
	ok(has_pair(argv, "-append", cl), "icount: -append carries that command line");
	qemu_argv_free(argv);
	free(cl);
	spec.clock = "wall";
	argv = qemu_argv(&spec);
	ok(has_pair(argv, "-accel", "tcg") && !has(argv, "-icount"), "wall under TCG: no -icount");
	qemu_argv_free(argv);

	is_str(qemu_pick_clock("auto", "tcg"), "icount", "clock auto under TCG is icount");
	is_str(qemu_pick_clock("auto", "kvm"), "wall", "clock auto under KVM is wall");
	is_str(qemu_pick_clock("wall", "tcg"), "wall", "clock wall is kept under TCG");
	ok(qemu_pick_clock("icount", "kvm") == NULL, "clock icount under KVM is refused");

	/* arm64: virt machine, PL011 console, results over a virtio console,
	 * every gigantic size on the command line, no x86 TSC hints */
	needs = (struct plan_needs){ .mem_mb = 5376, .cpus = 2, .n_boot_huge = 2,
				     .boot_huge = { { 32768, 32 }, { 1048576, 1 } } };
	spec = (struct qemu_spec){
		.arch = arch_lookup("arm64"), .binary = "qemu-system-aarch64", .accel = "tcg", .kernel = "/k/Image",
		.initrd = "/b/i.cpio", .console_path = "/b/console.log", .results_path = "/b/results.jsonl",
	};
	qemu_spec_from_needs(&spec, &needs);
	argv = qemu_argv(&spec);
	cl = qemu_cmdline(&spec);
	ok(has_pair(argv, "-machine", "virt") && has_pair(argv, "-cpu", "max,pauth-impdef=on"),
	   "arm64 tcg: virt machine, max cpu with cheap pointer auth");
	ok(has_pair(argv, "-serial", "file:/b/console.log") && has_pair(argv, "-device", "virtio-serial-device") &&
	   has_pair(argv, "-chardev", "file,id=results,path=/b/results.jsonl") &&
	   has_pair(argv, "-device", "virtconsole,chardev=results"), "arm64: results over a virtio console");
	ok(strstr(cl, "console=ttyAMA0") && strstr(cl, "gupbench.results=/dev/hvc0"),
	   "arm64: PL011 console, the bench told hvc0 (%s)", cl);
	ok(strstr(cl, "hugepagesz=32M hugepages=32 hugepagesz=1G hugepages=1") != NULL,
	   "arm64: 32M and 1G pages reserved at boot");
	ok(!strstr(cl, "tsc"), "arm64: no x86 TSC hints");
	ok(!has(argv, "-numa"), "arm64: no -numa when the plan asks no nodes");
	qemu_argv_free(argv);
	free(cl);
	/* arm64 has no numa=fake: QEMU's nodes, the RAM halved between them */
	needs.numa_nodes = 2;
	qemu_spec_from_needs(&spec, &needs);
	argv = qemu_argv(&spec);
	cl = qemu_cmdline(&spec);
	ok(has_pair(argv, "-object", "memory-backend-ram,id=node0,size=2688M") &&
	   has_pair(argv, "-object", "memory-backend-ram,id=node1,size=2688M") &&
	   has_pair(argv, "-numa", "node,nodeid=0,cpus=0-1,memdev=node0") &&
	   has_pair(argv, "-numa", "node,nodeid=1,memdev=node1") && !strstr(cl, "numa="),
	   "arm64: two QEMU NUMA nodes of half the RAM each, the vCPUs on node 0, no numa=fake");
	qemu_argv_free(argv);
	free(cl);

	setenv("GUPBENCH_QEMU", "/tmp/fake-qemu", 1);
	is_str(qemu_binary("arm64"), "/tmp/fake-qemu", "GUPBENCH_QEMU selects a stand-in");
	unsetenv("GUPBENCH_QEMU");
	is_str(qemu_binary("x86_64"), "qemu-system-x86_64", "x86_64 emulator");
	is_str(qemu_binary("arm64"), "qemu-system-aarch64", "arm64 emulator");
	ok(qemu_binary("riscv") == NULL, "unknown arch has no emulator");
	return tap_done();
}
