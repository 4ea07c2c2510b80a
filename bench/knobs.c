/*
 * knobs: save-on-first-write and restore of system settings. Saved values
 * are kept in fixed buffers so that restoring from a signal handler needs
 * only open/write/close.
 */
#include "bench/knobs.h"
#include "lib/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_KNOBS 32
#define KNOB_LEN 256

static struct knob {
	char path[KNOB_LEN];
	char old[64];
	char written[64];
	int restored;
} knobs[MAX_KNOBS];
static size_t nr_knobs;
/* forked case processes inherit our atexit handler: only the owner restores */
static pid_t owner;

char *knob_read(const char *path)
{
	char buf[512], *open_b, *close_b;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	open_b = strchr(buf, '[');
	close_b = open_b ? strchr(open_b, ']') : NULL;
	if (open_b && close_b) {
		*close_b = 0;
		return xstrdup(open_b + 1);
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return xstrdup(buf);
}

static int write_raw(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, len);
	if (close(fd) && n >= 0)
		return -1;
	return n == (ssize_t)len ? 0 : -1;
}

static struct knob *find(const char *path)
{
	for (size_t i = 0; i < nr_knobs; i++)
		if (!strcmp(knobs[i].path, path))
			return &knobs[i];
	return NULL;
}

int knob_write(const char *path, const char *value, char *reason, size_t len)
{
	struct knob *k = find(path);

	if (strlen(path) >= KNOB_LEN || strlen(value) >= sizeof(k->written)) {
		fmt_into(reason, len, "knob '%s' or its value is too long", path);
		return -1;
	}
	if (!k) {
		char *old = knob_read(path);

		if (!old) {
			fmt_into(reason, len, "cannot read '%s': %s", path, strerror(errno));
			return -1;
		}
		if (nr_knobs == MAX_KNOBS || strlen(old) >= sizeof(k->old)) {
			fmt_into(reason, len, "cannot save the value of '%s'", path);
			free(old);
			return -1;
		}
		k = &knobs[nr_knobs];
		owner = getpid();
		strcpy(k->path, path);
		strcpy(k->old, old);
		free(old);
		nr_knobs++;
	}
	if (write_raw(path, value)) {
		fmt_into(reason, len, "cannot write '%s' to '%s': %s", value, path, strerror(errno));
		return -1;
	}
	strcpy(k->written, value);
	k->restored = 0;
	return 0;
}

void knobs_restore(void)
{
	if (getpid() != owner)
		return;
	for (size_t i = nr_knobs; i-- > 0;) {
		if (knobs[i].restored)
			continue;
		/* a knob nobody could write back is reported, not retried */
		if (write_raw(knobs[i].path, knobs[i].old)) {
			static const char msg[] = "warning: cannot restore a system knob\n";

			if (write(2, msg, sizeof(msg) - 1) < 0)
				continue;
		}
		knobs[i].restored = 1;
	}
}

size_t knobs_mark(void)
{
	return nr_knobs;
}

void knobs_restore_to(size_t mark)
{
	for (size_t i = nr_knobs; i-- > mark;) {
		if (!knobs[i].restored && write_raw(knobs[i].path, knobs[i].old))
			warning("cannot restore '%s' to '%s': %s", knobs[i].path, knobs[i].old, strerror(errno));
		knobs[i].restored = 1;
	}
	if (mark < nr_knobs)
		nr_knobs = mark;
}

static void restore_and_die(int sig)
{
	knobs_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

void knobs_restore_on_exit(void)
{
	static int installed;

	if (installed++)
		return;
	atexit(knobs_restore);
	signal(SIGINT, restore_and_die);
	signal(SIGTERM, restore_and_die);
	signal(SIGHUP, restore_and_die);
	/* text piped into head(1) ends with SIGPIPE: the knobs still go back */
	signal(SIGPIPE, restore_and_die);
}

size_t knobs_count(void)
{
	return nr_knobs;
}

const char *knob_path(size_t i)
{
	return knobs[i].path;
}

const char *knob_value(size_t i)
{
	return knobs[i].written;
}
