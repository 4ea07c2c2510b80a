/*
 * test_console: the kernel console classifier (harness/guest/console.c): each
 * kind of report is found in the lines real kernels print, once per kind
 * with its first line and count; a specific marker outranks a general one
 * ("watchdog: BUG: soft lockup" is a soft lockup, not a BUG); a call trace
 * inside a report is part of it while one alone is its own finding; a
 * clean console finds nothing; excerpts are capped. Also: every kind the
 * table yields is an event kind the database accepts (results/events.c).
 */
#include "harness/guest/console.h"
#include "results/events.h"
#include "tap.h"
#include "lib/util.h"

#include <stdlib.h>

/* The kind console_scan finds for one line, or "" for none. */
static const char *kind_of(const char *line, enum console_severity *sev)
{
	static struct console_scan s;

	console_scan(line, &s);
	if (sev)
		*sev = s.n ? s.f[0].severity : (enum console_severity)-1;
	return s.n == 1 ? s.f[0].kind : s.n ? "(several)" : "";
}

static const struct {
	const char *line, *kind;
	enum console_severity sev;
} lines[] = {
	{ "[    3.1] Kernel panic - not syncing: Fatal exception", "panic", CONSOLE_FATAL },
	{ "[    3.1] Oops: 0002 [#1] SMP NOPTI", "oops", CONSOLE_FAULT },
	{ "[    3.1] kernel BUG at mm/gup.c:123!", "oops", CONSOLE_FAULT },
	{ "[    3.1] BUG: kernel NULL pointer dereference, address: 0000000000000008", "oops", CONSOLE_FAULT },
	{ "[    3.1] BUG: unable to handle page fault for address: ffff888000000000", "oops", CONSOLE_FAULT },
	{ "[    3.1] Unable to handle kernel paging request at virtual address dead000000000100", "oops", CONSOLE_FAULT },
	{ "[    3.1] Oops: general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1]",
	  "gpf", CONSOLE_FAULT },
	{ "[    3.1] general protection fault: 0000 [#1] SMP", "gpf", CONSOLE_FAULT },
	{ "[   26.1] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [gupbench:1]", "soft_lockup", CONSOLE_SUSPECT },
	{ "[   26.1] watchdog: Watchdog detected hard LOCKUP on cpu 1", "hard_lockup", CONSOLE_SUSPECT },
	{ "[   26.1] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:", "rcu_stall", CONSOLE_SUSPECT },
	{ "[   26.1] rcu: INFO: rcu_sched self-detected stall on CPU", "rcu_stall", CONSOLE_SUSPECT },
	{ "[   26.1] rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: { 0-... } 21002 jiffies s: 9",
	  "rcu_stall", CONSOLE_SUSPECT },
	{ "[   26.1] rcu: rcu_preempt kthread starved for 21002 jiffies! g537 f0x0", "rcu_stall", CONSOLE_SUSPECT },
	{ "[  243.1] INFO: task gupbench:1 blocked for more than 120 seconds.", "hung_task", CONSOLE_SUSPECT },
	{ "[    3.1] BUG: KASAN: slab-out-of-bounds in gup_test_ioctl+0x42/0x300", "sanitizer", CONSOLE_SUSPECT },
	{ "[    3.1] UBSAN: shift-out-of-bounds in mm/gup.c:77:12", "sanitizer", CONSOLE_SUSPECT },
	{ "[    3.1] BUG: sleeping function called from invalid context at mm/gup.c:1200", "bug", CONSOLE_SUSPECT },
	{ "[    3.1] BUG: scheduling while atomic: gupbench/1/0x00000002", "bug", CONSOLE_SUSPECT },
	{ "[    3.1] BUG: Bad page state in process gupbench  pfn:1a2b3", "bug", CONSOLE_SUSPECT },
	{ "[    3.1] WARNING: CPU: 0 PID: 1 at mm/gup.c:2412 gup_fast_fallback+0x1c4/0x1e0", "warning", CONSOLE_SUSPECT },
	{ "[    3.1] Call Trace:", "call_trace", CONSOLE_SUSPECT },
	{ "[    0.9] Run /init as init process", "", (enum console_severity)-1 },
	{ "[    0.1] Warning: unable to open an initial console.", "", (enum console_severity)-1 },
	{ "[    0.3] WARNING: workqueue cpumask: online intersect > possible intersect", "", (enum console_severity)-1 },
};
#define NLINES (sizeof(lines) / sizeof(lines[0]))

