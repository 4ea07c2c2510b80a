/*
 * console: reading a guest's kernel console: which fault it shows (the
 * marker table: panic, oops, BUG) and where, and the excerpt of lines
 * around a position (or the tail) that an event stores.
 */
#ifndef GUPBENCH_CONSOLE_H
#define GUPBENCH_CONSOLE_H

/* The first line matching a fault marker ("Kernel panic", "Oops", "BUG:"),
 * a panic outranking an oops; NULL if none. kind receives "panic" or "oops". */
const char *console_fault(const char *console, const char **kind);

/* Lines around pos in text (a few before, many after), capped; malloc'd.
 * pos NULL means the tail of text. */
char *console_excerpt(const char *text, const char *pos);

#endif
