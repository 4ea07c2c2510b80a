/*
 * initramfs: a cpio newc writer. Each member is a 110-byte ASCII header
 * ("070701" and thirteen 8-digit hex fields), the NUL-terminated name padded
 * to a multiple of four, then the data padded the same way; "TRAILER!!!"
 * ends the archive. Built in memory and written with write_file_atomic so a
 * half-written image is never booted.
 */
#include "harness/guest/initramfs.h"
#include "lib/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *data, size_t len)
{
	if (b->n + len + 4 > b->cap) {
		b->cap = (b->n + len + 4) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
}

static void pad4(struct buf *b)
{
	static const char zeros[4];

	put(b, zeros, (4 - b->n % 4) % 4);
}

static void member(struct buf *b, unsigned ino, const char *name, unsigned mode,
		   unsigned rmaj, unsigned rmin, const void *data, size_t len)
{
	char hdr[111];

	/* magic ino mode uid gid nlink mtime filesize devmajor devminor
	 * rdevmajor rdevminor namesize check; mtime 0 keeps images reproducible */
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, (unsigned)len, 0u, 0u,
		 rmaj, rmin, (unsigned)strlen(name) + 1, 0u);
	put(b, hdr, 110);
	put(b, name, strlen(name) + 1);
	pad4(b);
	if (len) {
		put(b, data, len);
		pad4(b);
	}
}

int initramfs_write(const char *path, const struct initramfs_entry *e, size_t n,
		    char *err, size_t errlen)
{
	struct buf b = { 0 };
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		const void *data = e[i].data;
		size_t len = e[i].len;
		char *owned = NULL;

		if (S_ISREG(e[i].mode) && !data && e[i].src_path) {
			owned = read_file(e[i].src_path, &len);
			if (!owned) {
				snprintf(err, errlen, "cannot read '%s' for the initramfs: %s",
					 e[i].src_path, strerror(errno));
				rc = -1;
				break;
			}
			data = owned;
		}
		if (!S_ISREG(e[i].mode))
			len = 0;
		member(&b, (unsigned)i + 1, e[i].name, e[i].mode, e[i].rdev_major, e[i].rdev_minor,
		       data, len);
		free(owned);
	}
	if (!rc) {
		member(&b, 0, "TRAILER!!!", 0, 0, 0, NULL, 0);
		if (write_file_atomic(path, b.p, b.n)) {
			snprintf(err, errlen, "cannot write initramfs '%s': %s", path, strerror(errno));
			rc = -1;
		}
	}
	free(b.p);
	return rc;
}

int initramfs_for_plan(const char *path, const char *bench, const char *plan_json,
		       const char *selftest, char *err, size_t errlen)
{
	struct initramfs_entry e[] = {
		{ .name = "dev", .mode = S_IFDIR | 0755 },
		{ .name = "dev/console", .mode = S_IFCHR | 0600, .rdev_major = 5, .rdev_minor = 1 },
		{ .name = "init", .mode = S_IFREG | 0755, .src_path = bench },
		{ .name = "plan.json", .mode = S_IFREG | 0644, .data = plan_json, .len = strlen(plan_json) },
		{ .name = "gup_test", .mode = S_IFREG | 0755, .src_path = selftest },
	};

	return initramfs_write(path, e, selftest ? 5 : 4, err, errlen);
}
