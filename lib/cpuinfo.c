/*
 * cpuinfo: the host's CPU model as /proc/cpuinfo names it (see cpuinfo.h).
 */
#include "lib/cpuinfo.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

/* The CPU model as /proc/cpuinfo names it on x86 ("model name") or arm64. */
char *host_cpu_model(void)
{
	static const char *const keys[] = { "model name", "Hardware", "CPU part", "cpu model" };
	char *text = read_file("/proc/cpuinfo", NULL), *found = NULL;

	if (!text)
		return xstrdup("unknown");
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && !found; k++) {
		for (char *line = text; line && *line && !found;) {
			char *nl = strchr(line, '\n'), *colon;

			if (nl)
				*nl = '\0';
			colon = strchr(line, ':');
			if (!strncmp(line, keys[k], strlen(keys[k])) && colon) {
				colon++;
				while (*colon == ' ' || *colon == '\t')
					colon++;
				found = xstrdup(colon);
			}
			if (nl)
				*nl = '\n';
			line = nl ? nl + 1 : NULL;
		}
	}
	free(text);
	return found ? found : xstrdup("unknown");
}
