/*
 * kconfig: config fragments for kernel builds. A fragment is a list of
 * "CONFIG_X=value" and "# CONFIG_X is not set" lines (the .config syntax).
 * This module parses fragments, merges them over a base .config the way
 * the kernel's merge_config.sh does (a later line for a symbol replaces an
 * earlier one) and, after olddefconfig, checks that every option any
 * fragment asked for survived with the exact value asked (rcutorture's
 * configcheck): Kconfig drops what it cannot satisfy without a word.
 */
#ifndef GUPBENCH_KCONFIG_H
#define GUPBENCH_KCONFIG_H

#include <stddef.h>

struct kconfig_opt {
	char *sym;      /* "CONFIG_GUP_TEST" */
	char *value;    /* "y", "m", "123", "\"str\"", or NULL for "is not set" */
	char *origin;   /* "file:line" the request came from */
	int portable;   /* from a fragment for many kernel versions (KCONFIG_PORTABLE) */
};

struct kconfig_set {
	struct kconfig_opt *opts;
	size_t n, cap;
};

/*
 * A fragment written for many kernel versions (the project's own): an
 * option that the kernel being built does not define at all (renamed or
 * removed, such as BASE_FULL after v6.9) is skipped rather than an error.
 * A user's fragment is for the kernel at hand, where such an option is
 * a typo.
 */
#define KCONFIG_PORTABLE 1u

/*
 * Parse one fragment's text into set (appending; a later request for the
 * same symbol replaces the earlier one); flags: 0 or KCONFIG_PORTABLE.
 * Returns 0, or -1 after printing "error: ..." naming origin and line for
 * a line that is neither an option, a comment nor blank.
 */
int kconfig_parse(struct kconfig_set *set, const char *text, const char *origin, unsigned flags);
/* kconfig_parse() on a file (flags 0); -1 with a message when unreadable. */
int kconfig_parse_file(struct kconfig_set *set, const char *path);
void kconfig_set_free(struct kconfig_set *set);
/* The request for sym in set, or NULL when set does not mention sym. */
const struct kconfig_opt *kconfig_find(const struct kconfig_set *set, const char *sym);

/* Text of base with every symbol of frag replaced or appended; freshly allocated. */
char *kconfig_merge(const char *base, const struct kconfig_set *frag);

/*
 * Check a final .config text against the requests. Every requested option
 * that does not hold is appended to *dropped as "CONFIG_X=want (now have;
 * asked by origin)" lines, one per option, freshly allocated; returns the
 * number of dropped options (0: all hold). A symbol absent from the final
 * .config counts as "is not set" (Kconfig omits invisible symbols). With
 * tree (a kernel source directory, or NULL), a portable request absent
 * from the final .config whose symbol no Kconfig file of tree defines goes
 * to *skipped instead ("CONFIG_X=want (asked by origin)" lines, freshly
 * allocated, "" for none).
 */
int kconfig_verify(const char *final, const struct kconfig_set *want, const char *tree, char **dropped,
		   char **skipped);
/* Whether a Kconfig file under tree defines sym ("CONFIG_X"): 1 yes, 0 no. */
int kconfig_tree_defines(const char *tree, const char *sym);

#endif
