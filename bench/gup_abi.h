/*
 * gup_abi: the gup_test debugfs ABI, defined here from the facts of the
 * kernel's mm/gup_test.h (6.1 and 6.12) so that the bench builds without
 * kernel headers and on any host. The ioctl numbers encode the struct size,
 * so the layout is pinned with static assertions: a mismatch would make
 * every ioctl fail with ENOTTY/EINVAL rather than measure the wrong thing.
 */
#ifndef GUPBENCH_GUP_ABI_H
#define GUPBENCH_GUP_ABI_H

#include <linux/ioctl.h>
#include <stdint.h>

#define GUP_TEST_PATH "/sys/kernel/debug/gup_test"
#define GUP_TEST_MAX_PAGES_TO_DUMP 8
#define GUP_TEST_FLAG_DUMP_PAGES_USE_PIN 0x1

/* The two FOLL_ flags the selftest sets itself (include/linux/mm_types.h). */
#define GUP_FOLL_WRITE 0x01
#define GUP_FOLL_TOUCH 0x02

struct gup_test {
	uint64_t get_delta_usec;
	uint64_t put_delta_usec;
	uint64_t addr;
	uint64_t size;
	uint32_t nr_pages_per_call;
	uint32_t gup_flags;
	uint32_t test_flags;
	/* 1-based page numbers from addr; 0 means "nothing" */
	uint32_t which_pages[GUP_TEST_MAX_PAGES_TO_DUMP];
};

/* Since 6.2: pin a range long-term, read it back through the pins, unpin. */
#define PIN_LONGTERM_TEST_FLAG_USE_WRITE 1
#define PIN_LONGTERM_TEST_FLAG_USE_FAST 2

struct pin_longterm_test {
	uint64_t addr;
	uint64_t size;
	uint32_t flags;
};

_Static_assert(sizeof(struct gup_test) == 80, "struct gup_test layout");
_Static_assert(sizeof(struct pin_longterm_test) == 24, "struct pin_longterm_test layout");

#define GUP_FAST_BENCHMARK      _IOWR('g', 1, struct gup_test)
#define PIN_FAST_BENCHMARK      _IOWR('g', 2, struct gup_test)
#define PIN_LONGTERM_BENCHMARK  _IOWR('g', 3, struct gup_test)
#define GUP_BASIC_TEST          _IOWR('g', 4, struct gup_test)
#define PIN_BASIC_TEST          _IOWR('g', 5, struct gup_test)
#define DUMP_USER_PAGES_TEST    _IOWR('g', 6, struct gup_test)
#define PIN_LONGTERM_TEST_START _IOW('g', 7, struct pin_longterm_test)
#define PIN_LONGTERM_TEST_STOP  _IO('g', 8)
#define PIN_LONGTERM_TEST_READ  _IOW('g', 9, uint64_t)

#endif
