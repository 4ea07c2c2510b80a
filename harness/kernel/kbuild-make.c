/*
 * kbuild-make: running make for a build: the command line (O=, ARCH=,
 * CROSS_COMPILE=, CC=), quiet steps logged to a file, the image build with
 * its progress line parsed from kbuild's quiet output (an object count
 * against the last build's), its first error for the one-line summary, and
 * the kernel's own gup_test selftest from the same tree.
 */
#include "harness/kernel/kbuild-steps.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

/* Run argv quietly, output appended to log (or discarded); returns the exit status or -1. */
int kbuild_run_logged(char *const argv[], const char *cwd, const char *log, int verbose)
{
	struct spawn_opts o = { .cwd = cwd, .stdout_path = log ? log : "/dev/null",
				.out_append = 1, .merge_stderr = 1 };
	struct spawn_result r;

	if (verbose) {
		char *s = argv_to_string(argv);

		fprintf(stderr, "+ %s\n", s);
		free(s);
	}
	if (spawn_run(argv, &o, &r))
		return -1;
	return r.status;
}

/* make in obj for target, and for also too unless NULL. */
static char **make_argv(struct build *b, const char *obj, const char *target, const char *also, int jobs)
{
	struct strvec a = STRVEC_INIT;

	strvec_pushl(&a, "make", "-C", b->src.tree, NULL);
	strvec_pushf(&a, "O=%s", obj);
	strvec_pushf(&a, "ARCH=%s", b->arch->karch);
	if (arch_cross_prefix(b->arch)[0])
		strvec_pushf(&a, "CROSS_COMPILE=%s", arch_cross_prefix(b->arch));
	strvec_pushf(&a, "CC=%s", b->cc);
	if (jobs)
		strvec_pushf(&a, "-j%d", jobs);
	if (b->verbose)
		strvec_push(&a, "V=1");
	strvec_push(&a, target);
	if (also)
		strvec_push(&a, also);
	return strvec_detach(&a);
}

/* make's -j: the request's, or one more than the CPUs. */
static int make_jobs(const struct build *b)
{
	return b->req->jobs > 0 ? b->req->jobs : get_nprocs() + 1;
}

int kbuild_make_step(struct build *b, const char *obj, const char *target, int jobs, const char *log)
{
	char **argv = make_argv(b, obj, target, NULL, jobs);
	int st = kbuild_run_logged(argv, NULL, log, b->verbose);

	strvec_free_argv(argv);
	return st;
}

static void fmt_elapsed(char *buf, size_t n, double s)
{
	int t = (int)s;

	if (t >= 60)
		snprintf(buf, n, "%dm%02ds", t / 60, t % 60);
	else
		snprintf(buf, n, "%ds", t);
}

static void progress(struct build *b, const char *what, int final)
{
	double now = now_monotonic();
	char el[32];

	if (b->verbose)
		return;
	if (!final && now - b->last_print < (b->tty ? 0.25 : 30.0))
		return;
	b->last_print = now;
	fmt_elapsed(el, sizeof(el), now - b->t0);
	if (b->tty) {
		if (b->est)
			fprintf(stderr, "\r\033[K  [%4d/~%d] %s  %.60s", b->objects,
				b->objects > b->est ? b->objects : b->est, el, what);
		else
			fprintf(stderr, "\r\033[K  [%4d] %s  %.60s", b->objects, el, what);
		if (final)
			fputc('\n', stderr);
	} else if (b->est) {
		fprintf(stderr, "kernel build of '%s': %d/~%d objects, %s\n", b->name, b->objects, b->est, el);
	} else {
		fprintf(stderr, "kernel build of '%s': %d objects, %s\n", b->name, b->objects, el);
	}
}

/* A kbuild quiet line: two spaces, a tag in capitals, spaces, a path. */
static int is_object_line(const char *l)
{
	static const char *const tags[] = { "CC ", "AS ", "AR ", "LD ", "HOSTCC ", "CPP ", "LDS ", "OBJCOPY ",
					    "GEN ", "MKPIGGY", "ZOFFSET", "VOFFSET", "CHK ", "UPD ", "HOSTLD " };

	if (strncmp(l, "  ", 2))
		return 0;
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (!strncmp(l + 2, tags[i], strlen(tags[i])))
			return 1;
	return 0;
}

static void on_make_line(struct build *b, const char *l)
{
	if (strstr(l, "No space left on device"))
		b->enospc = 1;
	if (b->verbose)
		fprintf(stderr, "%s\n", l);
	if (is_object_line(l)) {
		b->objects++;
		progress(b, l + 2, 0);
	}
}

static void on_make_output(const char *buf, size_t len, void *arg)
{
	struct build *b = arg;

	if (b->log_fd >= 0 && write(b->log_fd, buf, len) != (ssize_t)len && errno == ENOSPC)
		b->enospc = 1;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n' || b->line_len == sizeof(b->line) - 1) {
			b->line[b->line_len] = '\0';
			on_make_line(b, b->line);
			b->line_len = 0;
		} else {
			b->line[b->line_len++] = buf[i];
		}
	}
}

/* The first compiler or make error of a log, for the one-line summary. */
static char *first_error(const char *log)
{
	char *text = read_file(log, NULL), *res = NULL;
	static const char *const marks[] = { "error:", "Error ", "*** " };

	for (size_t m = 0; text && !res && m < sizeof(marks) / sizeof(marks[0]); m++) {
		char *p = strstr(text, marks[m]);

		if (p) {
			char *start = p, *end = p + strcspn(p, "\n");

			while (start > text && start[-1] != '\n')
				start--;
			res = strndup(start, (size_t)(end - start));
		}
	}
	free(text);
	return res ? res : xstrdup("no error line found");
}

