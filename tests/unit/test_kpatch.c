/*
 * test_kpatch: naming the failing hunk from GNU patch's output, and the
 * series hash changing whenever a patch's contents change (the cache key
 * depends on it). Series are written to a scratch directory under /tmp.
 */
#include "kpatch.h"
#include "util.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
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

int main(void)
{
	char tmpl[] = "/tmp/gupbench-test-kpatch.XXXXXX";
	char *dir = mkdtemp(tmpl), *why, *sdir;
	struct kseries s1, s2;
	char h1[65];

	tap_plan(16);
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
	remove_tree(dir);
	free(sdir);
	return tap_done();
}
