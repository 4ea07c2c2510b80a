/*
 * source: kernel source kinds, their identities, and resolving the source a
 * build names (see source.h).
 */
#include "harness/kernel/source.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Hashing a 150 MB tarball takes about a second; remember the digest under
 * a key of path, size, mtime and inode so that a cache hit stays fast.
 */
static int tarball_id(const char *path, char out[65])
{
	struct stat st;
	char *stamp, sk[65], *memo_dir, *memo, *text;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	stamp = xasprintf("%s\n%lld\n%lld.%09ld\n%llu", path, (long long)st.st_size,
			  (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
	sha256_hex(stamp, strlen(stamp), sk);
	free(stamp);
	memo_dir = xasprintf("%s/src/ids", cache_root());
	memo = xasprintf("%s/%s", memo_dir, sk);
	text = read_file(memo, NULL);
	if (text && strlen(text) >= 64) {
		memcpy(out, text, 64);
		out[64] = '\0';
	} else if (sha256_file_hex(path, out)) {
		free(text);
		free(memo);
		free(memo_dir);
		return -1;
	} else if (mkdir_p(memo_dir, 0755) == 0) {
		write_file_atomic(memo, out, 64);
	}
	free(text);
	free(memo);
	free(memo_dir);
	return 0;
}

static char **dir_lines;
static size_t dir_n, dir_cap, dir_skip;

static int dir_visit(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	size_t l = strlen(path);

	(void)ftw;
	if (flag == FTW_D && l >= 5 && !strcmp(path + l - 5, "/.git"))
		return FTW_SKIP_SUBTREE;
	if (flag != FTW_F)
		return FTW_CONTINUE;
	if (dir_n == dir_cap) {
		dir_cap = dir_cap ? 2 * dir_cap : 4096;
		dir_lines = xrealloc(dir_lines, dir_cap * sizeof(*dir_lines));
	}
	dir_lines[dir_n++] = xasprintf("%s %lld %lld.%09ld\n", path + dir_skip, (long long)sb->st_size,
				       (long long)sb->st_mtim.tv_sec, sb->st_mtim.tv_nsec);
	return FTW_CONTINUE;
}

/*
 * A directory has no commit to name it; its identity is a hash of every
 * file's path, size and mtime (sorted, so readdir order does not matter;
 * .git left out): a touched file is a new identity, an untouched tree the
 * same. Out-of-tree builds (kernel build uses O=) leave the tree alone.
 */
static int dir_identity(const char *dir, char out[65])
{
	size_t total = 0, off = 0;
	char *buf;

	dir_n = 0;
	dir_skip = strlen(dir);
	if (nftw(dir, dir_visit, 64, FTW_PHYS | FTW_ACTIONRETVAL) != 0)
		return -1;
	qsort(dir_lines, dir_n, sizeof(*dir_lines), cmp_strp);
	for (size_t i = 0; i < dir_n; i++)
		total += strlen(dir_lines[i]);
	buf = xmalloc(total + 1);
	for (size_t i = 0; i < dir_n; i++) {
		size_t l = strlen(dir_lines[i]);

		memcpy(buf + off, dir_lines[i], l);
		off += l;
		free(dir_lines[i]);
	}
	sha256_hex(buf, off, out);
	free(buf);
	free(dir_lines);
	dir_lines = NULL;
	dir_cap = dir_n = 0;
	return 0;
}

static char *tarball_identity(const char *path, const char *rev)
{
	char hex[65];

	(void)rev;
	return tarball_id(path, hex) ? NULL : xstrdup(hex);
}

static char *dir_identity_hex(const char *path, const char *rev)
{
	char hex[65];

	(void)rev;
	return dir_identity(path, hex) ? NULL : xstrdup(hex);
}

/* git rev-parse of spec in the tree at path; the object id or NULL. */
static char *git_rev_parse(const char *path, const char *spec)
{
	char *argv[] = { "git", "-C", (char *)path, "rev-parse", "--verify", "--quiet", (char *)spec, NULL };
	struct spawn_opts o = { .capture = 1, .stderr_path = "/dev/null", .timeout = 60 };
	struct spawn_result r;
	char *id = NULL;

	if (spawn_run(argv, &o, &r) == 0 && r.status == 0 && r.out) {
		r.out[strcspn(r.out, "\n")] = '\0';
		if (strlen(r.out) >= 12)
			id = xstrdup(r.out);
	}
	spawn_result_free(&r);
	return id;
}

static char *git_tree_identity(const char *path, const char *rev)
{
	char *spec = xasprintf("%s^{tree}", rev), *id = git_rev_parse(path, spec);

	free(spec);
	return id;
}

char *source_git_commit(const char *path, const char *rev)
{
	char *spec = xasprintf("%s^{commit}", rev), *id = git_rev_parse(path, spec);

	free(spec);
	return id;
}

/* Output of git -C path ARGS (NULL-terminated), trailing newlines cut; NULL when git fails. */
static char *git_out(const char *path, const char *const *args)
{
	struct strvec a = STRVEC_INIT;
	struct spawn_opts o = { .capture = 1, .stderr_path = "/dev/null", .timeout = 300 };
	struct spawn_result r;
	int bad;

	strvec_pushl(&a, "git", "-C", path, NULL);
	while (*args)
		strvec_push(&a, *args++);
	bad = spawn_run(a.v, &o, &r) || r.status;
	strvec_clear(&a);
	if (bad) {
		spawn_result_free(&r);
		return NULL;
	}
	while (r.out_len && r.out[r.out_len - 1] == '\n')
		r.out[--r.out_len] = '\0';
	return r.out;
}

char *source_git_toplevel(const char *path)
{
	const char *args[] = { "rev-parse", "--show-toplevel", NULL };

	return git_out(path, args);
}

char *source_git_changes(const char *path)
{
	const char *args[] = { "status", "--porcelain", "--untracked-files=no", NULL };
	char *out = git_out(path, args), *nl;

	if (out && (nl = strchr(out, '\n')))
		*nl = '\0';
	return out;
}

int source_git_is_ancestor(const char *path, const char *a, const char *b)
{
	char *argv[] = { "git", "-C", (char *)path, "merge-base", "--is-ancestor", (char *)a, (char *)b, NULL };
	struct spawn_opts o = { .stderr_path = "/dev/null", .timeout = 300 };
	struct spawn_result r;
	int yes = spawn_run(argv, &o, &r) == 0 && r.status == 0;

	spawn_result_free(&r);
	return yes;
}

static void add_commit(struct source_commit **c, size_t *n, const char *line)
{
	const char *sp = strchr(line, ' ');

	*c = xrealloc(*c, (*n + 1) * sizeof(**c));
	(*c)[*n].sha = sp ? strndup(line, (size_t)(sp - line)) : xstrdup(line);
	(*c)[*n].subject = xstrdup(sp ? sp + 1 : "");
	(*n)++;
}

int source_git_line(const char *path, const char *good, const char *bad, struct source_commit **c, size_t *n)
{
	char *range = xasprintf("%s..%s", good, bad);
	const char *lg[] = { "log", "--first-parent", "--reverse", "--format=%H %s", range, NULL };
	const char *gs[] = { "log", "-1", "--format=%H %s", good, NULL };
	char *text = git_out(path, lg), *head = git_out(path, gs), *line, *save = NULL;
	int r = text && head ? 0 : -1;

	*n = 0;
	*c = NULL;
	if (head)
		add_commit(c, n, head);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
		add_commit(c, n, line);
	free(text);
	free(head);
	free(range);
	return r;
}

void source_commits_free(struct source_commit *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].sha);
		free(c[i].subject);
	}
	free(c);
}

