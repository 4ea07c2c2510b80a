/*
 * arch: the one table of what the harness knows about each guest
 * architecture: how the kernel is built for it (ARCH=, image, cross
 * compiler), how QEMU boots it (binary, machine, CPU model, console, the
 * results channel) and what its guests can offer (hugetlb sizes). kbuild.c,
 * matrix.c, qemu.c and run use only this table; supporting a new arch means
 * adding one row to arches[] in arch.c.
 */
#ifndef GUPBENCH_ARCH_H
#define GUPBENCH_ARCH_H

/* How the bench's results stream leaves the guest. */
enum results_channel {
	RESULTS_SERIAL,      /* a second serial port (-serial), ttyS1 in the guest */
	RESULTS_VIRTIO,      /* a virtio console (virtconsole), hvc0 in the guest */
};

/* How a guest gets the NUMA nodes a plan asks for. Either way the RAM is
 * split evenly between the nodes, node 0 at the lowest addresses. */
enum numa_source {
	NUMA_FAKE,           /* numa=fake=N on the command line (CONFIG_NUMA_EMU) */
	NUMA_QEMU,           /* one QEMU -numa node per node, told by the firmware tables */
};

struct arch_info {
	const char *name;            /* as the user and the cache say it: "x86_64" */
	const char *uname_machine;   /* uname -m of a native host */
	const char *cross_prefix;    /* CROSS_COMPILE on a foreign host */
	/* kernel build */
	const char *karch;           /* make ARCH= */
	const char *image_target;    /* make target producing the image */
	const char *image_path;      /* the image under the object tree */
	const char *config_fragment; /* repository path of the arch's fragment; NULL: none */
	int est_objects;             /* first-build estimate for the progress line */
	/* boot */
	const char *qemu_binary;
	const char *qemu_machine;    /* -machine; NULL: QEMU's default */
	const char *cpu_kvm;         /* -cpu under KVM; NULL: QEMU's default */
	const char *cpu_tcg;         /* -cpu under TCG; NULL: QEMU's default */
	const char *accel_tcg_opts;  /* appended to "-accel tcg,"; NULL: none */
	const char *console;         /* the kernel's console= device */
	/* guest clock under TCG (the clock modes are described in qemu.c) */
	int tsc;                     /* an x86 TSC: the guest is told its rate and to trust it */
	const char *tcg_cmdline;     /* kernel words under TCG, either clock; NULL: none */
	const char *icount_cmdline;  /* kernel words under icount (busy-waits to skip); NULL: none */
	enum results_channel results;
	/* the guest's /init: a static bench for this arch */
	const char *bench_path;      /* repository path, built by make */
	int elf_machine;             /* its ELF e_machine (EM_X86_64, EM_AARCH64) */
	/* guest */
	long default_hugetlb_kb;
	const long *hugetlb_kb;      /* sizes a guest can offer, 0-terminated */
	long boot_hugetlb_above_kb;  /* larger sizes are reserved on the kernel command line */
	enum numa_source numa;
	const char *numa_config;     /* the kernel option that source needs, without CONFIG_ */
	/* host */
	const char *deb_qemu;        /* Debian package with qemu_binary */
	const char *deb_cross_gcc;   /* Debian package with <cross_prefix>gcc */
};

/* The row for name, or NULL for an arch the harness does not know. */
const struct arch_info *arch_lookup(const char *name);
/* The row of the host's own architecture, or NULL. */
const struct arch_info *arch_host(void);
/* The known names for messages: "x86_64" or "x86_64, arm64". Static. */
const char *arch_names(void);
/* The image's file name ("bzImage"). */
const char *arch_image_name(const struct arch_info *a);
/* Does a guest of this arch offer hugetlb pages of kb? */
int arch_offers_hugetlb(const struct arch_info *a, long kb);
/* The CROSS_COMPILE prefix for building a on this host: "" when native. */
const char *arch_cross_prefix(const struct arch_info *a);
/* The ELF e_machine of the file at path, or -1 when it is not a readable
 * 64-bit little-endian ELF file. */
int arch_elf_machine(const char *path);
/* The arch row whose elf_machine is m, or NULL. */
const struct arch_info *arch_by_elf_machine(int m);

#endif
