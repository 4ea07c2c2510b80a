/*
 * wl_syscalls: GUP reached from ordinary syscalls, for kernels without
 * CONFIG_GUP_TEST (a stock distribution kernel on a real machine):
 *
 * - io_uring_register: IORING_REGISTER_BUFFERS pins the range long-term
 *   (pin_user_pages(FOLL_LONGTERM)), IORING_UNREGISTER_BUFFERS unpins it.
 *   Raw io_uring_setup/io_uring_register syscalls, not liburing: no
 *   submission is ever made, so liburing's ring mapping would be work
 *   measured nowhere, and the static /init (also built for arm64 guests)
 *   stays free of one more library.
 * - odirect_read: O_DIRECT reads into the range; the block layer pins the
 *   user pages through iov_iter (GUP-fast first). The source is a block
 *   device by default, /dev/ram0 (brd): every kernel since long before 6.1
 *   does O_DIRECT on a block device, and brd needs no disk, no filesystem
 *   and no setup in a tinyconfig guest. tmpfs files would do only from 6.6
 *   on. --source names any other file or device (on a host: a file on a
 *   filesystem with O_DIRECT, such as ext4 or xfs).
 * - process_vm_readv: reads the range through get_user_pages_remote() on
 *   our own mm (the remote path is the same for any pid; reading ourselves
 *   needs no second process and no COW-shared copy of the range).
 *
 * Each repeat covers the whole range in calls of -n pages.
 */
#include "bench/workload.h"
#include "lib/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/io_uring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define URING_MAX_BUFFERS (1u << 14)     /* IORING_MAX_REG_BUFFERS */
#define URING_MAX_BUFFER (1ULL << 30)    /* one registered buffer: at most 1 GiB */
#define ODIRECT_DEFAULT "/dev/ram0"

struct chunks {
	int fd;
	struct iovec *iov;
	unsigned long nr;
	char *buf;                /* process_vm_readv: the local destination */
	unsigned long long src_size;  /* odirect_read: bytes of the source */
};

/* The range cut in buffers of -n pages. */
static struct chunks *chunks_new(struct wl_run *w)
{
	struct chunks *c = xcalloc(1, sizeof(*c));
	unsigned long long len = (unsigned long long)w->nr_pages * w->psize;

	c->fd = -1;
	c->nr = (unsigned long)((w->size + len - 1) / len);
	c->iov = xcalloc(c->nr, sizeof(struct iovec));
	for (unsigned long i = 0; i < c->nr; i++) {
		unsigned long long off = i * len;

		c->iov[i].iov_base = w->p + off;
		c->iov[i].iov_len = (size_t)(w->size - off < len ? w->size - off : len);
	}
	w->priv = c;
	return c;
}

static void chunks_free(struct wl_run *w)
{
	struct chunks *c = w->priv;

	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->iov);
	free(c->buf);
	free(c);
	w->priv = NULL;
}

int uring_setup(struct wl_run *w, struct case_result *r)
{
	struct io_uring_params p;
	struct chunks *c;
	unsigned long long len = (unsigned long long)w->nr_pages * w->psize;

	if (len > URING_MAX_BUFFER || w->size / len > URING_MAX_BUFFERS) {
		case_set(r, CASE_ERROR, EXIT_USAGE, "io_uring_register: buffers of %lu pages do not fit io_uring's "
			 "limits (at most %u buffers of at most 1 GiB each): change -n", w->nr_pages, URING_MAX_BUFFERS);
		return -1;
	}
	memset(&p, 0, sizeof(p));
	c = chunks_new(w);
	c->fd = (int)syscall(SYS_io_uring_setup, 1, &p);
	if (c->fd >= 0)
		return 0;
	if (errno == ENOSYS)
		case_set(r, CASE_SKIP, EXIT_SKIP, "io_uring_setup: ENOSYS: the kernel lacks CONFIG_IO_URING");
	else if (errno == EPERM)
		case_set(r, CASE_SKIP, EXIT_SKIP, "io_uring_setup: EPERM: io_uring is disabled here "
			 "(sysctl kernel.io_uring_disabled=0 enables it)");
	else
		case_set(r, CASE_ERROR, EXIT_FAIL, "io_uring_setup failed: %s (%s)", strerror(errno),
			 bench_errname(errno));
	chunks_free(w);
	return -1;
}

int uring_register(struct wl_run *w, struct sample *s, struct case_result *r)
{
	struct chunks *c = w->priv;
	uint64_t t0, t1, t2;

	t0 = wl_now_ns();
	if (syscall(SYS_io_uring_register, c->fd, IORING_REGISTER_BUFFERS, c->iov, (unsigned)c->nr)) {
		int e = errno;

		case_set(r, CASE_ERROR, EXIT_FAIL, "IORING_REGISTER_BUFFERS of %lu buffers failed: %s (%s)%s", c->nr,
			 strerror(e), bench_errname(e), e == ENOMEM ? " (RLIMIT_MEMLOCK: run as root)" : "");
		return -1;
	}
	t1 = wl_now_ns();
	if (syscall(SYS_io_uring_register, c->fd, IORING_UNREGISTER_BUFFERS, NULL, 0)) {
		case_set(r, CASE_ERROR, EXIT_FAIL, "IORING_UNREGISTER_BUFFERS failed: %s (%s)", strerror(errno),
			 bench_errname(errno));
		return -1;
	}
	t2 = wl_now_ns();
	s->get_us = wl_us(t0, t1);
	s->put_us = wl_us(t1, t2);
	return 0;
}

