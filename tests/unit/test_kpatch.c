/*
 * test_kpatch: naming the failing hunk from GNU patch's output, the series
 * hash changing whenever a patch's contents change (the cache key depends
 * on it), a `commits` series read from a real git repository, and the two
 * seed manifests' `commits` files read in the verified order (with
 * a fake git that answers any id, since no mainline clone is at hand).
 * Series and repositories are written to a scratch directory under /tmp.
 */
#include "harness/kernel/kpatch.h"
#include "lib/spawn.h"
#include "lib/util.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char patch1[] =
	"Subject: one\n---\n"
	"--- a/mm/gup.c\n+++ b/mm/gup.c\n"
	"@@ -10,3 +10,4 @@ static int a(void)\n a\n+b\n c\n d\n"
	"@@ -40,3 +41,4 @@ static int z(void)\n x\n+y\n z\n w\n"
	"--- a/mm/hugetlb.c\n+++ b/mm/hugetlb.c\n"
	"@@ -1,1 +1,2 @@\n q\n+r\n";

static void put(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);

	write_file_atomic(p, text, strlen(text));
	free(p);
}

/* git -C dir ARGS... with a fixed identity; returns its trimmed stdout (or NULL on failure). */
static char *git(const char *dir, const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { "git", "-C", (char *)dir, "-c", "user.name=t", "-c", "user.email=t@t",
			 (char *)a1, (char *)a2, (char *)a3, NULL };
	struct spawn_opts o = { .capture = 1 };
	struct spawn_result r;

	if (spawn_run(argv, &o, &r) || r.status) {
		spawn_result_free(&r);
		return NULL;
	}
	while (r.out_len && (r.out[r.out_len - 1] == '\n'))
		r.out[--r.out_len] = '\0';
	return r.out;
}

/* A two-commit repository; the commits file names the second commit, then the first. */
static void commits_from_real_git(const char *dir)
{
	char *repo = xasprintf("%s/repo", dir), *sdir = xasprintf("%s/bycommit", dir);
	char *c1, *c2, *list;
	struct kseries s;

	mkdir_p(repo, 0755);
	mkdir_p(sdir, 0755);
	free(git(repo, "init", "-q", NULL));
	put(repo, "f.c", "one\n");
	free(git(repo, "add", "f.c", NULL));
	free(git(repo, "commit", "-qm", "first"));
	c1 = git(repo, "rev-parse", "HEAD", NULL);
	put(repo, "f.c", "one\ntwo\n");
	free(git(repo, "commit", "-qam", "second"));
	c2 = git(repo, "rev-parse", "HEAD", NULL);
	ok(c1 && c2, "a scratch git repository with two commits");
	list = xasprintf("# comment line\n\n%s second: a subject after the id\n%.12s first\n",
			 c2 ? c2 : "x", c1 ? c1 : "x");
	put(sdir, "commits", list);
	is_int(kpatch_load(sdir, repo, &s), 0, "a commit list loads from a real git repository");
	is_str(s.kind, "commits", "kind is commits");
	is_int((long long)s.n, 2, "comment and blank lines are skipped, two commits remain");
	if (s.n == 2) {
		is_str(s.patches[0].label, c2, "patches keep the file's order, labelled by the id as written");
		ok(strstr(s.patches[0].text, "+two") != NULL, "the patch text is the commit's diff");
		ok(strstr(s.patches[1].text, "+one") != NULL, "an abbreviated id is taken too");
	}
	kpatch_free(&s);
	put(sdir, "commits", "0123456789abcdef0123456789abcdef01234567 not in this repo\n");
	ok(kpatch_load(sdir, repo, &s) < 0, "a commit the repository lacks is refused");
	kpatch_free(&s);
	free(c1);
	free(c2);
	free(list);
	free(repo);
	free(sdir);
}

