/*
 * test_slurm: the pure parts of harness/lab/slurm.c. The batch script is run
 * by /bin/sh with a task id, so its quoting is proven by what the command
 * receives, not by reading the text; sbatch --parsable output and array
 * specs are parsed and written as Slurm does.
 */
#include "harness/lab/slurm.h"
#include "lib/spawn.h"
#include "tap.h"
#include "lib/util.h"

#include <stdlib.h>
#include <unistd.h>

/* What the script for argv prints when run with SLURM_ARRAY_TASK_ID=task. */
static char *run_script(char *const *argv, const char *task)
{
	char path[] = "/tmp/gupbench-test-slurm.XXXXXX", *text = slurm_script(argv), *env[2], *out = NULL;
	char *sh[] = { "/bin/sh", path, NULL };
	int fd = mkstemp(path);
	struct spawn_opts o = { .capture = 1, .env = env };
	struct spawn_result r;

	env[0] = xasprintf("SLURM_ARRAY_TASK_ID=%s", task);
	env[1] = NULL;
	if (fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) && !spawn_run(sh, &o, &r)) {
		out = r.status == 0 ? r.out : NULL;
		r.out = out ? NULL : r.out;
		spawn_result_free(&r);
	}
	if (fd >= 0)
		close(fd);
	unlink(path);
	free(text);
	free(env[0]);
	return out;
}

int main(void)
{
	char *argv[] = { "printf", "[%s]\\n", "it's", "a b", "--shard=%a/4", "$HOME`x`", "100%%", "%s", NULL };
	char *out = run_script(argv, "3"), *s;
	unsigned t1[] = { 1, 2, 3, 5, 7, 8 }, t2[] = { 2 };

	tap_plan(14);
	is_str(out, "[it's]\n[a b]\n[--shard=3/4]\n[$HOME`x`]\n[100%]\n[%s]\n",
	       "every argument reaches the command as given; %%a becomes the task id, %%%% a %%");
	free(out);
	s = slurm_script(argv);
	ok(!strncmp(s, "#!/bin/sh\n", 10) && strstr(s, "\nexec 'printf' "), "the script is one exec under #!/bin/sh");
	free(s);

	s = slurm_parse_job_id("4242\n");
	is_str(s, "4242", "--parsable output: the id");
	free(s);
	s = slurm_parse_job_id("17;cluster-a\n");
	is_str(s, "17", "--parsable output with a cluster name: the id");
	free(s);
	ok(!slurm_parse_job_id("Submitted batch job 3\n") && !slurm_parse_job_id("") && !slurm_parse_job_id(NULL) &&
	   !slurm_parse_job_id("12x"), "anything else is no id");

	{
		int st = -7;

		is_int(slurm_parse_job_state("JobId=9 JobName=n JobState=RUNNING Reason=None ExitCode=0:0 DerivedExitCode=0:0\n", &st),
		       1, "a running job is still live");
		is_int(slurm_parse_job_state("JobId=9 JobState=COMPLETED Reason=None DerivedExitCode=0:0 ExitCode=0:0\n", &st), 0,
		       "a completed job has ended");
		is_int(st, 0, "with status 0");
		slurm_parse_job_state("JobId=9 JobState=FAILED Reason=NonZeroExitCode DerivedExitCode=0:0 ExitCode=1:0\n", &st);
		is_int(st, 1, "a failed job: its exit status, not DerivedExitCode's");
		slurm_parse_job_state("JobId=9 JobState=CANCELLED Reason=None ExitCode=0:15\n", &st);
		is_int(st, 128 + 15, "a job ended by SIGTERM: 128+15");
		slurm_parse_job_state("JobId=9 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:0\n", &st);
		is_int(st, 1, "a job that timed out before exiting is a failure");
		is_int(slurm_parse_job_state("slurm_load_jobs error: Invalid job id specified\n", &st), -1,
		       "an unknown job is no state");
	}
	s = slurm_array_spec(t1, 6);
	is_str(s, "1-3,5,7-8", "array spec of 1 2 3 5 7 8");
	free(s);
	s = slurm_array_spec(t2, 1);
	is_str(s, "2", "array spec of one shard");
	free(s);
	return tap_done();
}
