/*
 * hugetlb: sizes, pools and the pre-flight check for hugetlb cases. The
 * pools live in /sys/kernel/mm/hugepages/hugepages-<N>kB; MAP_HUGETLB takes
 * log2 of the page size in the bits above MAP_HUGE_SHIFT, which is how one
 * size is picked when several are offered.
 */
#include "bench/hugetlb.h"
#include "lib/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif

static const struct {
	const char *name;
	unsigned long kb;
} sizes[] = {
	{ "64K", 64 },
	{ "2M", 2048 },
	{ "32M", 32768 },
	{ "1G", 1048576 },
};

unsigned long hugetlb_size_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (!strcasecmp(s, sizes[i].name))
			return sizes[i].kb;
	return 0;
}

const char *hugetlb_size_list(void)
{
	static char list[64];

	if (!list[0])
		for (size_t i = 0, at = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s", i ? ", " : "", sizes[i].name);
	return list;
}

const char *hugetlb_size_name(unsigned long kb)
{
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i].kb == kb)
			return sizes[i].name;
	return NULL;
}

unsigned long hugetlb_default_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

long hugetlb_pool_read(unsigned long kb, const char *field)
{
	char path[128];
	FILE *f;
	long v = -1;

	fmt_into(path, sizeof(path), HUGETLB_SYSFS "/hugepages-%lukB/%s", kb, field);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int hugetlb_mmap_flags(unsigned long kb)
{
	int log2 = 0;
	unsigned long long bytes = (unsigned long long)kb * 1024;

	while ((1ULL << log2) < bytes)
		log2++;
	return log2 << MAP_HUGE_SHIFT;
}

int hugetlb_check(unsigned long kb, unsigned long long bytes, char *reason, size_t len)
{
	unsigned long size_kb = kb ? kb : hugetlb_default_kb();
	unsigned long long need;
	long nfree;

	if (!size_kb) {
		fmt_into(reason, len, "no hugetlb support: the kernel lacks CONFIG_HUGETLBFS (no Hugepagesize in "
			 "/proc/meminfo)");
		return -1;
	}
	nfree = hugetlb_pool_read(size_kb, "free_hugepages");
	if (nfree < 0) {
		fmt_into(reason, len, "hugetlb size %lukB not offered by this kernel (no %s/hugepages-%lukB)",
			 size_kb, HUGETLB_SYSFS, size_kb);
		return -1;
	}
	need = (bytes + size_kb * 1024ULL - 1) / (size_kb * 1024ULL);
	if ((unsigned long long)nfree < need) {
		fmt_into(reason, len, "need %llu free %lukB hugetlb pages, %ld free: reserve them in "
			 "%s/hugepages-%lukB/nr_hugepages (or the plan's setup.hugetlb)",
			 need, size_kb, nfree, HUGETLB_SYSFS, size_kb);
		return -1;
	}
	return 0;
}