static void test_report_shapes(void)
{
	const char *warn_then_stall =
		"[    1.0] Run /init as init process\n"
		"[    3.2] ------------[ cut here ]------------\n"
		"[    3.2] WARNING: CPU: 0 PID: 1 at mm/gup.c:2412 gup_fast_fallback+0x1c4/0x1e0\n"
		"[    3.2] RIP: 0010:gup_fast_fallback+0x1c4/0x1e0\n"
		"[    3.2] Call Trace:\n"
		"[    3.2]  pin_user_pages_fast+0x2e/0x40\n"
		"[    4.0] WARNING: CPU: 0 PID: 1 at mm/gup.c:2412 gup_fast_fallback+0x1c4/0x1e0\n"
		"[   25.3] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n"
		"[   25.3] Call Trace:\n";
	struct console_scan s;

	console_scan(warn_then_stall, &s);
	is_int(s.n, 2, "a warning (twice) and an RCU stall: two kinds; the traces belong to their reports");
	is_str(s.n ? s.f[0].kind : NULL, "warning", "first the warning");
	is_int(s.n ? s.f[0].lines : 0, 2, "the warning's two lines counted");
	ok(s.n && !strncmp(s.f[0].at, "[    3.2] WARNING", 17), "found at its first line");
	is_str(s.n > 1 ? s.f[1].kind : NULL, "rcu_stall", "then the stall");
	ok(s.worst == CONSOLE_SUSPECT && !s.fatal, "neither is a fault: the boot is suspect, not failed");

	const char *panic =
		"[    0.9] Run /init as init process\n"
		"[    1.2] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
		"[    1.2] Oops: 0002 [#1] SMP\n"
		"[    1.2] Call Trace:\n"
		"[    1.3] Kernel panic - not syncing: Fatal exception\n"
		"[    1.3] ---[ end Kernel panic ]---\n";

	console_scan(panic, &s);
	ok(s.fatal && !strcmp(s.fatal->kind, "panic") && s.worst == CONSOLE_FATAL, "a panic is fatal");
	ok(s.fatal && !strncmp(s.fatal->at, "[    1.3] Kernel panic", 22), "its position is the start of its line");
	is_int(s.n, 2, "the oops before it is found too (one kind for its two marker lines), its trace is not");
	char *ex = console_excerpt(panic, s.fatal ? s.fatal->at : NULL);

	ok(strstr(ex, "Oops: 0002") && strstr(ex, "end Kernel panic"), "excerpt has lines before and after");
	free(ex);

	/* a trace far from any marker is its own finding */
	char *far = xstrdup("[ 1.0] WARNING: CPU: 0 PID: 1 at x\n");

	for (int i = 0; i < 200; i++) {
		char *n = xasprintf("%s[ 2.0] line %d\n", far, i);

		free(far);
		far = n;
	}
	char *with_trace = xasprintf("%s[ 9.0] Call Trace:\n", far);

	console_scan(with_trace, &s);
	ok(s.n == 2 && !strcmp(s.f[1].kind, "call_trace"), "a call trace 200 lines after the last report is its own");
	free(far);
	free(with_trace);

	char big[20000];

	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = i % 50 == 49 ? '\n' : 'x';
	big[sizeof(big) - 1] = '\0';
	console_scan(big, &s);
	is_int(s.n, 0, "a console of plain lines: nothing found");
	ex = console_excerpt(big, NULL);
	ok(strlen(ex) <= 6000 && strlen(ex) > 100, "tail excerpt is capped (%zu bytes)", strlen(ex));
	free(ex);
}

int main(void)
{
	enum console_severity sev;
	size_t bad = 0, rows = 0;

	tap_plan((int)NLINES + 14);
	for (size_t i = 0; i < NLINES; i++) {
		const char *k = kind_of(lines[i].line, &sev);

		ok(!strcmp(k, lines[i].kind) && (!*k || sev == lines[i].sev), "'%s': %s", lines[i].line,
		   *lines[i].kind ? lines[i].kind : "nothing");
	}
	test_report_shapes();
	for (const char *k; (k = console_marker_kind(rows, NULL)); rows++)
		if (*k && (!event_kind_find(k) || !event_kind_find(k)->console)) {
			printf("# console kind '%s' is not a console event kind in results/events.c\n", k);
			bad++;
		}
	ok(rows > 10 && !bad, "all %zu marker rows yield console event kinds the database stores", rows);
	return tap_done();
}
