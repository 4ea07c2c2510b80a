/*
 * fuzz_series: libFuzzer target for the patch-series loader
 * (harness/kernel/kpatch.c). The first byte picks the form: even, the rest is an
 * mbox file as b4 writes it; odd, a quilt directory whose "series" file is
 * the rest up to the first NUL and whose patches "a" and "b" (names a series
 * may list) hold what follows. kpatch_load reads files, so each input is
 * written to a scratch directory in /dev/shm first.
 */
#include "harness/kernel/kpatch.h"
#include "lib/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void put(const char *name, const void *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")) || fwrite(p, 1, n, f) != n || fclose(f))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kseries s;
	char path[128];

	if (!dir[0]) {
		strcpy(dir, "/dev/shm/gupbench-fuzz-series.XXXXXX");
		if (!mkdtemp(dir)) {
			strcpy(dir, "/tmp/gupbench-fuzz-series.XXXXXX");
			if (!mkdtemp(dir))
				abort();
		}
	}
	if (size < 1)
		return 0;
	memset(&s, 0, sizeof(s));
	if (data[0] % 2 == 0) {
		put("s.mbox", data + 1, size - 1);
		snprintf(path, sizeof(path), "%s/s.mbox", dir);
	} else {
		const uint8_t *nul = memchr(data + 1, '\0', size - 1);
		size_t head = nul ? (size_t)(nul - data - 1) : size - 1;
		size_t rest = nul ? size - 1 - head - 1 : 0;

		put("series", data + 1, head);
		put("a", nul ? nul + 1 : data, rest);
		put("b", nul ? nul + 1 : data, rest);
		snprintf(path, sizeof(path), "%s", dir);
	}
	kpatch_load(path, NULL, &s);
	kpatch_free(&s);    /* after a failure too: the name and path are set */
	snprintf(path, sizeof(path), "%s/s.mbox", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/series", dir);
	unlink(path);
	return 0;
}
