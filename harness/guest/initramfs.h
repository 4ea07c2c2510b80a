/*
 * initramfs: the guest image, written as an uncompressed cpio "newc"
 * archive by our own code (no root, no cpio binary, no busybox). The
 * archive for a boot holds /init (the static bench), /plan.json, optionally
 * /gup_test, and the /dev/console node the kernel opens before devtmpfs is
 * mounted (bench/PROTOCOL.md).
 */
#ifndef GUPBENCH_INITRAMFS_H
#define GUPBENCH_INITRAMFS_H

#include <stddef.h>

struct initramfs_entry {
	const char *name;         /* path in the archive, no leading slash */
	unsigned mode;            /* st_mode with type: S_IFREG|0755, S_IFDIR|0755, S_IFCHR|0600 */
	unsigned rdev_major, rdev_minor;   /* device nodes */
	const void *data;         /* regular file contents ... */
	size_t len;
	const char *src_path;     /* ... or copied from this file when data is NULL */
};

/* Write the archive (entries in order, then the trailer) to path atomically.
 * Returns 0, or -1 with one line in err naming the file. */
int initramfs_write(const char *path, const struct initramfs_entry *e, size_t n,
		    char *err, size_t errlen);

/* The guest image of one boot: bench as /init, the plan, and gup_test when
 * selftest is not NULL. */
int initramfs_for_plan(const char *path, const char *bench, const char *plan_json,
		       const char *selftest, char *err, size_t errlen);

#endif
