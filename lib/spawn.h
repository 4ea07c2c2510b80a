/*
 * spawn: the one way the harness runs another program. argv arrays only
 * (never a shell string), the child in its own process group so a timeout or
 * an interrupt kills everything it started, optional capture of stdout and
 * stderr to a file or a buffer, and a registry of live children that the
 * SIGINT/SIGTERM handler kills before the harness exits.
 */
#ifndef GUPBENCH_SPAWN_H
#define GUPBENCH_SPAWN_H

#include <sys/types.h>

struct spawn_opts {
	const char *cwd;          /* NULL: inherit */
	const char *stdin_path;   /* NULL: /dev/null */
	const char *stdout_path;  /* NULL: see capture; append if out_append */
	const char *stderr_path;  /* NULL: inherit, or same as stdout if merge_stderr */
	int out_append;
	int merge_stderr;         /* stderr goes where stdout goes */
	int capture;              /* capture stdout (and stderr if merged) into result.out */
	double timeout;           /* seconds; 0 = none. On expiry SIGTERM then SIGKILL to the group */
	char *const *env;         /* extra "K=V" entries, NULL-terminated; NULL = none */
	/* Called for each captured chunk while the child runs (progress parsing). */
	void (*on_output)(const char *buf, size_t len, void *arg);
	void *on_output_arg;
};

struct spawn_result {
	int status;       /* exit code, or 128+signal */
	int timed_out;
	int exec_failed;  /* program not found / not executable (errno in err) */
	int err;
	double seconds;
	char *out;        /* captured output (NUL-terminated) if capture, else NULL */
	size_t out_len;
};

/* Run argv[0] (PATH lookup) to completion. Returns 0 if it could be started. */
int spawn_run(char *const argv[], const struct spawn_opts *opts, struct spawn_result *res);
void spawn_result_free(struct spawn_result *res);

/* Start without waiting (for QEMU). Returns pid (also the process group id) or -1. */
pid_t spawn_start(char *const argv[], const struct spawn_opts *opts);
/* Wait for a started child, honouring timeout (seconds, 0 = none). */
int spawn_wait(pid_t pid, double timeout, struct spawn_result *res);
/* Kill a started child's whole process group: SIGTERM, grace, SIGKILL. */
void spawn_kill(pid_t pid);

/* Is program on PATH? */
int have_program(const char *name);

/* Install SIGINT/SIGTERM handlers that kill live children and set the flag. */
void spawn_install_signal_handlers(void);
/* Non-zero once SIGINT or SIGTERM arrived. */
int spawn_interrupted(void);

/* argv to a printable, shell-quoted line (for qemu-cmd files, V=1 output). */
char *argv_to_string(char *const argv[]);

#endif
