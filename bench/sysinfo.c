/*
 * sysinfo: reads provenance from /proc and /sys at the moment of the run
 * (after the plan's setup), so what is recorded is what was in force, not
 * what was asked for.
 */
#include "bench/sysinfo.h"
#include "lib/diag.h"
#include "bench/hugetlb.h"
#include "bench/knobs.h"
#include "bench/nodes.h"
#include "bench/runner.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* The whole first line of a file, or NULL. */
static json_t *file_line(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return json_null();
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return json_string(buf);
}

static json_t *hugetlb_pools(void)
{
	json_t *pools = json_object();
	DIR *d = opendir(HUGETLB_SYSFS);
	struct dirent *e;

	if (!d)
		return pools;
	while ((e = readdir(d))) {
		unsigned long kb;

		if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		json_object_set_new(pools, e->d_name + strlen("hugepages-"),
				    json_pack("{s:I,s:I}", "nr", (json_int_t)hugetlb_pool_read(kb, "nr_hugepages"),
					      "free", (json_int_t)hugetlb_pool_read(kb, "free_hugepages")));
	}
	closedir(d);
	return pools;
}

#define CLOCKSOURCE "/sys/devices/system/clocksource/clocksource0/current_clocksource"

json_t *env_json(int init)
{
	struct utsname u;
	json_t *set = json_object(), *env, *cs = file_line(CLOCKSOURCE);

	uname(&u);
	for (size_t i = 0; i < knobs_count(); i++)
		json_object_set_new(set, knob_path(i), json_string(knob_value(i)));
	/* get/put deltas are ktime: on a jiffies clock they come in 1/HZ steps */
	if (json_is_string(cs) && strstr(json_string_value(cs), "jiffies"))
		warning("clocksource is '%s': get/put times are quantised to a tick (boot a TCG guest with "
			   "tsc=reliable tsc_early_khz=<host kHz>)", json_string_value(cs));
	env = json_pack("{s:s,s:s,s:s,s:o,s:s,s:I,s:I,s:I,s:b,s:{s:o,s:o},s:o,s:I,s:o,s:b,s:o}",
			 "format", "gupbench-stream-1",
			 "tool_version", GUPBENCH_VERSION,
			 "release", u.release,
			 "cmdline", file_line("/proc/cmdline"),
			 "arch", u.machine,
			 "page_size", (json_int_t)sysconf(_SC_PAGESIZE),
			 "cpus", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN),
			 "numa_nodes", (json_int_t)numa_nodes(),
			 "gup_test", access(gup_test_path(), F_OK) == 0,
			 "thp", "enabled", file_line(THP_ENABLED), "defrag", file_line(THP_DEFRAG),
			 "hugetlb", hugetlb_pools(),
			 "hugetlb_default_kb", (json_int_t)hugetlb_default_kb(),
			 "set", set,
			 "init", init,
			 "clocksource", cs);
	return env;
}
