/*
 * hugetlb: what the machine offers in hugetlb pages. Names the sizes the
 * bench accepts, finds the per-size sysfs pools, and decides before mapping
 * whether a case can run: a size not offered, or too few free pages, is a
 * SKIP with the reason and the fix, never a failed mmap.
 */
#ifndef GUPBENCH_HUGETLB_H
#define GUPBENCH_HUGETLB_H

#include <stddef.h>

#define HUGETLB_SYSFS "/sys/kernel/mm/hugepages"

/* --hugetlb-size values: "64K" -> 64, "2M" -> 2048, "32M", "1G"; 0 if not one of ours. */
unsigned long hugetlb_size_parse(const char *s);
/* The sizes' spellings, "64K, 2M, 32M, 1G", for messages. */
const char *hugetlb_size_list(void);
/* kB back to the option's spelling ("2M"); NULL if not one of ours. */
const char *hugetlb_size_name(unsigned long kb);
/* The default size (Hugepagesize in /proc/meminfo) in kB; 0 if none. */
unsigned long hugetlb_default_kb(void);
/* nr_hugepages / free_hugepages of the pool of that size; -1 if absent. */
long hugetlb_pool_read(unsigned long kb, const char *field);
/* mmap flags selecting the size explicitly (MAP_HUGE_* encoding). */
int hugetlb_mmap_flags(unsigned long kb);
/*
 * Can a mapping of bytes be backed by pages of kb (0: default size)? 0 if
 * yes; -1 with a reason naming the fix otherwise.
 */
int hugetlb_check(unsigned long kb, unsigned long long bytes, char *reason, size_t len);

#endif