static const struct source_ops source_kinds[] = {
	{ SOURCE_TARBALL, "tarball",   "tar", "tarball", tarball_identity },
	{ SOURCE_DIR,     "directory", "dir", "dir",     dir_identity_hex },
	{ SOURCE_GIT,     "git",       "git", "git",     git_tree_identity },
};

const struct source_ops *source_ops_of(enum source_kind kind)
{
	return &source_kinds[kind];
}

int source_resolve(const char *source, const char *rev, struct source_ref *s)
{
	struct stat st;
	char *id, *real;

	if (!source)
		return error("no kernel source: give --source TARBALL|DIR"), EXIT_USAGE;
	real = realpath(source, NULL);
	if (!real || stat(real, &st)) {
		free(real);
		return error("kernel source '%s' not found: give a tarball, a source directory or a git tree",
			     source), EXIT_USAGE;
	}
	s->path = real;
	if (S_ISREG(st.st_mode)) {
		if (rev)
			return error("--rev needs a git tree, and '%s' is a file", source), EXIT_USAGE;
		s->ops = source_ops_of(SOURCE_TARBALL);
		if (!(id = s->ops->identity(real, NULL)))
			return error("cannot read tarball '%s': %m; check its permissions", real), EXIT_BUILD;
		s->id = xasprintf("%s-%s", s->ops->id_prefix, id);
		free(id);
		return 0;
	}
	if (rev) {
		s->ops = source_ops_of(SOURCE_GIT);
		if (!(id = s->ops->identity(real, rev)) || !(s->commit = source_git_commit(real, rev))) {
			free(id);
			return error("unknown revision '%s' in '%s': check 'git -C %s log %s'", rev, real,
				     real, rev), EXIT_USAGE;
		}
		s->rev = xstrdup(rev);
		s->id = xasprintf("%s-%s", s->ops->id_prefix, id);
		free(id);
		return 0;
	}
	{
		char *mk = xasprintf("%s/Makefile", real), *kb = xasprintf("%s/Kbuild", real);
		int ok = file_exists(mk) && file_exists(kb);

		free(mk);
		free(kb);
		if (!ok)
			return error("'%s' is not a kernel source tree (no Makefile and Kbuild)", real), EXIT_BUILD;
	}
	if (!have_program("rsync"))
		return error("'rsync' not found: it copies directory sources; apt-get install rsync"), EXIT_ENV;
	s->ops = source_ops_of(SOURCE_DIR);
	if (!(id = s->ops->identity(real, NULL)))
		return error("cannot list kernel source '%s': %m", real), EXIT_BUILD;
	s->id = xasprintf("%s-%s", s->ops->id_prefix, id);
	free(id);
	return 0;
}

void source_ref_free(struct source_ref *s)
{
	free(s->path);
	free(s->rev);
	free(s->commit);
	free(s->id);
}
