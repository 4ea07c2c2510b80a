/*
 * qemu: building the emulator's argv and choosing KVM or TCG. The guest
 * gets no default devices (-nodefaults: nothing to probe, faster boots),
 * a console serial port and the arch's results channel (arch.h), -no-reboot
 * so that both a panic (panic=-1) and the bench's final reboot end QEMU,
 * and never -cpu host: on a software hypervisor it fails at once. The
 * machine and CPU models come from the arch table. vCPUs are given as
 * sockets of one core each, so that the x86 guest finds them all in the
 * MP table without ACPI (see qemu_argv).
 *
 * Clock modes. "wall": guest time is host time, as the accelerator gives
 * it. "icount": TCG counts guest instructions and derives every guest clock
 * from the count (-icount shift=S: one instruction is 2^S ns; sleep=off: an
 * idle guest jumps to its next timer instead of waiting for the host;
 * thread=single: one deterministic round-robin TCG thread). Times measured
 * in the guest are then the same in every boot, whatever the host's load;
 * they count executed instructions at a fixed rate, so they are blind to
 * caches, TLBs and memory bandwidth. An x86 guest is told the TSC rate that
 * follows from the shift, and skips two boot steps that busy-wait on timers
 * (the arch table's tcg_cmdline and icount_cmdline): under icount every
 * timer read ends a translation block, so the IO-APIC timer check and the
 * local APIC timer calibration cost minutes of host time for a fraction of
 * a second of guest time (docs/lab-figures.md).
 */
#include "harness/guest/qemu.h"
#include "harness/kernel/arch.h"
#include "results/stream.h"
#include "harness/guest/qmp.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *qemu_binary(const char *arch)
{
	const char *fake = getenv("GUPBENCH_QEMU");
	const struct arch_info *a = arch_lookup(arch);

	if (fake && *fake)
		return fake;
	return a ? a->qemu_binary : NULL;
}

char *qemu_version(const char *binary)
{
	char *argv[] = { (char *)binary, "--version", NULL };
	struct spawn_opts o = { .capture = 1, .merge_stderr = 1, .timeout = 20 };
	struct spawn_result r;
	char *v = NULL;

	if (spawn_run(argv, &o, &r) == 0 && r.status == 0 && r.out) {
		size_t n = strcspn(r.out, "\n");

		v = xmalloc(n + 1);
		memcpy(v, r.out, n);
		v[n] = '\0';
	}
	spawn_result_free(&r);
	return v;
}

/*
 * Under TCG the guest's TSC runs at the host's TSC rate, but a tinyconfig
 * guest has no HPET/PM timer to calibrate it against (no ACPI), the PIT
 * calibration is flaky, and the clocksource watchdog then marks the TSC
 * unstable: ktime falls back to jiffies and gup_test's deltas come in 4 ms
 * steps. So tell the guest the host's TSC rate and trust the TSC.
 */
static long host_tsc_khz(void)
{
#if defined(__x86_64__)
	double t0 = now_monotonic(), t1;
	unsigned long long c0 = __builtin_ia32_rdtsc(), c1;

	usleep(50000);
	c1 = __builtin_ia32_rdtsc();
	t1 = now_monotonic();
	return (long)((double)(c1 - c0) / (t1 - t0) / 1000.0 + 0.5);
#else
	return 0;
#endif
}

void qemu_spec_from_needs(struct qemu_spec *s, const struct plan_needs *n)
{
	s->mem_mb = n->mem_mb;
	s->cpus = n->cpus;
	memcpy(s->boot_huge, n->boot_huge, sizeof(s->boot_huge));
	s->n_boot_huge = n->n_boot_huge;
	s->numa_nodes = n->numa_nodes;
}

/* One instruction per 2^ICOUNT_SHIFT ns: 0 gives a 1 GHz guest. */
#define ICOUNT_SHIFT 0
#define ICOUNT_TSC_KHZ (1000000L >> ICOUNT_SHIFT)
#define STR_(x) #x
#define STR(x) STR_(x)

static int is_icount(const char *clock)
{
	return clock && !strcmp(clock, "icount");
}