static const char *const seed_unify[] = {
	"dd767aaa2fc8f1a000df0504f6231afcafe8a8e9", "458568c92953dee3716234711f1a2830a35261f3",
	"5502ea44f5ade35d32a397353956bc026b870400", "ffe1e7861211aafe12977a3ed2f11bb6fe1e77ea",
	"57edfcfd3419b4799353d8cbd6ce49da075cfdbd", "4849807114b83e1897381ed3f851632f376a0b7e",
	"2bc48136224592fe4f8f50629d0469d6d0274207", "de4ec376df7bd2db4aa887b350a681686ea54064",
};
static const char *const seed_folio[] = {
	"3523a37e657c7cc97723a54e9dfacca6c003e4c1", "aa39ca6940f1a0540f2984051b3089972f42959b",
	"46d6a9b4450b4f5ebf6e62d03f45800b70221c4f", "7dff875c9436a9df2f93cf59a32630761565af99",
	"184e916c628bbf51f85389e67b89ac95bde64188", "b1d3e9bbccb4d295fbbce38b38478ba117e875ae",
	"8710f6ed34e7bcf98971d65acfb5eaed5fc469b0", "85a7e5432dba4c750129797feb399a7bff8b241f",
	"0b31a3cef4462ef99ef4667291091ecbcfcc8749", "7290840de65e04c1fc59dab692468fc9600c6038",
	"e317a8d8b4f600fc7ec9725e26417030ee594f52",
};

/* A seed manifest's commits file, read through a fake git that answers every id. */
static void seed_manifest(const char *name, const char *const *ids, size_t n)
{
	char *dir = xasprintf("kernel-patches/%s", name), *path = data_path(dir);
	struct kseries s;
	int same = 1;

	is_int(kpatch_load(path, "/nonexistent-mainline-clone", &s), 0, "%s: the commits file loads", name);
	is_int((long long)s.n, (long long)n, "%s: %zu commits", name, n);
	for (size_t i = 0; i < n && i < s.n; i++)
		same &= !strcmp(s.patches[i].label, ids[i]);
	ok(same && s.n == n, "%s: the verified mainline ids, full length, in the series' order", name);
	kpatch_free(&s);
	free(path);
	free(dir);
}

static void seed_manifests(const char *dir)
{
	const char *fake = "#!/bin/sh\n# fake git: format-patch prints a one-hunk patch naming the id\n"
			   "for a; do id=$a; done\n"
			   "printf 'From %s Mon Sep 17 00:00:00 2001\\nSubject: x\\n---\\n"
			   "--- a/mm/gup.c\\n+++ b/mm/gup.c\\n@@ -1 +1 @@\\n-a\\n+%s\\n' \"$id\" \"$id\"\n";
	char *bin = xasprintf("%s/bin", dir), *gp = xasprintf("%s/git", bin);
	char *old = xstrdup(getenv("PATH")), *path = xasprintf("%s:%s", bin, old);

	mkdir_p(bin, 0755);
	put(bin, "git", fake);
	chmod(gp, 0755);
	setenv("PATH", path, 1);
	seed_manifest("mm-gup-unify-hugetlb-v6.6", seed_unify, sizeof(seed_unify) / sizeof(*seed_unify));
	seed_manifest("mm-folio-walk-v6.12", seed_folio, sizeof(seed_folio) / sizeof(*seed_folio));
	setenv("PATH", old, 1);
	free(old);
	free(path);
	free(gp);
	free(bin);
}

/* kpatch_touches_config on one-patch series built in memory. */
static int touches(const char *text)
{
	struct kpatch p = { .label = "p", .text = (char *)text, .strip = 1 };
	struct kseries s = { .patches = &p, .n = 1 };

	return kpatch_touches_config(&s);
}

static void config_inputs(void)
{
	is_int(touches("--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -1 +1 @@\n-a\n+b\n"), 0, "a patch to mm/gup.c keeps the config");
	is_int(touches("--- a/mm/Kconfig\n+++ b/mm/Kconfig\n"), 1, "a Kconfig file is a config input");
	is_int(touches("--- a/arch/x86/Kconfig.debug\n+++ b/arch/x86/Kconfig.debug\n"), 1, "so is Kconfig.*");
	is_int(touches("--- a/kernel/configs/tiny.config\n+++ /dev/null\n"), 1,
	       "deleting a config snippet counts (the +++ side is /dev/null)");
	is_int(touches("diff --git a/mm/a.c b/scripts/kconfig/a.c\nrename from mm/a.c\nrename to scripts/kconfig/a.c\n"),
	       1, "a rename into scripts/ counts without any +++ line");
	is_int(touches("--- a/Makefile\n+++ b/Makefile\n"), 1, "the top Makefile counts");
	is_int(touches("--- a/arch/x86/Makefile\n+++ b/arch/x86/Makefile\n"), 1, "an arch Makefile counts");
	is_int(touches("--- a/mm/Makefile\n+++ b/mm/Makefile\n Kconfig in a context line\n"), 0,
	       "mm/Makefile and text lines do not");
}

