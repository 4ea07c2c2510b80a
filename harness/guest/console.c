/*
 * console: what a guest's kernel console says went wrong (see console.h).
 * One table, console_markers[]: a marker string, the event kind it is
 * stored as, and how serious it is. Each console line is matched against
 * the rows in order and takes the first that fits, so the specific rows
 * ("watchdog: BUG: soft lockup") stand before the general ones ("BUG: "),
 * and a row with no kind marks a line that looks like trouble but is not
 * (a plain pr_warn worded "WARNING:", seen on real boots here).
 * The list follows the kinds of report rcutorture's console scan looks for
 * (warnings, BUGs, oopses, RCU stalls, call traces), written for the
 * messages of the kernels this project boots.
 */
#include "harness/guest/console.h"
#include "lib/util.h"

#include <string.h>

static const struct {
	const char *marker, *kind;
	enum console_severity severity;
} console_markers[] = {
	/* 6.1 with numa=fake: the unbound workqueue mask, not a WARN() splat */
	{ "WARNING: workqueue cpumask:",            NULL,          CONSOLE_SUSPECT },
	{ "Kernel panic - not syncing",             "panic",       CONSOLE_FATAL },
	{ "general protection fault",               "gpf",         CONSOLE_FAULT },
	{ "Oops:",                                  "oops",        CONSOLE_FAULT },
	{ "kernel BUG at",                          "oops",        CONSOLE_FAULT },
	{ "BUG: kernel NULL pointer dereference",   "oops",        CONSOLE_FAULT },
	{ "BUG: unable to handle",                  "oops",        CONSOLE_FAULT },
	{ "Unable to handle kernel",                "oops",        CONSOLE_FAULT },   /* arm64 */
	{ "BUG: soft lockup",                       "soft_lockup", CONSOLE_SUSPECT }, /* "watchdog: BUG: ..." */
	{ "detected hard LOCKUP",                   "hard_lockup", CONSOLE_SUSPECT },
	{ "stalls on CPUs/tasks",                   "rcu_stall",   CONSOLE_SUSPECT }, /* also "expedited stalls" */
	{ "self-detected stall on CPU",             "rcu_stall",   CONSOLE_SUSPECT },
	{ "kthread starved for",                    "rcu_stall",   CONSOLE_SUSPECT },
	{ "blocked for more than",                  "hung_task",   CONSOLE_SUSPECT }, /* "INFO: task x:1 blocked ..." */
	{ "BUG: KASAN:",                            "sanitizer",   CONSOLE_SUSPECT },
	{ "BUG: KCSAN:",                            "sanitizer",   CONSOLE_SUSPECT },
	{ "BUG: KFENCE:",                           "sanitizer",   CONSOLE_SUSPECT },
	{ "BUG: KMSAN:",                            "sanitizer",   CONSOLE_SUSPECT },
	{ "UBSAN:",                                 "sanitizer",   CONSOLE_SUSPECT },
	{ "BUG: ",                                  "bug",         CONSOLE_SUSPECT }, /* sleeping in atomic, bad page state, ... */
	{ "WARNING:",                               "warning",     CONSOLE_SUSPECT },
	{ "Call Trace:",                            "call_trace",  CONSOLE_SUSPECT },
};
#define NMARKERS (sizeof(console_markers) / sizeof(console_markers[0]))

/* A "Call Trace:" this many lines after a report's marker (or after an
 * earlier trace of the same report) belongs to it: a warning's trace
 * follows its line after the registers, a stall's traces one per CPU. */
#define TRACE_REACH 120

const char *console_marker_kind(size_t i, enum console_severity *severity)
{
	if (i >= NMARKERS)
		return NULL;
	if (severity)
		*severity = console_markers[i].severity;
	return console_markers[i].kind ? console_markers[i].kind : "";
}

/* The first row whose marker is in line [p, e), or -1. */
static int match_line(const char *p, const char *e)
{
	size_t len = (size_t)(e - p);

	for (size_t i = 0; i < NMARKERS; i++)
		if (memmem(p, len, console_markers[i].marker, strlen(console_markers[i].marker)))
			return (int)i;
	return -1;
}

static void note_finding(struct console_scan *s, size_t row, const char *line)
{
	const char *kind = console_markers[row].kind;
	size_t k;

	for (k = 0; k < s->n && strcmp(s->f[k].kind, kind); k++)
		;
	if (k == s->n) {
		if (s->n == CONSOLE_MAX_KINDS)
			return;
		s->f[s->n++] = (struct console_finding){ .kind = kind, .severity = console_markers[row].severity,
							 .at = line };
	}
	s->f[k].lines++;
	if (console_markers[row].severity > s->worst)
		s->worst = console_markers[row].severity;
	if (!s->fatal && console_markers[row].severity == CONSOLE_FATAL)
		s->fatal = &s->f[k];
}

void console_scan(const char *console, struct console_scan *s)
{
	long lineno = 0, last_report = -TRACE_REACH - 1;

	memset(s, 0, sizeof(*s));
	for (const char *p = console; *p; lineno++) {
		const char *e = strchr(p, '\n');
		int row;

		if (!e)
			e = p + strlen(p);
		row = match_line(p, e);
		if (row >= 0 && !console_markers[row].kind)
			row = -1;       /* harmless */
		if (row >= 0 && !strcmp(console_markers[row].kind, "call_trace") && lineno - last_report <= TRACE_REACH)
			last_report = lineno;   /* part of the report above it */
		else if (row >= 0) {
			note_finding(s, (size_t)row, p);
			last_report = lineno;
		}
		p = *e ? e + 1 : e;
	}
}

char *console_excerpt(const char *text, const char *pos)
{
	enum { BEFORE = 8, AFTER = 40, CAP = 6000 };
	const char *end = text + strlen(text), *a, *b;
	int lines;

	if (!pos) {
		/* the tail: the last AFTER lines */
		a = end;
		for (lines = 0; a > text && lines <= AFTER; a--)
			if (a[-1] == '\n')
				lines++;
		if (a > text)
			a++;
		b = end;
	} else {
		a = pos;
		for (lines = 0; a > text && lines <= BEFORE; a--)
			if (a[-1] == '\n')
				lines++;
		if (a > text)
			a++;
		b = pos;
		for (lines = 0; b < end && lines < AFTER; b++)
			if (*b == '\n')
				lines++;
	}
	if (b - a > CAP) {
		if (pos)
			b = a + CAP;
		else
			a = b - CAP;
	}
	char *s = xmalloc((size_t)(b - a) + 1);

	memcpy(s, a, (size_t)(b - a));
	s[b - a] = '\0';
	return s;
}

char *console_line(const char *pos)
{
	enum { MAX = 200 };
	size_t n = strcspn(pos, "\n");

	return xasprintf("%.*s%s", (int)(n > MAX ? MAX : n), pos, n > MAX ? "..." : "");
}