const char *qemu_pick_clock(const char *want, const char *accel)
{
	if (!strcmp(want, "auto"))
		return strcmp(accel, "tcg") ? "wall" : "icount";
	if (!strcmp(want, "icount") && strcmp(accel, "tcg")) {
		error("--clock icount needs TCG, but the accelerator is '%s'; use --accel tcg or --clock wall",
		      accel);
		return NULL;
	}
	return want;
}

/* TSC words: under TCG a tinyconfig guest has nothing to calibrate the TSC
 * against, so it is told the rate (the host's, or icount's) and to trust it. */
static void push_tsc(struct strvec *w, const struct qemu_spec *s)
{
	static long host_khz = -1;
	long khz;

	if (!s->arch->tsc || strcmp(s->accel, "tcg"))
		return;
	if (is_icount(s->clock)) {
		khz = ICOUNT_TSC_KHZ;
	} else {
		if (host_khz < 0)
			host_khz = host_tsc_khz();
		khz = host_khz;
	}
	strvec_push(w, "tsc=reliable");
	if (khz > 0)
		strvec_pushf(w, "tsc_early_khz=%ld", khz);
}

char *qemu_cmdline(const struct qemu_spec *s)
{
	struct strvec w = STRVEC_INIT;
	char *line;
	size_t len = 1;

	strvec_pushf(&w, "console=%s", s->arch->console);
	strvec_pushl(&w, "panic=-1", "quiet", NULL);
	if (s->arch->results == RESULTS_VIRTIO)
		strvec_push(&w, "gupbench.results=/dev/hvc0");
	push_tsc(&w, s);
	if (!strcmp(s->accel, "tcg") && s->arch->tcg_cmdline)
		strvec_push(&w, s->arch->tcg_cmdline);
	if (is_icount(s->clock) && s->arch->icount_cmdline)
		strvec_push(&w, s->arch->icount_cmdline);
	for (int i = 0; i < s->n_boot_huge; i++) {
		long kb = s->boot_huge[i].kb;

		if (kb % 1048576 == 0)
			strvec_pushf(&w, "hugepagesz=%ldG", kb / 1048576);
		else if (kb % 1024 == 0)
			strvec_pushf(&w, "hugepagesz=%ldM", kb / 1024);
		else
			strvec_pushf(&w, "hugepagesz=%ldK", kb);
		strvec_pushf(&w, "hugepages=%ld", s->boot_huge[i].pages);
	}
	if (s->numa_nodes > 1 && s->arch->numa == NUMA_FAKE)
		strvec_pushf(&w, "numa=fake=%d", s->numa_nodes);
	for (const char *const *a = s->append; a && *a; a++)
		strvec_push(&w, *a);
	for (size_t i = 0; i < w.nr; i++)
		len += strlen(w.v[i]) + 1;
	line = xcalloc(1, len);
	for (size_t i = 0; i < w.nr; i++) {
		if (i)
			strcat(line, " ");
		strcat(line, w.v[i]);
	}
	strvec_clear(&w);
	return line;
}

/* The results channel: a second serial port, or a virtio console. */
static void push_results_channel(struct strvec *v, const struct qemu_spec *s)
{
	if (s->arch->results == RESULTS_VIRTIO) {
		strvec_pushl(v, "-device", "virtio-serial-device", "-chardev", NULL);
		strvec_pushf(v, "file,id=results,path=%s", s->results_path);
		strvec_pushl(v, "-device", "virtconsole,chardev=results", NULL);
	} else {
		strvec_push(v, "-serial");
		strvec_pushf(v, "file:%s", s->results_path);
	}
}

/* NUMA_QEMU: the RAM in numa_nodes equal backends (the last takes what
 * does not divide), one node each; the vCPUs all on node 0, as numa=fake
 * leaves them. */
static void push_numa_nodes(struct strvec *v, const struct qemu_spec *s)
{
	long share;

	if (s->numa_nodes <= 1 || s->arch->numa != NUMA_QEMU)
		return;
	share = s->mem_mb / s->numa_nodes;
	for (int i = 0; i < s->numa_nodes; i++) {
		strvec_push(v, "-object");
		strvec_pushf(v, "memory-backend-ram,id=node%d,size=%ldM", i,
			     i < s->numa_nodes - 1 ? share : s->mem_mb - share * (s->numa_nodes - 1));
		strvec_push(v, "-numa");
		if (i == 0)
			strvec_pushf(v, "node,nodeid=0,cpus=0-%d,memdev=node0", s->cpus - 1);
		else
			strvec_pushf(v, "node,nodeid=%d,memdev=node%d", i, i);
	}
}