void uring_teardown(struct wl_run *w)
{
	chunks_free(w);
}

int pvm_setup(struct wl_run *w, struct case_result *r)
{
	struct chunks *c = chunks_new(w);
	struct iovec probe = { 0 }, local = { 0 };

	c->buf = xmalloc(c->iov[0].iov_len);
	memset(c->buf, 1, c->iov[0].iov_len);
	if (syscall(SYS_process_vm_readv, getpid(), &local, 1, &probe, 1, 0) < 0 && errno == ENOSYS) {
		chunks_free(w);
		case_set(r, CASE_SKIP, EXIT_SKIP, "process_vm_readv: ENOSYS: the kernel lacks "
			 "CONFIG_CROSS_MEMORY_ATTACH");
		return -1;
	}
	return 0;
}

int pvm_readv(struct wl_run *w, struct sample *s, struct case_result *r)
{
	struct chunks *c = w->priv;
	pid_t self = getpid();
	uint64_t t0 = wl_now_ns();

	for (unsigned long i = 0; i < c->nr; i++) {
		struct iovec local = { c->buf, c->iov[i].iov_len };
		ssize_t n = (ssize_t)syscall(SYS_process_vm_readv, self, &local, 1, &c->iov[i], 1, 0);

		if (n != (ssize_t)c->iov[i].iov_len) {
			case_set(r, CASE_ERROR, EXIT_FAIL, "process_vm_readv of buffer %lu: %s", i,
				 n < 0 ? strerror(errno) : "short read");
			return -1;
		}
	}
	s->get_us = wl_us(t0, wl_now_ns());
	return 0;
}

void pvm_teardown(struct wl_run *w)
{
	chunks_free(w);
}

/* The source's size in bytes: a block device's, or a file's. */
static int source_size(int fd, unsigned long long *size)
{
	struct stat st;
	uint64_t b;

	if (fstat(fd, &st))
		return -1;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &b))
			return -1;
		*size = b;
	} else {
		*size = (unsigned long long)st.st_size;
	}
	return 0;
}

static int odirect_open_fail(const char *path, int dflt, struct case_result *r)
{
	int e = errno;

	if (e == ENOENT && dflt)
		case_set(r, CASE_SKIP, EXIT_SKIP, "no '%s': the kernel lacks CONFIG_BLK_DEV_RAM (on a host: modprobe "
			 "brd), or pass --source FILE on a filesystem with O_DIRECT", path);
	else if (e == EINVAL)
		case_set(r, CASE_SKIP, EXIT_SKIP, "'%s' refuses O_DIRECT (its filesystem lacks it; tmpfs has it "
			 "from 6.6): pass --source on ext4, xfs or a block device", path);
	else
		case_set(r, CASE_ERROR, EXIT_FAIL, "cannot open '%s' with O_DIRECT: %s (%s)", path, strerror(e),
			 bench_errname(e));
	return -1;
}

int odirect_setup(struct wl_run *w, struct case_result *r)
{
	const char *path = w->o->source ? w->o->source : ODIRECT_DEFAULT;
	struct chunks *c = chunks_new(w);

	c->fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (c->fd < 0) {
		chunks_free(w);
		return odirect_open_fail(path, !w->o->source, r);
	}
	if (source_size(c->fd, &c->src_size) || c->src_size < c->iov[0].iov_len) {
		case_set(r, CASE_ERROR, EXIT_USAGE, "'%s' holds %llu bytes, less than one read of -n %lu pages: "
			 "lower -n or use a larger source", path, c->src_size, w->nr_pages);
		chunks_free(w);
		return -1;
	}
	/* reads wrap around at a multiple of the read size */
	c->src_size -= c->src_size % c->iov[0].iov_len;
	return 0;
}

int odirect_read(struct wl_run *w, struct sample *s, struct case_result *r)
{
	struct chunks *c = w->priv;
	unsigned long long off = 0;
	uint64_t t0 = wl_now_ns();

	for (unsigned long i = 0; i < c->nr; i++) {
		ssize_t n = pread(c->fd, c->iov[i].iov_base, c->iov[i].iov_len, (off_t)off);

		if (n != (ssize_t)c->iov[i].iov_len) {
			case_set(r, CASE_ERROR, EXIT_FAIL, "O_DIRECT read of %zu bytes at %llu: %s", c->iov[i].iov_len,
				 off, n < 0 ? strerror(errno) : "short read");
			return -1;
		}
		off = (off + c->iov[i].iov_len) % c->src_size;
	}
	s->get_us = wl_us(t0, wl_now_ns());
	return 0;
}

void odirect_teardown(struct wl_run *w)
{
	chunks_free(w);
}
