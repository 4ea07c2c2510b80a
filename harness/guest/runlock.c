/*
 * runlock: a run's liveness as an flock on <run dir>/harness.lock (see
 * runlock.h). Probing takes the lock for an instant and drops it.
 */
#include "harness/guest/runlock.h"
#include "lib/lockfile.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

static char *lock_path(const char *run_dir)
{
	return xasprintf("%s/harness.lock", run_dir);
}

int runlock_take(const char *run_dir)
{
	char *p = lock_path(run_dir);
	int fd = lockfile_take(p, 0, NULL, NULL), e = errno;

	free(p);
	errno = e;
	return fd < 0 ? -1 : fd;
}

int runlock_state(const char *run_dir)
{
	char *p;
	int fd, state;

	if (!run_dir)
		return RUNLOCK_UNKNOWN;
	p = lock_path(run_dir);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	free(p);
	if (fd < 0)
		return RUNLOCK_UNKNOWN;
	state = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK ? RUNLOCK_ALIVE : RUNLOCK_DEAD;
	close(fd);     /* drops a shared lock taken here */
	return state;
}
