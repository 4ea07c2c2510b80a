/*
 * kpatch: patch series for kernel builds. A series is a directory in
 * kernel-patches/ holding one of:
 *   series    quilt's file: patch file names in order ("# " comments,
 *             an optional "-pN" after a name)
 *   *.mbox    one mbox as `b4 am` writes it, split into one patch per mail
 *   commits   upstream commit ids in order (first word of each line); they
 *             are taken from a git source with `git format-patch`, so the
 *             user's repository is only read
 * or is itself an mbox file. Every patch is held in memory, so the series'
 * hash covers exactly what gets applied. Application is all or nothing: a
 * patch is dry-run first (without fuzz, as strict as git am), and when one
 * fails the ones already applied are reversed, then the error names the
 * series, the patch and the hunk.
 */
#ifndef GUPBENCH_KPATCH_H
#define GUPBENCH_KPATCH_H

#include <stddef.h>

struct kpatch {
	char *label;    /* file name, "<mbox>#N <subject>", or the commit id */
	char *text;     /* the patch itself */
	int strip;      /* patch -pN */
};

struct kseries {
	char *name;     /* directory (or mbox) base name */
	char *path;     /* as given */
	const char *kind; /* "quilt", "mbox", "commits" */
	struct kpatch *patches;
	size_t n;
	char hash[65];  /* sha256 over labels, strip levels and texts */
	char **files;   /* files the series touches (from +++ lines), sorted, unique */
	size_t nfiles;
};

/*
 * Load a series. git_repo is the source's repository for "commits" series
 * (NULL for tarball and directory sources). Returns 0, or -1 after one
 * "error:" line naming the series and what is wrong.
 */
int kpatch_load(const char *path, const char *git_repo, struct kseries *s);
void kpatch_free(struct kseries *s);

/*
 * Apply the whole series to tree (scratch: a directory for temporary patch
 * files). On failure nothing stays applied and -1 is returned after one
 * line: "patch '<label>' of series '<name>' does not apply: <file> hunk #N
 * (<@@ header>) failed".
 */
int kpatch_apply(const struct kseries *s, const char *tree, const char *scratch);
/* Reverse an applied series (last patch first); -1 with a message on failure. */
int kpatch_reverse(const struct kseries *s, const char *tree, const char *scratch);
/* Write the patches as NNNN-<label>.patch (labels already numbered so kept) and a series file into dir. */
int kpatch_export(const struct kseries *s, const char *dir);

/*
 * From `patch` output and the patch text, describe the first failure as
 * "<file> hunk #N (<@@ header>)"; freshly allocated. Exposed for tests.
 */
char *kpatch_describe_failure(const char *patch_output, const char *patch_text);

/*
 * Whether any path line of the series (diff, ---, +++, rename, copy) names
 * an input of the kernel's configuration: a Kconfig file, a *.config
 * snippet, scripts/, or the top or an arch Makefile. Conservative: a false
 * yes only costs kbuild a Kconfig run. Deletions and renames count too.
 */
int kpatch_touches_config(const struct kseries *s);

#endif