char **qemu_argv(const struct qemu_spec *s)
{
	struct strvec v = STRVEC_INIT;
	const struct arch_info *a = s->arch;
	int tcg = !strcmp(s->accel, "tcg");
	const char *cpu = tcg ? a->cpu_tcg : a->cpu_kvm;
	char *cmdline;

	strvec_push(&v, s->binary);
	if (a->qemu_machine)
		strvec_pushl(&v, "-machine", a->qemu_machine, NULL);
	strvec_push(&v, "-accel");
	if (tcg && is_icount(s->clock))
		strvec_pushf(&v, "tcg,thread=single%s%s", a->accel_tcg_opts ? "," : "",
			     a->accel_tcg_opts ? a->accel_tcg_opts : "");
	else if (tcg && a->accel_tcg_opts)
		strvec_pushf(&v, "tcg,%s", a->accel_tcg_opts);
	else
		strvec_push(&v, s->accel);
	if (tcg && is_icount(s->clock))
		strvec_pushl(&v, "-icount", "shift=" STR(ICOUNT_SHIFT) ",sleep=off,align=off", NULL);
	if (cpu)
		strvec_pushl(&v, "-cpu", cpu, NULL);
	strvec_push(&v, "-m");
	strvec_pushf(&v, "%ldM", s->mem_mb);
	/* One socket per vCPU: SeaBIOS's MP table (the x86 guest's only CPU
	 * list: no ACPI) names the first CPU of each package, so QEMU's default
	 * of N cores in one socket showed the guest a single CPU. */
	strvec_push(&v, "-smp");
	strvec_pushf(&v, "%d,sockets=%d,cores=1,threads=1", s->cpus, s->cpus);
	push_numa_nodes(&v, s);
	strvec_pushl(&v, "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-serial", NULL);
	strvec_pushf(&v, "file:%s", s->console_path);
	push_results_channel(&v, s);
	if (s->qmp_path) {
		char *q = qmp_arg(s->qmp_path);

		strvec_pushl(&v, "-qmp", q, NULL);
		free(q);
	}
	cmdline = qemu_cmdline(s);
	strvec_pushl(&v, "-kernel", s->kernel, "-initrd", s->initrd, "-append", cmdline, NULL);
	free(cmdline);
	for (const char *const *x = s->qemu_args; x && *x; x++)
		strvec_push(&v, *x);
	return strvec_detach(&v);
}

void qemu_argv_free(char **argv)
{
	strvec_free_argv(argv);
}

int qemu_cmd_cpus(const char *cmd)
{
	const char *p = cmd ? strstr(cmd, " -smp ") : NULL;

	return p ? atoi(p + 6) : 0;
}

/* Did the results file receive the bench's env record (its first line)? */
static int env_arrived(const char *path)
{
	size_t len = 0;
	char *s = read_file(path, &len);
	const char *nl = s ? memchr(s, '\n', len) : NULL;
	json_t *rec = nl ? stream_record_parse(s, (size_t)(nl - s), NULL) : NULL;
	const char *type = stream_record_type(rec);
	int ok = type && !strcmp(type, "env");

	json_decref(rec);
	free(s);
	return ok;
}

static enum kvm_verdict kvm_probe(const struct qemu_spec *probe, double timeout)
{
	struct qemu_spec s = *probe;
	enum kvm_verdict v = KVM_KERNEL_STALLED;
	char **argv, *con;
	pid_t pid;
	double t0 = now_monotonic();

