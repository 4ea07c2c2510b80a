/*
 * tbprof: a per-function instruction profile of one guest window, read from
 * QEMU's `-d in_asm,exec,nochain` log (each translated block's instructions,
 * then one "Trace" line per block executed) and symbolised with the build's
 * System.map. The window is every block executed beneath one function (the
 * root, e.g. gup_test_ioctl): a shadow call stack, pushed by blocks ending
 * in a call and popped when a block starts at a frame's return address,
 * gives inclusive counts.
 * x86_64 only (the call/ret mnemonics are x86's).
 */
#ifndef GUPBENCH_TBPROF_H
#define GUPBENCH_TBPROF_H

struct tbprof_fn {
	char *name;
	unsigned long long self;      /* instructions in the function's own blocks */
	unsigned long long incl;      /* self plus everything beneath it */
	unsigned long long calls;     /* times entered by a call */
};

struct tbprof {
	struct tbprof_fn *fn;         /* sorted by name */
	int n;
	unsigned long long total;     /* instructions in the window(s) */
	unsigned long long windows;   /* times the root was entered */
};

/* Profile LOG with MAP beneath ROOT; 0, or -1 after one error line. */
int tbprof_read(const char *log, const char *map, const char *root, struct tbprof *out);
/* The entry for name, or NULL. */
const struct tbprof_fn *tbprof_find(const struct tbprof *p, const char *name);
void tbprof_free(struct tbprof *p);

#endif
