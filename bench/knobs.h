/*
 * knobs: every system setting the bench writes (THP policy, hugetlb pool
 * sizes) goes through here. The first write of a knob saves its old value;
 * knobs_restore() puts them all back (newest first), as the mm selftests do,
 * so a run on a real machine leaves it as it was. The list also feeds the
 * env record's "set" object: what was written is part of the provenance.
 */
#ifndef GUPBENCH_KNOBS_H
#define GUPBENCH_KNOBS_H

#include <stddef.h>

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"
#define THP_DEFRAG "/sys/kernel/mm/transparent_hugepage/defrag"

/* Write value to path (saving the old value first). 0, or -1 with reason. */
int knob_write(const char *path, const char *value, char *reason, size_t len);
/* Restore every saved knob; safe to call twice and from a signal handler. */
void knobs_restore(void);
/*
 * A workload's own knobs: knobs_mark() before writing them, knobs_restore_to()
 * puts back (newest first) and forgets every knob first written after the
 * mark, so that a case restores what it set even in a forked plan child.
 */
size_t knobs_mark(void);
void knobs_restore_to(size_t mark);
/* Restore at exit and on SIGINT/SIGTERM/SIGHUP/SIGPIPE. */
void knobs_restore_on_exit(void);

/* The knobs written so far, in order. */
size_t knobs_count(void);
const char *knob_path(size_t i);
const char *knob_value(size_t i);

/*
 * A sysfs choice file's current value: "always [madvise] never" -> "madvise";
 * a plain file's trimmed content otherwise. NULL if unreadable. Caller frees.
 */
char *knob_read(const char *path);

#endif