static int objects_estimate(struct build *b, int save)
{
	char *p = xasprintf("%s/objects-%s", b->src.work, b->arch->name);
	char *text = NULL;
	int n = b->arch->est_objects;

	if (save) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%d\n", b->objects);
		write_file_atomic(p, buf, strlen(buf));
	} else if ((text = read_file(p, NULL)) && atoi(text) > 0) {
		n = atoi(text);
	}
	free(text);
	free(p);
	return n;
}

/*
 * Whether the tree's Makefile has the "headers" goal (v5.3 on). The build
 * then installs the user-space headers the selftest needs in the same
 * make as the image, in the slots the image's serial link leaves idle,
 * rather than in a make of its own afterwards.
 */
static int has_headers_goal(const struct build *b)
{
	char *mk = xasprintf("%s/Makefile", b->src.tree), *text = read_file(mk, NULL);
	int yes = text && strstr(text, "\nheaders:") != NULL;

	free(mk);
	free(text);
	return yes;
}

int kbuild_make_image(struct build *b, const char *log, int *incremental)
{
	char *vmlinux = xasprintf("%s/vmlinux", b->src.obj);
	int jobs = make_jobs(b);
	char **argv;
	struct spawn_opts o = { .merge_stderr = 1, .on_output = on_make_output, .on_output_arg = b };
	struct spawn_result r;
	int st;

	*incremental = file_exists(vmlinux);
	free(vmlinux);
	b->log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (b->log_fd < 0)
		return error("cannot write '%s': %m", log), kbuild_errno_status(errno);
	b->est = *incremental ? 0 : objects_estimate(b, 0);
	b->t0 = now_monotonic();
	b->last_print = b->tty ? 0 : b->t0;
	b->objects = 0;
	b->headers_built = has_headers_goal(b);
	argv = make_argv(b, b->src.obj, b->arch->image_target, b->headers_built ? "headers" : NULL, jobs);
	if (b->verbose) {
		char *s = argv_to_string(argv);

		fprintf(stderr, "+ %s\n", s);
		free(s);
	}
	note("building '%s' (%s, -j%d%s)", b->name, *incremental ? "incremental" : "full", jobs,
	     strncmp(b->cc, "ccache", 6) ? "" : ", ccache");
	st = spawn_run(argv, &o, &r) ? -1 : r.status;
	strvec_free_argv(argv);
	if (b->line_len) {
		b->line[b->line_len] = '\0';
		on_make_line(b, b->line);
		b->line_len = 0;
	}
	if (!b->verbose && b->tty)
		progress(b, st ? "failed" : "done", 1);
	if (close(b->log_fd) && errno == ENOSPC)
		b->enospc = 1;
	b->log_fd = -1;
	if (spawn_interrupted())
		return error("kernel build of '%s' interrupted", b->name), EXIT_INTERRUPTED;
	if (b->enospc)
		return error("disk full while building '%s' in '%s': free space and retry", b->name,
			     b->src.work), EXIT_IO;
	if (st) {
		char *saved = xasprintf("%s/failed-build.log", b->src.work);
		char *why = first_error(log);
		char *text = read_file(log, NULL);

		if (text)
			write_file_atomic(saved, text, strlen(text));
		error("kernel build of '%s' failed (make status %d): '%s'; full log in '%s'", b->name, st, why,
		      saved);
		free(text);
		free(why);
		free(saved);
		return EXIT_BUILD;
	}
	if (!*incremental)
		objects_estimate(b, 1);
	return 0;
}

/*
 * The kernel's own gup_test selftest, static, from the same tree: the run
 * stage can put it in the initramfs to cross-check our bench. Best effort:
 * a failure is recorded, not fatal. Its directory moved from vm/ to mm/ in
 * v6.3. The headers are usually installed by then (has_headers_goal).
 */
int kbuild_make_gup_test(struct build *b, const char *out, const char *log)
{
	static const char *const dirs[] = { "tools/testing/selftests/mm", "tools/testing/selftests/vm" };
	char *hdrs = xasprintf("%s/usr/include", b->src.obj);
	int st = -1;

	if (!b->headers_built && kbuild_make_step(b, b->src.obj, "headers", make_jobs(b), log))
		goto out;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *d = xasprintf("%s/%s", b->src.tree, dirs[i]);
		char *main_c = xasprintf("%s/gup_test.c", d), *util_c = xasprintf("%s/vm_util.c", d);
		char *inc = xasprintf("-I%s", b->src.tree), *incd = xasprintf("-I%s", d);
		struct strvec a = STRVEC_INIT;

		strvec_pushl(&a, "gcc", "-static", "-O2", "-w", "-isystem", hdrs, inc, incd, main_c, NULL);
		if (file_exists(util_c))   /* vm_util.c appeared in v6.3 */
			strvec_push(&a, util_c);
		strvec_pushl(&a, "-o", out, "-lpthread", NULL);
		if (file_exists(main_c))
			st = kbuild_run_logged(a.v, NULL, log, b->verbose);
		strvec_clear(&a);
		free(d);
		free(main_c);
		free(util_c);
		free(inc);
		free(incd);
		if (st >= 0)
			break;
	}
out:
	free(hdrs);
	return st == 0 ? 0 : -1;
}
