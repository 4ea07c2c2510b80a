/*
 * test_qemu_accel: the KVM probe memo (qemu_kvm_memo) with a stand-in probe
 * that returns a chosen verdict and counts its calls, in a scratch cache.
 * A guest with no kernel on the console is remembered for every image of
 * the arch, so a second image is not probed; a stalled or running guest is
 * remembered for its own image only; a cleared accel/ directory probes
 * again.
 */
#include "harness/kernel/arch.h"
#include "harness/guest/qemu.h"
#include "tap.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum kvm_verdict verdict;
static int calls;

static enum kvm_verdict fake_probe(const struct qemu_spec *probe, double timeout)
{
	(void)probe;
	(void)timeout;
	calls++;
	return verdict;
}

/* qemu_kvm_memo for image, the probe answering v; calls counted afresh */
static int memo(const char *image, enum kvm_verdict v)
{
	struct qemu_spec s = { .arch = arch_host(), .binary = "qemu-system-test", .kernel = image };

	verdict = v;
	calls = 0;
	return qemu_kvm_memo(&s, 1, fake_probe);
}

static void clear_memo(const char *root)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/accel", root);
	if (remove_tree(path))
		printf("# cannot clear %s\n", path);
}

int main(void)
{
	char root[] = "/tmp/gupbench-accel-XXXXXX";

	tap_plan(12);
	if (!mkdtemp(root) || setenv("GUPBENCH_CACHE", root, 1) || access("/proc/sys/kernel/random/boot_id", R_OK)) {
		tap_skip(12, "no scratch directory or no boot_id");
		return tap_done();
	}
	is_int(memo("/k/a", KVM_NO_KERNEL), 0, "no kernel started: tcg");
	is_int(calls, 1, "and the probe ran");
	is_int(memo("/k/b", KVM_RUNS), 0, "another image after a no-kernel probe: tcg from the memo");
	is_int(calls, 0, "without probing (the host-wide memo)");

	clear_memo(root);
	is_int(memo("/k/a", KVM_KERNEL_STALLED), 0, "a kernel that stalled before the bench: tcg");
	is_int(memo("/k/b", KVM_RUNS), 1, "another image after a stall is probed and runs: kvm");
	is_int(calls, 1, "the stall was remembered for its image only");
	is_int(memo("/k/a", KVM_RUNS), 0, "the stalled image again: tcg from the memo");
	is_int(calls, 0, "without probing");
	is_int(memo("/k/b", KVM_NO_KERNEL), 1, "the running image again: kvm from the memo, without probing");

	clear_memo(root);
	is_int(memo("/k/b", KVM_RUNS), 1, "a cleared memo probes again");
	is_int(calls, 1, "once");
	remove_tree(root);
	return tap_done();
}
