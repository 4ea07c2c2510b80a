/*
 * nightly-identity: what names a night's kernel and label (see nightly.h).
 * A night is one build, so its identity is the build's inputs: the source's
 * identity, the patch series (every file of its directory), every config
 * fragment's text (the default ones kernel build adds, the config's and
 * the source's) and the compiler's version line. The final config follows
 * from those. Any of them changing makes a new night id, a new kernel name
 * (never a moved one) and a change the report names. The labels of a
 * stream's nights are made and read here too.
 */
#include "harness/lab/nightly.h"
#include "harness/kernel/arch.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
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

/* ---- source identity ------------------------------------------------- */

/* The source identity cut to 12 characters (a git commit: the revision built); NULL on failure. */
char *source_identity(const struct nightly_source *s)
{
	const struct source_ops *ops = source_ops_of(s->kind);
	char *id;

	if (s->kind == SOURCE_GIT) {
		id = source_git_commit(s->path, s->branch);
		if (!id)
			error("branch '%s' vanished from git tree '%s'", s->branch, s->path);
	} else {
		id = ops->identity(s->path, NULL);
		if (!id)
			error(s->kind == SOURCE_DIR ? "cannot list source directory '%s': %s"
						    : "cannot read tarball '%s': %s", s->path, strerror(errno));
	}
	if (id)
		id[12] = '\0';
	return id;
}

/* ---- labels ---------------------------------------------------------- */

/*
 * Split "<prefix>YYYY-MM-DD/<id>[/...]" into date and id; 0 when label is a
 * night of this stream.
 */
int parse_label(const char *label, const char *prefix, char date[11], char **id)
{
	size_t pl = strlen(prefix), il;
	const char *p;

	if (strncmp(label, prefix, pl))
		return -1;
	p = label + pl;
	if (strlen(p) < 12 || p[4] != '-' || p[7] != '-' || p[10] != '/')
		return -1;
	memcpy(date, p, 10);
	date[10] = '\0';
	p += 11;
	il = strcspn(p, "/");
	if (!il)
		return -1;
	*id = xmalloc(il + 1);
	memcpy(*id, p, il);
	(*id)[il] = '\0';
	return 0;
}

char *stream_prefix(const struct nightly_config *cfg, const struct nightly_source *s)
{
	return xasprintf("%s/%s/", cfg->label_prefix, s->name);
}
