/*
 * fuzz_console: libFuzzer target for the kernel console classifier
 * (harness/guest/console.c), which reads what a guest printed: any bytes, NULs
 * cut where the log would be read as a string. Every finding must point
 * into the text at the start of a line, and its excerpt and first line must
 * be readable whole.
 */
#include "harness/guest/console.h"
#include "lib/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	struct console_scan s;

	memcpy(text, data, size);
	text[size] = '\0';
	console_scan(text, &s);
	if (s.n > CONSOLE_MAX_KINDS)
		abort();
	for (size_t i = 0; i < s.n; i++) {
		const char *at = s.f[i].at;
		char *ex, *line;

		if (at < text || at > text + strlen(text) || (at > text && at[-1] != '\n') || !s.f[i].lines)
			abort();
		ex = console_excerpt(text, at);
		line = console_line(at);
		if (strlen(ex) > 6000 || strlen(line) > 203)
			abort();
		free(ex);
		free(line);
	}
	free(console_excerpt(text, NULL));
	free(text);
	return 0;
}
