/*
 * fuzz_matrix: libFuzzer target for the matrix parser and expander
 * (harness/guest/matrix.c). Every accepted matrix must have cases with ids and an
 * argv; every rejected one must say why.
 */
#include "harness/guest/matrix.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512] = "";
	struct matrix m;

	memcpy(text, data, size);
	text[size] = '\0';
	if (matrix_parse(text, "fuzz.json", 0, &m, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < m.n; i++)
			if (!m.cases[i].id || !m.cases[i].argv)
				abort();
		matrix_free(&m);
	} else if (err[0] == '\0') {
		abort();
	}
	free(text);
	return 0;
}
