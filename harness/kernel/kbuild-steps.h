/*
 * kbuild-steps: the state of one kernel build and the steps kbuild.c's
 * pipeline runs on it, each in the file named for it: the work tree
 * (kbuild-tree.c), the configuration (kbuild-config.c), make
 * (kbuild-make.c) and the cache entry (kbuild-entry.c). Private to
 * those files; the API is kbuild.h. Functions returning int give 0 or an
 * exit status from lib/diag.h after one "error:" line.
 */
#ifndef GUPBENCH_KBUILD_STEPS_H
#define GUPBENCH_KBUILD_STEPS_H

#include "harness/kernel/arch.h"
#include "harness/kernel/kbuild.h"
#include "harness/kernel/kconfig.h"
#include "harness/kernel/kpatch.h"
#include "harness/kernel/source.h"

#include <jansson.h>
#include <stddef.h>

/* Bump when the build recipe changes in a way that changes the product. */
#define RECIPE "gupbench-kbuild-1"

/* The source and its work tree. */
struct source {
	struct source_ref ref;   /* what the request names, resolved (source.h) */
	char *work;      /* <cache>/src/<work id> */
	char *tree, *obj, *cfg, *scratch, *marker;
};

/* Per-build state shared by the steps. */
struct build {
	const struct kbuild_req *req;
	const struct arch_info *arch;
	struct source src;
	struct kseries series;
	int have_series, applied;
	char *cc;               /* "gcc" or "ccache gcc" */
	char *compiler;         /* first line of gcc --version */
	char *name;
	json_t *frag_sha;       /* each fragment's sha256, in merge order */
	char *tmp;              /* temporary entry directory */
	int lockfd;
	int enospc;
	int headers_built;      /* the image's make also installed usr/include */
	/* progress */
	int log_fd, tty, verbose;
	double t0, last_print;
	int objects, est;
	char line[4096];
	size_t line_len;
};

/* kbuild.c: EXIT_IO for a full disk (ENOSPC, EDQUOT), else EXIT_BUILD. */
int kbuild_errno_status(int e);

/* kbuild-tree.c */
void kbuild_tree_set(struct source *s, const char *arch);
int kbuild_tree_lock(struct build *b);
int kbuild_tree_prepare(struct build *b);
void kbuild_tree_obj(struct source *s, const char *arch, const char *config);
int kbuild_series_apply(struct build *b);
int kbuild_series_unapply(struct build *b);

/* kbuild-config.c */
int kbuild_load_fragments(struct build *b, struct kconfig_set *want, char **all_text, json_t *names);
int kbuild_configure(struct build *b, struct kconfig_set *want, const char *frag_text, char **config);
int kbuild_write_obj_config(struct build *b, const char *config);

/* kbuild-make.c */
int kbuild_run_logged(char *const argv[], const char *cwd, const char *log, int verbose);
int kbuild_make_step(struct build *b, const char *obj, const char *target, int jobs, const char *log);
int kbuild_make_image(struct build *b, const char *log, int *incremental);
int kbuild_make_gup_test(struct build *b, const char *out, const char *log);

/* kbuild-entry.c */
json_t *kbuild_sha256_json(const char *text);
json_t *kbuild_request_meta(struct build *b, const char *key, const char *config, json_t *frag_names);
int kbuild_build_entry(struct build *b, const char *key, const char *config, json_t *frag_names);

#endif
