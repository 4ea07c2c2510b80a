/*
 * casekey: the case key's part order (see casekey.h).
 */
#include "bench/casekey.h"

const enum key_part case_key_order[] = {
	KEY_CMD, KEY_SIZE, KEY_PAGES, KEY_THP, KEY_HUGETLB, KEY_WRITE, KEY_SHARED, KEY_TOUCH,
	KEY_THREADS, KEY_FLAGS, KEY_FILE, KEY_SOURCE, KEY_NUMA,
};
const size_t case_key_nparts = sizeof(case_key_order) / sizeof(case_key_order[0]);
