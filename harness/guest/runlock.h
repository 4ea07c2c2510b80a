/*
 * runlock: is a run's harness still alive? `gupharness run` holds an
 * exclusive flock on <run dir>/harness.lock for as long as it runs; the
 * kernel drops the lock when the process dies, however it dies (SIGKILL,
 * OOM, power loss), so a run row left 'running' whose lock is free was
 * interrupted and can be resumed. No pid is stored: a pid can be reused.
 */
#ifndef GUPBENCH_RUNLOCK_H
#define GUPBENCH_RUNLOCK_H

/* Take the lock for this process (close-on-exec, never inherited by QEMU).
 * The fd (kept open until exit), or -1: another live harness holds it
 * (errno EWOULDBLOCK) or the file cannot be made. */
int runlock_take(const char *run_dir);

enum { RUNLOCK_ALIVE = 1, RUNLOCK_DEAD = 0, RUNLOCK_UNKNOWN = -1 };
/* Does a live harness hold run_dir's lock? UNKNOWN when there is no lock
 * file (a run from before the lock existed, or its directory is gone). */
int runlock_state(const char *run_dir);

#endif
