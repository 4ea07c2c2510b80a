/*
 * nightly-identity: what names a night's kernel and label (see nightly.h).
 * A night is one build, so its identity is the build's inputs: the source's
 * identity, the patch series (every file of its directory), every config
 * fragment's text (the default ones kernel build adds, the config's and
 * the source's) and the compiler's version line. The final config follows
 * from those. Any of them changing makes a new night id, a new kernel name
 * (never a moved one) and a change the report names.
 */
#include "harness/lab/nightly.h"
#include "harness/kernel/arch.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "name\n<text>\n" of one file into m; -1 when it cannot be read. */
static int add_file(FILE *m, const char *path, const char *name)
{
	size_t len;
	char *text = read_file(path, &len);

	if (!text)
		return error("cannot read '%s' for tonight's build identity: %m", path);
	fprintf(m, "%s\n", name);
	fwrite(text, 1, len, m);
	fputc('\n', m);
	free(text);
	return 0;
}

/* Every regular file of the series directory, by name. */
static int add_series(FILE *m, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int bad = 0;
	struct stat sb;

	if (!d)
		return error("cannot list series directory '%s': %m", dir);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);

		if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
			bad |= add_file(m, p, names[i]);
		free(p);
		free(names[i]);
	}
	free(names);
	return bad;
}

/* The fragments kernel build merges, in its order. */
static int add_fragments(FILE *m, const struct nightly_config *cfg, const struct nightly_source *s)
{
	const struct arch_info *a = arch_lookup("x86_64");
	char *ours[2] = { data_path("harness/configs/gupbench.config"),
			  a && a->config_fragment ? data_path(a->config_fragment) : NULL };
	int bad = 0;

	for (size_t i = 0; i < 2; i++) {
		if (ours[i])
			bad |= add_file(m, ours[i], ours[i]);
		free(ours[i]);
	}
	for (size_t i = 0; i < cfg->nfragments; i++)
		bad |= add_file(m, cfg->fragments[i], cfg->fragments[i]);
	for (size_t i = 0; i < s->nfragments; i++)
		bad |= add_file(m, s->fragments[i], s->fragments[i]);
	return bad;
}

/* gcc --version's first line, or "gcc" when it cannot be run. */
static void add_compiler(FILE *m)
{
	char *argv[] = { "gcc", "--version", NULL };
	struct spawn_opts o = { .capture = 1, .timeout = 30 };
	struct spawn_result r;

	if (spawn_run(argv, &o, &r) == 0 && r.status == 0 && r.out)
		fprintf(m, "compiler %.*s\n", (int)strcspn(r.out, "\n"), r.out);
	else
		fprintf(m, "compiler gcc\n");
	spawn_result_free(&r);
}

char *nightly_identity(const struct nightly_config *cfg, const struct nightly_source *s, const char *src_id)
{
	char *buf = NULL, hash[65];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int bad;

	fprintf(m, "source %s\n", src_id);
	bad = s->series ? add_series(m, s->series) : 0;
	bad |= add_fragments(m, cfg, s);
	add_compiler(m);
	fclose(m);
	sha256_hex(buf, len, hash);
	free(buf);
	return bad ? NULL : xasprintf("%.12s-%.8s", src_id, hash);
}
