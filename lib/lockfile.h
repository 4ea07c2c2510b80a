/*
 * lockfile: the one way the harness takes an exclusive flock on a file (a
 * build's work tree, a night, a run's liveness). The kernel drops the lock
 * when the process exits however it exits, so a crash never leaves a stale
 * lock behind; the fd is close-on-exec, so no child (QEMU, make) inherits it.
 */
#ifndef GUPBENCH_LOCKFILE_H
#define GUPBENCH_LOCKFILE_H

enum { LOCKFILE_OPEN_FAILED = -1, LOCKFILE_LOCK_FAILED = -2 };

/*
 * Open path (created 0644) and take an exclusive flock on it. Returns the
 * fd, to keep open for as long as the lock is wanted, or, with errno set,
 * LOCKFILE_OPEN_FAILED or LOCKFILE_LOCK_FAILED (errno EWOULDBLOCK: another
 * process holds it). With wait, a held lock is waited for, after calling
 * waiting(arg) once when a callback is given.
 */
int lockfile_take(const char *path, int wait, void (*waiting)(void *arg), void *arg);

#endif