	s.accel = "kvm";
	unlink(s.results_path);
	unlink(s.console_path);
	argv = qemu_argv(&s);
	pid = spawn_start(argv, &(struct spawn_opts){ .stdout_path = "/dev/null", .merge_stderr = 1 });
	qemu_argv_free(argv);
	if (pid < 0)
		return KVM_NO_KERNEL;
	while (now_monotonic() - t0 < timeout && !spawn_interrupted()) {
		if (env_arrived(s.results_path)) {
			v = KVM_RUNS;
			break;
		}
		usleep(100000);
	}
	spawn_kill(pid);
	con = v == KVM_RUNS ? NULL : read_file(s.console_path, NULL);
	if (v != KVM_RUNS && !(con && strstr(con, "Linux version ")))
		v = KVM_NO_KERNEL;
	free(con);
	return v;
}

/*
 * A probe's verdict holds until the host reboots (the hypervisor behind
 * /dev/kvm cannot change before then), so it is remembered under the cache.
 * Whether KVM starts a kernel at all is the host's and the QEMU binary's
 * affair: a probe in which no kernel started is remembered for every guest
 * image of the arch. Whether a kernel that started reaches the bench is
 * also the image's: that is remembered per image. Returns the memo's path;
 * image NULL: the host-wide one.
 */
static char *probe_memo_path(const struct qemu_spec *probe, const char *image)
{
	char *boot = read_file("/proc/sys/kernel/random/boot_id", NULL);
	char *id, hex[65];

	if (!boot)
		return NULL;
	id = xasprintf("%s|%s|%s|%s", boot, probe->binary, probe->arch->name, image ? image : "any image");
	sha256_hex(id, strlen(id), hex);
	free(id);
	free(boot);
	return xasprintf("%s/accel/%.16s", cache_root(), hex);
}

/* The memo at path: 1 kvm, 0 tcg, -1 none. */
static int memo_read(const char *path)
{
	char *memo = path ? read_file(path, NULL) : NULL;
	int v = memo ? !strncmp(memo, "kvm", 3) : -1;

	free(memo);
	return v;
}

static void memo_write(const char *path, int kvm)
{
	char *dir = xasprintf("%s/accel", cache_root());

	if (path && mkdir_p(dir, 0755) == 0)
		write_file_atomic(path, kvm ? "kvm\n" : "tcg\n", 4);
	free(dir);
}

int qemu_kvm_memo(const struct qemu_spec *probe, double timeout, kvm_probe_fn probe_fn)
{
	char *host = probe_memo_path(probe, NULL), *image = probe_memo_path(probe, probe->kernel);
	int ok = memo_read(host) == 0 ? 0 : memo_read(image);

	if (ok < 0) {
		enum kvm_verdict v = probe_fn(probe, timeout);

		ok = v == KVM_RUNS;
		if (!spawn_interrupted()) {
			memo_write(image, ok);
			if (v == KVM_NO_KERNEL)
				memo_write(host, 0);
		}
	}
	free(host);
	free(image);
	return ok;
}

const char *qemu_pick_accel(const char *want, const struct qemu_spec *probe, double timeout)
{
	int fd;

	if (!strcmp(want, "tcg"))
		return "tcg";
	/* KVM runs only guests of the host's own arch */
	if (probe->arch != arch_host()) {
		if (!strcmp(want, "kvm")) {
			error("--accel kvm: %s guests cannot use KVM on this %s host; use --accel tcg or auto",
			      probe->arch->name, arch_host() ? arch_host()->name : "unknown");
			return NULL;
		}
		note("accel: %s guest on a foreign host, using tcg", probe->arch->name);
		return "tcg";
	}
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	if (!strcmp(want, "kvm")) {
		if (fd < 0) {
			error("--accel kvm: cannot open '/dev/kvm'; use --accel tcg or auto");
			return NULL;
		}
		return "kvm";
	}
	if (fd < 0) {
		note("accel: no usable /dev/kvm, using tcg");
		return "tcg";
	}
	/* A stand-in QEMU (fault-injection tests) is probed every time. */
	if (getenv("GUPBENCH_QEMU") ? kvm_probe(probe, timeout) == KVM_RUNS : qemu_kvm_memo(probe, timeout, kvm_probe)) {
		note("accel: kvm runs the guest, using kvm");
		return "kvm";
	}
	note("accel: /dev/kvm did not boot the guest within %.0f s on this host boot, using tcg (remembered until"
	     " the host reboots: remove '%s/accel' to probe again)", timeout, cache_root());
	return "tcg";
}
