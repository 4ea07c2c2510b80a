/*
 * test_tbprof: the block-log profiler on a small hand-written QEMU log
 * (in_asm blocks, then exec Trace lines) and System.map: self, inclusive
 * and call counts beneath the root, nothing counted outside it, and a
 * return recognised by its return address; a block QEMU stopped before it
 * ran is not counted, and one rewound at an I/O instruction counts only
 * the instructions before it.
 */
#include "tap.h"
#include "harness/guest/tbprof.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char map[] =
	"ffffffff81000000 T caller\n"
	"ffffffff81000100 t root\n"
	"ffffffff81000200 T leaf\n"
	"ffffffff81000300 T other\n";

/* Both logs open alike: caller calls root, root calls leaf once. */
#define WINDOW_OPENING \
	"IN: \n0xffffffff81000000:  90                       nop\n" \
	"0xffffffff81000001:  e8 fa 00 00 00           callq    0xffffffff81000100\n\n" \
	"Trace 0: 0x1000 [0000000000000000/ffffffff81000000/0040c2b0/ff020200] \n" \
	"IN: \n0xffffffff81000100:  90                       nop\n" \
	"0xffffffff81000101:  e8 fa 00 00 00           callq    0xffffffff81000200\n\n" \
	"Trace 0: 0x2000 [0000000000000000/ffffffff81000100/0040c2b0/ff020200] \n" \
	"IN: \n0xffffffff81000200:  90                       nop\n" \
	"0xffffffff81000201:  90                       nop\n" \
	"0xffffffff81000202:  c3                       retq     \n\n" \
	"Trace 0: 0x3000 [0000000000000000/ffffffff81000200/0040c2b0/ff020200] \n"

/* caller calls root; root runs 2 insns then calls leaf (3 insns) twice,
 * then returns; other runs outside the window. */
static const char logtext[] =
	WINDOW_OPENING
	"IN: \n0xffffffff81000106:  e8 f5 00 00 00           callq    0xffffffff81000200\n\n"
	"Trace 0: 0x4000 [0000000000000000/ffffffff81000106/0040c2b0/ff020200] \n"
	"Trace 0: 0x3000 [0000000000000000/ffffffff81000200/0040c2b0/ff020200] \n"
	"IN: \n0xffffffff8100010b:  c3                       retq     \n\n"
	"Trace 0: 0x5000 [0000000000000000/ffffffff8100010b/0040c2b0/ff020200] \n"
	"IN: \n0xffffffff81000006:  e8 f5 02 00 00           callq    0xffffffff81000300\n\n"
	"Trace 0: 0x6000 [0000000000000000/ffffffff81000006/0040c2b0/ff020200] \n"
	"IN: \n0xffffffff81000300:  90                       nop\n\n"
	"Trace 0: 0x7000 [0000000000000000/ffffffff81000300/0040c2b0/ff020200] \n";

/* The same window with QEMU's corrections: leaf's first entry is logged,
 * stopped before it ran and logged again; its second entry is rewound at
 * its second instruction (the I/O one then runs as a block of its own). */
static const char fixtext[] =
	WINDOW_OPENING
	"Stopped execution of TB chain before 0x3000 [ffffffff81000200] \n"
	"Trace 0: 0x3000 [0000000000000000/ffffffff81000200/0040c2b0/ff020200] \n"
	"IN: \n0xffffffff81000106:  e8 f5 00 00 00           callq    0xffffffff81000200\n\n"
	"Trace 0: 0x4000 [0000000000000000/ffffffff81000106/0040c2b0/ff020200] \n"
	"Trace 0: 0x3000 [0000000000000000/ffffffff81000200/0040c2b0/ff020200] \n"
	"cpu_io_recompile: rewound execution of TB to ffffffff81000201\n"
	"IN: \n0xffffffff81000201:  90                       nop\n\n"
	"Trace 0: 0x3100 [0000000000000000/ffffffff81000201/0040c2b0/ff038201] \n"
	"IN: \n0xffffffff81000202:  c3                       retq     \n\n"
	"Trace 0: 0x3200 [0000000000000000/ffffffff81000202/0040c2b0/ff020200] \n"
	"IN: \n0xffffffff8100010b:  c3                       retq     \n\n"
	"Trace 0: 0x5000 [0000000000000000/ffffffff8100010b/0040c2b0/ff020200] \n";

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/test_tbprof.XXXXXX";
	struct tbprof p;
	const struct tbprof_fn *r, *l;

	tap_plan(10);
	if (!mkdtemp(dir))
		return 1;
	char *m = xasprintf("%s/System.map", dir), *lg = xasprintf("%s/q.log", dir);

	put(m, map);
	put(lg, logtext);
	tap_ok(tbprof_read(lg, m, "root", &p) == 0, "the log and map read");
	r = tbprof_find(&p, "root");
	l = tbprof_find(&p, "leaf");
	tap_ok(p.total == 10 && p.windows == 1, "the window holds 10 instructions in 1 entry (%llu, %llu)", p.total, p.windows);
	tap_ok(r && r->self == 4 && r->incl == 10 && r->calls == 1, "root: self 4, inclusive 10, 1 call");
	tap_ok(l && l->self == 6 && l->incl == 6 && l->calls == 2, "leaf: self 6, inclusive 6, 2 calls");
	tap_ok(!tbprof_find(&p, "caller") && !tbprof_find(&p, "other"), "nothing outside the window is counted");
	tbprof_free(&p);
	put(lg, fixtext);
	r = tbprof_read(lg, m, "root", &p) == 0 ? &p.fn[0] : NULL;
	tap_ok(r && p.total == 10, "a stopped block counts once, a rewound one in part (%llu)", p.total);
	l = tbprof_find(&p, "leaf");
	tap_ok(l && l->self == 6 && l->calls == 2, "leaf: self 6 and 2 calls, as without the corrections");
	tbprof_free(&p);
	put(lg, logtext);
	tap_ok(tbprof_read(lg, m, "nosuch", &p) == -1, "an unknown root is an error");
	tap_ok(tbprof_read(lg, "/nonexistent/System.map", "root", &p) == -1, "a missing System.map is an error");
	tap_ok(tbprof_read("/nonexistent/q.log", m, "root", &p) == -1, "a missing log is an error");
	remove_tree(dir);
	free(m);
	free(lg);
	return tap_done();
}