int main(void)
{
	char tmpl[] = "/tmp/gupbench-test-kpatch.XXXXXX";
	char *dir = mkdtemp(tmpl), *why, *sdir;
	struct kseries s1, s2;
	char h1[65];

	tap_plan(38);
	why = kpatch_describe_failure("checking file mm/gup.c\nHunk #2 FAILED at 40.\n1 out of 2 hunks FAILED\n",
				      patch1);
	is_str(why, "mm/gup.c hunk #2 (@@ -40,3 +41,4 @@) failed", "the failing hunk is named with its header");
	free(why);
	why = kpatch_describe_failure("checking file mm/hugetlb.c\nHunk #1 FAILED at 1.\n", patch1);
	is_str(why, "mm/hugetlb.c hunk #1 (@@ -1,1 +1,2 @@) failed", "hunks are counted per file");
	free(why);
	why = kpatch_describe_failure("can't find file to patch at input line 3\n", patch1);
	ok(strstr(why, "can't find file") != NULL, "a missing file is reported");
	free(why);

	sdir = xasprintf("%s/myseries", dir);
	mkdir_p(sdir, 0755);
	put(sdir, "series", "# a comment\n0001-one.patch\n");
	put(sdir, "0001-one.patch", patch1);
	is_int(kpatch_load(sdir, NULL, &s1), 0, "a quilt series loads");
	is_str(s1.name, "myseries", "the series is named after its directory");
	is_str(s1.kind, "quilt", "kind is quilt");
	is_int((long long)s1.nfiles, 2, "two touched files");
	is_str(s1.files[0], "mm/gup.c", "touched files lose the a/ b/ prefix");
	memcpy(h1, s1.hash, sizeof(h1));
	kpatch_free(&s1);

	put(sdir, "0001-one.patch", "Subject: one\n---\n--- a/mm/gup.c\n+++ b/mm/gup.c\n@@ -10,3 +10,4 @@\n a\n+c\n c\n d\n");
	is_int(kpatch_load(sdir, NULL, &s2), 0, "the changed series loads");
	ok(strcmp(h1, s2.hash) != 0, "changing a patch changes the series hash");
	kpatch_free(&s2);

	put(sdir, "series", "0001-one.patch\n0002-missing.patch\n");
	ok(kpatch_load(sdir, NULL, &s2) < 0, "a series naming a missing patch fails to load");
	kpatch_free(&s2);
	why = xasprintf("%s/series", sdir);
	unlink(why);
	free(why);
	put(sdir, "commits", "0123456789abcdef0123456789abcdef01234567 mm: something\n");
	ok(kpatch_load(sdir, NULL, &s2) < 0, "a commit list without a git source is refused");
	kpatch_free(&s2);

	put(dir, "two.mbox",
	    "From 1 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 0/2] cover\n\nintro\n\n"
	    "From 2 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 1/2] first\n\n---\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n\n"
	    "From 3 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 2/2] second\n\n---\n--- a/y.c\n+++ b/y.c\n@@ -1 +1 @@\n-a\n+b\n");
	why = xasprintf("%s/two.mbox", dir);
	is_int(kpatch_load(why, NULL, &s2), 0, "an mbox loads");
	is_int((long long)s2.n, 2, "the cover letter is skipped, two patches remain");
	ok(s2.n == 2 && strstr(s2.patches[1].label, "second") != NULL, "mbox patches are labelled by subject");
	is_str(s2.name, "two", "an mbox series is named after the file");
	kpatch_free(&s2);
	free(why);
	commits_from_real_git(dir);
	seed_manifests(dir);
	config_inputs();
	remove_tree(dir);
	free(sdir);
	return tap_done();
}
