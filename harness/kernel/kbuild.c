/*
 * kbuild: the kernel build pipeline behind `gupharness kernel build`:
 * resolve the source to an identity (source.c), answer repeated requests
 * from the request memo, prepare the per-source work tree and apply the
 * series (kbuild-tree.c), make the config (kbuild-config.c), hash the
 * cache key, run make with a progress line (kbuild-make.c), collect the
 * entry into a temporary directory (kbuild-entry.c) and rename it into
 * the cache (kcache.c). See kbuild.h.
 */
#include "harness/kernel/kbuild-steps.h"
#include "harness/kernel/kcache.h"
#include "harness/kernel/kname.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int kbuild_errno_status(int e)
{
	return e == ENOSPC || e == EDQUOT ? EXIT_IO : EXIT_BUILD;
}

char *kbuild_default_name(const char *source, const char *rev)
{
	char *s = xstrdup(source), *base, *p, *name;
	static const char *const exts[] = { ".tar.xz", ".tar.gz", ".tar.bz2", ".tar.zst", ".tgz", ".tar" };

	while (strlen(s) > 1 && s[strlen(s) - 1] == '/')
		s[strlen(s) - 1] = '\0';
	base = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t bl = strlen(base), el = strlen(exts[i]);

		if (bl > el && !strcmp(base + bl - el, exts[i])) {
			base[bl - el] = '\0';
			break;
		}
	}
	if (!strncmp(base, "linux-source-", 13))
		name = xasprintf("linux-%s", base + 13);
	else
		name = xstrdup(base);
	if (rev) {
		char *n = xasprintf("%s-%s", name, rev);

		free(name);
		name = n;
	}
	for (p = name; *p; p++)
		if (*p == '/' || *p == ' ')
			*p = '-';
	free(s);
	return name;
}

/* Capture the first line of a command's output; NULL on failure. */
static char *first_line(char *const argv[], const char *cwd)
{
	struct spawn_opts o = { .cwd = cwd, .capture = 1 };
	struct spawn_result r;
	char *line = NULL;

	if (spawn_run(argv, &o, &r) == 0 && r.status == 0 && r.out) {
		r.out[strcspn(r.out, "\n")] = '\0';
		line = xstrdup(r.out);
	}
	spawn_result_free(&r);
	return line;
}

static void request_hash(struct build *b, const char *frag_text, char out[65])
{
	char *s = xasprintf("%s\n%s\n%s\n%s\n%s\n%s\n%s", RECIPE, b->src.ref.id, b->arch->name, b->compiler,
			    b->have_series ? b->series.hash : "-", b->cc, frag_text);

	sha256_hex(s, strlen(s), out);
	free(s);
}

static void cache_key(struct build *b, const char *config, char out[65])
{
	char ch[65], *s;

	sha256_hex(config, strlen(config), ch);
	s = xasprintf("%s\n%s\n%s\n%s\n%s\n%s", RECIPE, b->src.ref.id, b->have_series ? b->series.hash : "-",
		      ch, b->compiler, b->arch->name);
	sha256_hex(s, strlen(s), out);
	free(s);
}

static int pick_compiler(struct build *b)
{
	char *gcc = xasprintf("%sgcc", arch_cross_prefix(b->arch));
	char *argv[] = { gcc, "--version", NULL };
	const char *no_ccache = getenv("GUPBENCH_NO_CCACHE");

	if (!have_program(gcc)) {
		error("compiler '%s' not found: install it (apt-get install %s)", gcc,
		      arch_cross_prefix(b->arch)[0] ? b->arch->deb_cross_gcc : "gcc");
		free(gcc);
		return EXIT_ENV;
	}
	if (!have_program("make")) {
		free(gcc);
		return error("'make' not found: apt-get install make"), EXIT_ENV;
	}
	b->compiler = first_line(argv, NULL);
	if (!b->compiler)
		b->compiler = xstrdup(gcc);
	if (have_program("ccache") && !(no_ccache && *no_ccache && strcmp(no_ccache, "0"))) {
		b->cc = xasprintf("ccache %s", gcc);
		/* Every work directory is <dir>/tree + <dir>/obj-<arch>: with the
		 * paths under the cache made relative, the same source unpacked
		 * twice (a tarball and a directory copy, a scratch build) shares
		 * ccache's objects. A user's own CCACHE_BASEDIR wins. */
		setenv("CCACHE_BASEDIR", cache_root(), 0);
		/* Depend mode: on a miss ccache runs the compiler once and
		 * takes the header list from its -MD output, instead of
		 * preprocessing first to hash, which is faster on a cold
		 * build (docs/lab-figures.md). */
		setenv("CCACHE_DEPEND", "1", 0);
	} else
		b->cc = xstrdup(gcc);
	free(gcc);
	return 0;
}

