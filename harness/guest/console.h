/*
 * console: reading a guest's kernel console: which kinds of trouble it
 * shows (the marker table in console.c: panics, oopses, general protection
 * faults, BUGs, sanitizer reports, warnings, RCU stalls, soft and hard
 * lockups, hung tasks, call traces no known marker explains), where each
 * first appears, and the excerpt of lines around a position (or the tail)
 * that an event stores.
 */
#ifndef GUPBENCH_CONSOLE_H
#define GUPBENCH_CONSOLE_H

#include <stddef.h>

/* Least to most serious. SUSPECT: the kernel complained and went on (the
 * boot's samples are stored, flagged suspect by compare); FAULT: an oops
 * (the run exits 6); FATAL: a panic (the boot's status is panic). */
enum console_severity { CONSOLE_SUSPECT, CONSOLE_FAULT, CONSOLE_FATAL };

/* One kind of trouble: its first line and how many lines showed it. */
struct console_finding {
	const char *kind;        /* an events.kind: "panic", "warning", "rcu_stall", ... */
	enum console_severity severity;
	const char *at;          /* start of the first line with its marker */
	size_t lines;
};

#define CONSOLE_MAX_KINDS 16

struct console_scan {
	struct console_finding f[CONSOLE_MAX_KINDS];   /* in order of first appearance */
	size_t n;                /* 0: a clean console */
	enum console_severity worst;                   /* meaningful when n > 0 */
	const struct console_finding *fatal;           /* the panic, or NULL */
};

/* Every kind of trouble in console, once per kind. A "Call Trace:" within
 * a report another marker opened is part of that report, not a finding. */
void console_scan(const char *console, struct console_scan *out);

/* Row i of the marker table: its kind ("" for a row that marks a line as
 * harmless, NULL past the end) and severity. */
const char *console_marker_kind(size_t i, enum console_severity *severity);

/* Lines around pos in text (a few before, many after), capped; malloc'd.
 * pos NULL means the tail of text. */
char *console_excerpt(const char *text, const char *pos);

/* The line starting at pos, without its newline, cut at 200 bytes; malloc'd. */
char *console_line(const char *pos);

#endif
