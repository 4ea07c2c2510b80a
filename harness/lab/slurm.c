/*
 * slurm: sbatch and squeue for the harness (see slurm.h). The only shell in
 * the path is the batch script sbatch insists on: one `exec` of an argv
 * whose every argument is single-quoted, with the array task id as the one
 * expansion. Submission and queries run through spawn.h with argv arrays.
 */
#include "harness/lab/slurm.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int slurm_check(void)
{
	if (have_program("sbatch") && have_program("squeue") && have_program("scontrol"))
		return 0;
	error("'sbatch' is not on PATH; install Slurm's client tools (Debian: slurm-client) and point SLURM_CONF at the cluster");
	return EXIT_ENV;
}

/* Append len bytes of s to the buffer at *buf (length *n). */
static void cat(char **buf, size_t *n, const char *s, size_t len)
{
	*buf = xrealloc(*buf, *n + len + 1);
	memcpy(*buf + *n, s, len);
	*n += len;
	(*buf)[*n] = '\0';
}

static void cats(char **buf, size_t *n, const char *s)
{
	cat(buf, n, s, strlen(s));
}

char *slurm_script(char *const *argv)
{
	char *s = NULL;
	size_t n = 0;

	cats(&s, &n, "#!/bin/sh\n# written by gupharness (harness/lab/slurm.c): one command, no other shell\nexec");
	for (size_t i = 0; argv[i]; i++) {
		cats(&s, &n, " '");
		for (const char *p = argv[i]; *p; p++) {
			if (p[0] == '%' && p[1] == 'a') {
				cats(&s, &n, "'\"$SLURM_ARRAY_TASK_ID\"'");
				p++;
			} else if (p[0] == '%' && p[1] == '%') {
				cats(&s, &n, "%");
				p++;
			} else if (*p == '\'') {
				cats(&s, &n, "'\\''");
			} else {
				cat(&s, &n, p, 1);
			}
		}
		cats(&s, &n, "'");
	}
	cats(&s, &n, "\n");
	return s;
}

char *slurm_parse_job_id(const char *out)
{
	size_t len;

	if (!out)
		return NULL;
	while (*out == ' ' || *out == '\n')
		out++;
	len = strspn(out, "0123456789");
	if (!len || (out[len] && !strchr(";\n", out[len])))
		return NULL;
	{
		char *id = xmalloc(len + 1);

		memcpy(id, out, len);
		id[len] = '\0';
		return id;
	}
}

char *slurm_array_spec(const unsigned *t, size_t n)
{
	char *s = xstrdup(""), *next;

	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && t[j + 1] == t[j] + 1)
			j++;
		if (j > i)
			next = xasprintf("%s%s%u-%u", s, *s ? "," : "", t[i], t[j]);
		else
			next = xasprintf("%s%s%u", s, *s ? "," : "", t[i]);
		free(s);
		s = next;
		i = j + 1;
	}
	return s;
}

/* The sbatch argv that submits script for job. */
static void sbatch_argv(const struct slurm_job *job, const char *script, struct strvec *a)
{
	strvec_pushl(a, "sbatch", "--parsable", NULL);
	strvec_pushf(a, "--job-name=%s", job->name);
	strvec_pushf(a, "--output=%s/logs/%s-%s.log", job->dir, job->role, job->array ? "%A_%a" : "%j");
	strvec_pushf(a, "--chdir=%s", job->dir);
	if (job->array)
		strvec_pushf(a, "--array=%s", job->array);
	if (job->dependency)
		strvec_pushf(a, "--dependency=%s", job->dependency);
	strvec_push(a, script);
}

