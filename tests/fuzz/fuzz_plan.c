/*
 * fuzz_plan: libFuzzer target for the guest's plan parser (bench/plan.c),
 * which runs as PID 1 in the guest: a crash there is a kernel panic.
 */
#include "bench/plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512] = "";
	struct plan p;

	memcpy(text, data, size);
	text[size] = '\0';
	if (plan_parse(text, "fuzz.json", &p, err, sizeof(err)) == 0)
		plan_free(&p);
	else if (err[0] == '\0')
		abort();
	free(text);
	return 0;
}
