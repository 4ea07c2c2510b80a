/*
 * test_initramfs: write a guest image and read it back with an independent
 * newc reader written here from the format's definition: magic, 13 hex
 * fields, name and data each padded to four bytes, the trailer last.
 */
#include "harness/guest/initramfs.h"
#include "tap.h"
#include "lib/util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct member {
	char name[256];
	unsigned mode, rmaj, rmin, nlink;
	size_t len;
	const char *data;
};

static unsigned long hex8(const char *p)
{
	char b[9];

	memcpy(b, p, 8);
	b[8] = '\0';
	return strtoul(b, NULL, 16);
}

/* Returns the member count, or -1 on a malformed archive. */
static int read_back(const char *buf, size_t len, struct member *m, int max)
{
	size_t off = 0;
	int n = 0;

	while (off + 110 <= len && n < max) {
		const char *h = buf + off;
		size_t namesize, filesize;

		if (memcmp(h, "070701", 6))
			return -1;
		m[n].mode = (unsigned)hex8(h + 14);
		m[n].nlink = (unsigned)hex8(h + 38);
		filesize = hex8(h + 54);
		m[n].rmaj = (unsigned)hex8(h + 78);
		m[n].rmin = (unsigned)hex8(h + 86);
		namesize = hex8(h + 94);
		if (namesize > sizeof(m[n].name) || off + 110 + namesize > len || h[110 + namesize - 1])
			return -1;
		memcpy(m[n].name, h + 110, namesize);
		off = (off + 110 + namesize + 3) & ~(size_t)3;
		m[n].data = buf + off;
		m[n].len = filesize;
		off = (off + filesize + 3) & ~(size_t)3;
		if (off > len)
			return -1;
		if (!strcmp(m[n].name, "TRAILER!!!"))
			return off == len ? n + 1 : -1;
		n++;
	}
	return -1;
}

int main(void)
{
	char dir[] = "/tmp/test_initramfs.XXXXXX", err[512];
	struct member m[8];
	const char *plan = "{\"format\":\"gupbench-plan-1\",\"cases\":[]}";
	char *bench, *img, *gt, *buf;
	size_t len;
	int n;

	tap_plan(17);
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return tap_done();
	}
	bench = xasprintf("%s/bench", dir);
	gt = xasprintf("%s/gup_test", dir);
	img = xasprintf("%s/initramfs.cpio", dir);
	write_file_atomic(bench, "\177ELF-bench-bytes", 16);   /* 16: no padding needed */
	write_file_atomic(gt, "selftest!", 9);                /* 9: padded to 12 */

	ok(!initramfs_for_plan(img, bench, plan, gt, err, sizeof(err)), "image written: %s", err);
	buf = read_file(img, &len);
	ok(buf && len % 4 == 0, "archive length is a multiple of 4 (%zu)", len);
	n = buf ? read_back(buf, len, m, 8) : -1;
	is_int(n, 6, "dev, dev/console, init, plan.json, gup_test, trailer");
	if (n == 6) {
		is_str(m[0].name, "dev", "dev first");
		ok(S_ISDIR(m[0].mode) && (m[0].mode & 07777) == 0755 && m[0].nlink == 2, "dev is a 0755 directory");
		is_str(m[1].name, "dev/console", "console node");
		ok(S_ISCHR(m[1].mode) && m[1].rmaj == 5 && m[1].rmin == 1 && m[1].len == 0, "console is char 5:1");
		is_str(m[2].name, "init", "init");
		ok(S_ISREG(m[2].mode) && (m[2].mode & 0777) == 0755, "init is executable");
		ok(m[2].len == 16 && !memcmp(m[2].data, "\177ELF-bench-bytes", 16), "init holds the bench");
		is_str(m[3].name, "plan.json", "plan");
		ok(m[3].len == strlen(plan) && !memcmp(m[3].data, plan, m[3].len), "plan content round-trips");
		ok(m[4].len == 9 && !memcmp(m[4].data, "selftest!", 9), "gup_test content, padded");
		is_str(m[5].name, "TRAILER!!!", "trailer last");
	}
	free(buf);

	ok(!initramfs_for_plan(img, bench, plan, NULL, err, sizeof(err)), "image without gup_test");
	buf = read_file(img, &len);
	is_int(buf ? read_back(buf, len, m, 8) : -1, 5, "no gup_test member");
	free(buf);

	unlink(bench);
	ok(initramfs_for_plan(img, bench, plan, NULL, err, sizeof(err)) == -1 && strstr(err, bench),
	   "a missing bench is an error naming it");

	unlink(gt);
	unlink(img);
	rmdir(dir);
	free(bench);
	free(gt);
	free(img);
	return tap_done();
}