int slurm_submit(const struct slurm_job *job, char **id)
{
	char *script = xasprintf("%s/%s.sbatch", job->dir, job->role);
	char *logs = xasprintf("%s/logs", job->dir), *text = slurm_script(job->argv);
	struct strvec argv = STRVEC_INIT;
	struct spawn_opts o = { .capture = 1, .timeout = 120 };
	struct spawn_result r;
	int ret = 0;

	*id = NULL;
	if (mkdir_p(logs, 0755) < 0 || write_file_atomic(script, text, strlen(text)) < 0) {
		error("cannot write the batch script '%s': %s", script, strerror(errno));
		ret = EXIT_IO;
		goto out;
	}
	sbatch_argv(job, script, &argv);
	if (spawn_run(argv.v, &o, &r) != 0 || r.exec_failed) {
		if (!slurm_check())
			error("cannot start 'sbatch': %s", strerror(r.err));
		ret = EXIT_ENV;
	} else {
		*id = slurm_parse_job_id(r.out);
		if (!*id) {
			char *line = argv_to_string(argv.v);

			error("'%s' submitted nothing (status %d%s); check SLURM_CONF and 'sinfo'", line, r.status,
			      r.timed_out ? ", timed out" : "");
			free(line);
			ret = EXIT_ENV;
		}
	}
	spawn_result_free(&r);
out:
	strvec_clear(&argv);
	free(script);
	free(logs);
	free(text);
	return ret;
}

char *slurm_active(const char *name)
{
	char *opt = xasprintf("--name=%s", name);
	char *argv[] = { "squeue", "--noheader", "--format=%A", "--states=PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED",
			 opt, NULL };
	struct spawn_opts o = { .capture = 1, .timeout = 60 };
	struct spawn_result r;
	char *ids = NULL;

	if (spawn_run(argv, &o, &r) != 0 || r.exec_failed || r.status != 0) {
		error("'squeue %s' failed (status %d); check SLURM_CONF and 'sinfo'", opt, r.status);
	} else {
		size_t n = 0;

		ids = xstrdup("");
		for (char *p = r.out ? r.out : ""; *p;) {
			size_t len = strcspn(p, "\n");

			if (len && isdigit((unsigned char)*p)) {
				if (n)
					cats(&ids, &n, ",");
				cat(&ids, &n, p, len);
			}
			p += len + (p[len] == '\n');
		}
	}
	spawn_result_free(&r);
	free(opt);
	return ids;
}

/* The value of "Key=" in a one-line scontrol record, up to the next space; NULL if absent. */
static char *field(const char *rec, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = rec; (p = strstr(p, key)); p += kl)
		if ((p == rec || p[-1] == ' ') && p[kl] == '=') {
			size_t len = strcspn(p + kl + 1, " \n");
			char *v = xmalloc(len + 1);

			memcpy(v, p + kl + 1, len);
			v[len] = '\0';
			return v;
		}
	return NULL;
}

int slurm_parse_job_state(const char *out, int *status)
{
	static const char *const live[] = { "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED",
					    "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT", NULL };
	char *state = out ? field(out, "JobState") : NULL, *code = out ? field(out, "ExitCode") : NULL;
	int ret = -1, ex, sig;

	if (state && code && sscanf(code, "%d:%d", &ex, &sig) == 2) {
		ret = 0;
		for (size_t i = 0; live[i]; i++)
			if (!strcmp(state, live[i]))
				ret = 1;
		*status = sig ? 128 + sig : ex;
		if (!ret && !*status && strcmp(state, "COMPLETED"))
			*status = EXIT_FAIL;
	}
	free(state);
	free(code);
	return ret;
}

int slurm_wait(const char *id, int *status)
{
	char *argv[] = { "scontrol", "--oneliner", "show", "job", (char *)id, NULL };
	struct spawn_opts o = { .capture = 1, .stderr_path = "/dev/null", .timeout = 60 };

	for (;;) {
		struct spawn_result r;
		int st = -1;

		if (spawn_run(argv, &o, &r) == 0 && !r.exec_failed && r.status == 0)
			st = slurm_parse_job_state(r.out, status);
		spawn_result_free(&r);
		if (st == 0)
			return 0;
		if (st < 0) {
			error("slurm no longer knows job %s ('scontrol show job %s' failed); look at its log", id, id);
			return EXIT_ENV;
		}
		if (spawn_interrupted())
			return EXIT_INTERRUPTED;
		sleep(1);
	}
}
