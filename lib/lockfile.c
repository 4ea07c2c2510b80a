/*
 * lockfile: an exclusive flock on a file, taken without waiting or after
 * saying that we wait (see lockfile.h).
 */
#include "lib/lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

int lockfile_take(const char *path, int wait, void (*waiting)(void *arg), void *arg)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644), e;

	if (fd < 0)
		return LOCKFILE_OPEN_FAILED;
	if (!flock(fd, LOCK_EX | LOCK_NB))
		return fd;
	if (wait && errno == EWOULDBLOCK) {
		if (waiting)
			waiting(arg);
		if (!flock(fd, LOCK_EX))
			return fd;
	}
	e = errno;
	close(fd);
	errno = e;
	return LOCKFILE_LOCK_FAILED;
}
