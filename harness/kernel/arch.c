/*
 * arch: the architecture table (see arch.h). One row per guest
 * architecture; everything else asks arch_lookup().
 */
#include "harness/kernel/arch.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static const long x86_64_hugetlb[] = { 2048, 1048576, 0 };
/* a 4K-granule kernel: cont-PTE, PMD, cont-PMD, PUD */
static const long arm64_hugetlb[] = { 64, 2048, 32768, 1048576, 0 };

static const struct arch_info arches[] = {
	{
		.name = "x86_64", .uname_machine = "x86_64", .cross_prefix = "x86_64-linux-gnu-",
		.karch = "x86_64", .image_target = "bzImage", .image_path = "arch/x86/boot/bzImage",
		.config_fragment = "harness/configs/gupbench-x86_64.config", .est_objects = 1200,
		/* TCG: the baseline model plus 1G pages ("max" is slower: docs/lab-figures.md) */
		.qemu_binary = "qemu-system-x86_64", .qemu_machine = NULL,
		.cpu_kvm = NULL, .cpu_tcg = "qemu64,+pdpe1gb", .accel_tcg_opts = NULL,
		.console = "ttyS0", .results = RESULTS_SERIAL,
		.tsc = 1,
		/* the IO-APIC timer check busy-waits on timer ticks: on a loaded host
		 * TCG can miss it and panic ("IO-APIC + timer doesn't work") */
		.tcg_cmdline = "no_timer_check", .icount_cmdline = "noapictimer",
		.bench_path = "bench/gupbench", .elf_machine = EM_X86_64,
		/* 1G pages are gigantic (above the buddy allocator's 4 MiB) */
		.default_hugetlb_kb = 2048, .hugetlb_kb = x86_64_hugetlb, .boot_hugetlb_above_kb = 4096,
		.numa = NUMA_FAKE, .numa_config = "NUMA_EMU",
		.deb_qemu = "qemu-system-x86", .deb_cross_gcc = "gcc-x86-64-linux-gnu",
	},
	{
		.name = "arm64", .uname_machine = "aarch64", .cross_prefix = "aarch64-linux-gnu-",
		.karch = "arm64", .image_target = "Image", .image_path = "arch/arm64/boot/Image",
		.config_fragment = "harness/configs/gupbench-arm64.config", .est_objects = 620,
		/* TCG: pointer authentication with QEMU's own cheap algorithm; the
		 * architected one (QARMA) is slow to emulate */
		.qemu_binary = "qemu-system-aarch64", .qemu_machine = "virt",
		.cpu_kvm = "max", .cpu_tcg = "max,pauth-impdef=on", .accel_tcg_opts = NULL,
		/* QEMU 7.2's virt has one PL011: results over a virtio console */
		/* the generic timer counts QEMU's virtual clock, instructions under
		 * icount: no hints needed */
		.console = "ttyAMA0", .results = RESULTS_VIRTIO, .tsc = 0, .tcg_cmdline = NULL, .icount_cmdline = NULL,
		.bench_path = "bench/gupbench.aarch64", .elf_machine = EM_AARCH64,
		/* 32M and 1G are gigantic (above the buddy allocator's 4 MiB with
		 * the 4K granule) */
		.default_hugetlb_kb = 2048, .hugetlb_kb = arm64_hugetlb, .boot_hugetlb_above_kb = 4096,
		/* arm64 has no NUMA emulation before 6.12's generic one (not
		 * offered to arm64 there either): QEMU's nodes reach the kernel
		 * in the device tree (OF_NUMA, selected by NUMA) */
		.numa = NUMA_QEMU, .numa_config = "NUMA",
		.deb_qemu = "qemu-system-arm", .deb_cross_gcc = "gcc-aarch64-linux-gnu",
	},
};

#define N_ARCHES (sizeof(arches) / sizeof(arches[0]))

const struct arch_info *arch_lookup(const char *name)
{
	for (size_t i = 0; i < N_ARCHES; i++)
		if (name && !strcmp(arches[i].name, name))
			return &arches[i];
	return NULL;
}

const struct arch_info *arch_host(void)
{
	struct utsname u;

	if (uname(&u))
		return NULL;
	for (size_t i = 0; i < N_ARCHES; i++)
		if (!strcmp(arches[i].uname_machine, u.machine))
			return &arches[i];
	return NULL;
}

const char *arch_names(void)
{
	static char buf[256];

	if (!buf[0])
		for (size_t i = 0; i < N_ARCHES; i++) {
			if (i)
				strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
			strncat(buf, arches[i].name, sizeof(buf) - strlen(buf) - 1);
		}
	return buf;
}

const char *arch_image_name(const struct arch_info *a)
{
	const char *s = strrchr(a->image_path, '/');

	return s ? s + 1 : a->image_path;
}

int arch_offers_hugetlb(const struct arch_info *a, long kb)
{
	for (const long *s = a->hugetlb_kb; *s; s++)
		if (*s == kb)
			return 1;
	return 0;
}

const char *arch_cross_prefix(const struct arch_info *a)
{
	return arch_host() == a ? "" : a->cross_prefix;
}

int arch_elf_machine(const char *path)
{
	Elf64_Ehdr h;
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(&h, 1, sizeof(h), f) : 0;

	if (f)
		fclose(f);
	if (n != sizeof(h) || memcmp(h.e_ident, ELFMAG, SELFMAG) || h.e_ident[EI_CLASS] != ELFCLASS64 ||
	    h.e_ident[EI_DATA] != ELFDATA2LSB)
		return -1;
	return h.e_machine;
}

const struct arch_info *arch_by_elf_machine(int m)
{
	for (size_t i = 0; i < N_ARCHES; i++)
		if (arches[i].elf_machine == m)
			return &arches[i];
	return NULL;
}