static void build_free(struct build *b)
{
	struct source *s = &b->src;

	if (b->tmp) {
		remove_tree(b->tmp);
		free(b->tmp);
	}
	if (b->lockfd > 0)
		close(b->lockfd);
	if (b->have_series)
		kpatch_free(&b->series);
	json_decref(b->frag_sha);
	source_ref_free(&s->ref);
	free(s->work);
	free(s->tree);
	free(s->obj);
	free(s->cfg);
	free(s->scratch);
	free(s->marker);
	free(b->cc);
	free(b->compiler);
	free(b->name);
}

/* The request's patch series, if any: one that is not there is bad input
 * (2); one that is malformed, a build fault (5). */
static int load_series(struct build *b)
{
	const char *series = b->req->series;

	if (!series)
		return 0;
	if (kpatch_load(series, b->src.ref.ops && b->src.ref.ops->kind == SOURCE_GIT ? b->src.ref.path : NULL, &b->series))
		return file_exists(series) ? EXIT_BUILD : EXIT_USAGE;
	b->have_series = 1;
	return 0;
}

/* The cache name: the request's, or one derived from source, revision and series. */
static void name_build(struct build *b)
{
	char *base;

	if (b->req->name) {
		b->name = xstrdup(b->req->name);
		return;
	}
	base = kbuild_default_name(b->src.ref.path, b->src.ref.rev);
	b->name = b->have_series ? xasprintf("%s+%s", base, b->series.name) : xstrdup(base);
	free(base);
}

/* kname_claim for this request: 0, or EXIT_REFUSED with nothing changed. */
static int claim_name(struct build *b, const char *key, const char *config, json_t *frag_names)
{
	json_t *want = kbuild_request_meta(b, key, config, frag_names);
	int r = kname_claim(b->name, want, b->req->replace);

	json_decref(want);
	return r;
}

/* An entry with this key is reused (a hit) unless forced; otherwise built and committed. */
static int build_or_hit(struct build *b, const char *key, const char *config, json_t *frag_names,
			struct kbuild_result *res)
{
	int r;

	if (!b->req->force && kcache_has_key(key)) {
		res->hit = 1;
		return 0;
	}
	r = kbuild_build_entry(b, key, config, frag_names);
	if (!r)
		r = kbuild_series_unapply(b);
	if (!r && kcache_commit(b->tmp, key))
		r = EXIT_IO;
	if (!r) {
		free(b->tmp);
		b->tmp = NULL;
	}
	return r;
}

int kbuild_build(const struct kbuild_req *req, struct kbuild_result *res)
{
	struct build b = { .req = req, .lockfd = -1, .log_fd = -1, .frag_sha = json_array() };
	struct kconfig_set want = { 0 };
	json_t *frag_names = json_array();
	char *frag_text = NULL, *config = NULL, reqhash[65], key[65];
	double t0 = now_monotonic();
	int r;

	memset(res, 0, sizeof(*res));
	b.arch = arch_lookup(req->arch ? req->arch : "x86_64");
	if (!b.arch) {
		error("unknown arch '%s': kernel build knows %s", req->arch, arch_names());
		r = EXIT_USAGE;
		goto out;
	}
	b.verbose = req->verbose;
	b.tty = stderr_is_tty();
	if ((r = pick_compiler(&b)) || (r = source_resolve(req->source, req->rev, &b.src.ref)))
		goto out;
	kbuild_tree_set(&b.src, b.arch->name);
	if ((r = load_series(&b)))
		goto out;
	name_build(&b);
	if ((r = kbuild_load_fragments(&b, &want, &frag_text, frag_names)))
		goto out;
	request_hash(&b, frag_text, reqhash);
	if (!req->force && kcache_memo_get(reqhash, key) == 0) {
		if ((r = claim_name(&b, key, NULL, frag_names)))
			goto out;
		if (kcache_set_name(b.name, key)) {
			r = EXIT_IO;
			goto out;
		}
		res->hit = 1;
		goto done;
	}
	if ((r = kbuild_tree_lock(&b)) || (r = kbuild_tree_prepare(&b)))
		goto out;
	if (b.have_series && (r = kbuild_series_apply(&b)))
		goto out;
	if ((r = kbuild_configure(&b, &want, frag_text, &config)))
		goto out;
	cache_key(&b, config, key);
	if ((r = claim_name(&b, key, config, frag_names)) || (r = build_or_hit(&b, key, config, frag_names, res)))
		goto out;
	if ((r = kbuild_series_unapply(&b)))
		goto out;
	if (kcache_set_name(b.name, key) || kcache_memo_put(reqhash, key)) {
		r = EXIT_IO;
		goto out;
	}
done:
	memcpy(res->key, key, sizeof(key));
	res->name = xstrdup(b.name);
	r = 0;
out:
	if (b.applied && kbuild_series_unapply(&b) && !r)
		r = EXIT_BUILD;
	if (spawn_interrupted() && r)
		r = EXIT_INTERRUPTED;
	res->seconds = now_monotonic() - t0;
	kconfig_set_free(&want);
	json_decref(frag_names);
	free(frag_text);
	free(config);
	build_free(&b);
	return r;
}

void kbuild_result_free(struct kbuild_result *res)
{
	free(res->name);
	res->name = NULL;
}
