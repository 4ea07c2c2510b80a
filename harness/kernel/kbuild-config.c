/*
 * kbuild-config: a build's configuration: the fragments in merge order,
 * tinyconfig + fragments + olddefconfig in the work tree's cfg-<arch>/,
 * every asked-for option checked to have survived, the final .config
 * remembered per work tree, and written into the object tree.
 */
#include "harness/kernel/kbuild-steps.h"
#include "lib/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fragments in merge order: ours, the arch's, then the user's. */
static char **fragment_paths(struct build *b, int *n)
{
	const struct kbuild_req *q = b->req;
	char **v = xcalloc(q->nfragments + 2, sizeof(*v));

	*n = 0;
	if (!q->no_default_fragment) {
		v[(*n)++] = data_path("harness/configs/gupbench.config");
		if (b->arch->config_fragment)
			v[(*n)++] = data_path(b->arch->config_fragment);
	}
	for (int i = 0; i < q->nfragments; i++)
		v[(*n)++] = xstrdup(q->fragments[i]);
	return v;
}

int kbuild_load_fragments(struct build *b, struct kconfig_set *want, char **all_text, json_t *names)
{
	int n, r = 0;
	char **paths = fragment_paths(b, &n);

	*all_text = xstrdup("");
	for (int i = 0; i < n && !r; i++) {
		char *path = paths[i], *text = read_file(path, NULL), *cat;

		if (!text && i >= n - b->req->nfragments) {   /* a --config the user named */
			error("cannot read config fragment '%s': %m; check the --config path", path);
			r = EXIT_USAGE;
		} else if (!text) {                            /* one of ours: the install is broken */
			error("cannot read config fragment '%s': %m", path);
			r = EXIT_ENV;
		} else if (kconfig_parse(want, text, path, i < n - b->req->nfragments ? KCONFIG_PORTABLE : 0)) {
			r = EXIT_USAGE;
		} else {
			cat = xasprintf("%s# fragment %s\n%s\n", *all_text,
					strrchr(path, '/') ? strrchr(path, '/') + 1 : path, text);
			free(*all_text);
			*all_text = cat;
			json_array_append_new(names, json_string(path));
			json_array_append_new(b->frag_sha, kbuild_sha256_json(text));
		}
		free(text);
	}
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return r;
}

/* Each line of text as a note, or an error when as_error, after prefix. */
static void report_lines(const char *text, const char *prefix, int as_error)
{
	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");

		if (as_error)
			error("%s%.*s", prefix, (int)len, p);
		else
			note("%s%.*s", prefix, (int)len, p);
		p += len + (p[len] ? 1 : 0);
	}
}

/* Produce the final .config text in cfg/ and verify it; *config freshly allocated. */
static int make_config(struct build *b, struct kconfig_set *want, char **config)
{
	struct source *s = &b->src;
	char *log = xasprintf("%s/config.log", s->work);
	char *cp = xasprintf("%s/.config", s->cfg);
	char *base = NULL, *merged, *dropped = NULL, *skipped = NULL;
	int st, r = 0, nd;
	double t0;

	unlink(log);
	if (mkdir_p(s->cfg, 0755)) {
		int e = errno;

		error("cannot create '%s': %m", s->cfg);
		r = kbuild_errno_status(e);
		goto out;
	}
	note("configuring '%s': tinyconfig + %zu fragment option(s)", b->name, want->n);
	t0 = now_monotonic();
	st = kbuild_make_step(b, s->cfg, "tinyconfig", 0, log);
	if (st || !(base = read_file(cp, NULL))) {
		error("'make tinyconfig' failed (status %d): see '%s'", st, log);
		r = EXIT_BUILD;
		goto out;
	}
	merged = kconfig_merge(base, want);
	if (write_file_atomic(cp, merged, strlen(merged))) {
		int e = errno;

		free(merged);
		error("cannot write '%s': %m", cp);
		r = kbuild_errno_status(e);
		goto out;
	}
	free(merged);
	st = kbuild_make_step(b, s->cfg, "olddefconfig", 0, log);
	if (st || !(*config = read_file(cp, NULL))) {
		error("'make olddefconfig' failed (status %d): see '%s'", st, log);
		r = EXIT_BUILD;
		goto out;
	}
	nd = kconfig_verify(*config, want, s->tree, &dropped, &skipped);
	report_lines(skipped, "config option skipped, this kernel has no such option: ", 0);
	if (nd) {
		report_lines(dropped, "config option dropped by Kconfig: ", 1);
		error("%d requested config option(s) missing from the final .config: fix the fragment or "
		      "add what they depend on", nd);
		free(*config);
		*config = NULL;
		r = EXIT_BUILD;
	} else {
		note("configured '%s' in %.0f s", b->name, now_monotonic() - t0);
	}
out:
	free(dropped);
	free(skipped);
	free(base);
	free(cp);
	free(log);
	return r;
}

/*
 * The final .config, remembered per work tree (cfg/final.*) under a hash
 * of everything it depends on but the series: source, arch, compiler and
 * fragments. A series that leaves every configuration input alone (say, a
 * patch to mm/gup.c) gets the base's config without running Kconfig
 * again (docs/lab-figures.md).
 */
int kbuild_configure(struct build *b, struct kconfig_set *want, const char *frag_text, char **config)
{
	char *in = xasprintf("%s\n%s\n%s\n%s\n%s\n%s", RECIPE, b->src.ref.id, b->arch->name, b->compiler, b->cc,
			     frag_text);
	char key[65], *kp = xasprintf("%s/final.key", b->src.cfg), *cp = xasprintf("%s/final.config", b->src.cfg);
	char *had = NULL;
	int reuse = !b->have_series || !kpatch_touches_config(&b->series), r = 0;

	sha256_hex(in, strlen(in), key);
	if (reuse && (had = read_file(kp, NULL)) && !strcmp(had, key) && (*config = read_file(cp, NULL))) {
		note("configuration of '%s' reused: same source, compiler and fragments%s", b->name,
		     b->have_series ? ", and the series changes no Kconfig input" : "");
	} else if (!(r = make_config(b, want, config)) && reuse) {
		/* best effort: without the memo the next build only configures again */
		unlink(kp);
		if (!write_file_atomic(cp, *config, strlen(*config)))
			write_file_atomic(kp, key, strlen(key));
	}
	free(in);
	free(kp);
	free(cp);
	free(had);
	return r;
}

/* Writes the object tree's .config; a config equal to the one there leaves
 * every timestamp alone. */
int kbuild_write_obj_config(struct build *b, const char *config)
{
	char *p = xasprintf("%s/.config", b->src.obj), *q = read_file(p, NULL);
	int r = 0;

	if (mkdir_p(b->src.obj, 0755) || ((!q || strcmp(q, config)) && write_file_atomic(p, config, strlen(config)))) {
		int e = errno;

		error("cannot write '%s/.config': %m", b->src.obj);
		r = kbuild_errno_status(e);
	}
	free(p);
	free(q);
	return r;
}
