/*
 * kbuild-entry: one cache entry: make the image and the selftest, then
 * collect image, System.map, .config, release, fragments, patches and
 * meta.json into the entry's temporary directory (kcache renames it into
 * the cache); also the identity fields of meta.json a request is compared
 * by before its name moves.
 */
#include "harness/kernel/kbuild-steps.h"
#include "harness/kernel/kcache.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

json_t *kbuild_sha256_json(const char *text)
{
	char h[65];

	sha256_hex(text, strlen(text), h);
	return json_string(h);
}

static int copy_file(const char *from, const char *to, long long *size)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out, e;
	char buf[1 << 16];
	ssize_t n;
	struct stat st;

	if (in < 0)
		return -1;
	fstat(in, &st);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (st.st_mode & 0111) ? 0755 : 0644);
	if (out < 0) {
		e = errno;
		close(in);
		errno = e;
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			e = errno ? errno : ENOSPC;
			close(in);
			close(out);
			errno = e;
			return -1;
		}
	close(in);
	if (close(out) || n < 0)
		return -1;
	if (size)
		*size = st.st_size;
	return 0;
}

static json_t *series_json(const struct kseries *s)
{
	json_t *o = json_object(), *p = json_array(), *f = json_array(), *h = json_array();

	for (size_t i = 0; i < s->n; i++) {
		char sha[65];

		json_array_append_new(p, json_string(s->patches[i].label));
		sha256_hex(s->patches[i].text, strlen(s->patches[i].text), sha);
		json_array_append_new(h, json_string(sha));
	}
	for (size_t i = 0; i < s->nfiles; i++)
		json_array_append_new(f, json_string(s->files[i]));
	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "path", json_string(s->path));
	json_object_set_new(o, "kind", json_string(s->kind));
	json_object_set_new(o, "sha256", json_string(s->hash));
	json_object_set_new(o, "patches", p);
	json_object_set_new(o, "patch_sha256", h);
	json_object_set_new(o, "files", f);
	return o;
}

/* What this request builds, as kname_claim compares it with the build its
 * name points at: meta.json's identity fields (config_sha256 when the
 * configuration is known). */
json_t *kbuild_request_meta(struct build *b, const char *key, const char *config, json_t *frag_names)
{
	json_t *m = json_object(), *src = json_object();

	json_object_set_new(m, "key", json_string(key));
	json_object_set_new(src, "id", json_string(b->src.ref.id));
	json_object_set_new(m, "source", src);
	json_object_set_new(m, "series", b->have_series ? series_json(&b->series) : json_null());
	json_object_set_new(m, "fragments", json_incref(frag_names));
	json_object_set_new(m, "fragment_sha256", json_incref(b->frag_sha));
	if (config)
		json_object_set_new(m, "config_sha256", kbuild_sha256_json(config));
	json_object_set_new(m, "compiler", json_string(b->compiler));
	json_object_set_new(m, "arch", json_string(b->arch->name));
	return m;
}

struct facts {
	const char *key;
	char *release;
	char config_hash[65];
	long long image_size;
	double seconds;
	int incremental, objects, gup_test;
	json_t *fragments;
};

static int write_meta(struct build *b, const struct facts *f)
{
	json_t *m = json_object(), *src = json_object();
	char now[32], *text, *path;
	int r;

	iso8601_now(now);
	json_object_set_new(src, "kind", json_string(b->src.ref.ops->name));
	json_object_set_new(src, "path", json_string(b->src.ref.path));
	json_object_set_new(src, "id", json_string(b->src.ref.id));
	if (b->src.ref.rev)
		json_object_set_new(src, "rev", json_string(b->src.ref.rev));
	if (b->src.ref.commit)
		json_object_set_new(src, "commit", json_string(b->src.ref.commit));
	json_object_set_new(m, "name", json_string(b->name));
	json_object_set_new(m, "key", json_string(f->key));
	json_object_set_new(m, "release", json_string(f->release));
	json_object_set_new(m, "arch", json_string(b->arch->name));
	json_object_set_new(m, "image", json_string(arch_image_name(b->arch)));
	json_object_set_new(m, "image_size", json_integer(f->image_size));
	json_object_set_new(m, "source", src);
	json_object_set_new(m, "series", b->have_series ? series_json(&b->series) : json_null());
	json_object_set_new(m, "compiler", json_string(b->compiler));
	json_object_set_new(m, "ccache", json_boolean(!strncmp(b->cc, "ccache", 6)));
	json_object_set_new(m, "config_sha256", json_string(f->config_hash));
	json_object_set_new(m, "fragments", json_incref(f->fragments));
	json_object_set_new(m, "fragment_sha256", json_incref(b->frag_sha));
	json_object_set_new(m, "build_seconds", json_real(f->seconds));
	json_object_set_new(m, "incremental", json_boolean(f->incremental));
	json_object_set_new(m, "objects_built", json_integer(f->objects));
	json_object_set_new(m, "gup_test", f->gup_test ? json_string("gup_test") : json_null());
	json_object_set_new(m, "built_at", json_string(now));
	json_object_set_new(m, "recipe", json_string(RECIPE));
	text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(m);
	path = xasprintf("%s/meta.json", b->tmp);
	r = write_file_atomic(path, text, strlen(text));
	free(path);
	free(text);
	return r;
}

/* The kernel's gup_test selftest, built next to the entry; its absence is a warning. */
static int try_gup_test(struct build *b)
{
	char *gt = xasprintf("%s/gup_test", b->tmp), *gl = xasprintf("%s/gup_test.log", b->tmp);
	int ok = kbuild_make_gup_test(b, gt, gl) == 0;

	if (!ok) {
		warning("could not build the kernel's gup_test selftest for '%s': see gup_test.log in the entry",
			b->name);
		unlink(gt);
	}
	free(gt);
	free(gl);
	return ok;
}

/* Collects image, config, release, fragments, patches and meta.json into
 * the entry's temporary directory: every write can hit ENOSPC, and then no
 * entry appears. */
static int store_entry(struct build *b, struct facts *f, const char *config, json_t *frag_names)
{
	char *img = xasprintf("%s/%s", b->src.obj, b->arch->image_path);
	char *dimg = xasprintf("%s/%s", b->tmp, arch_image_name(b->arch));
	char *cfg = xasprintf("%s/.config", b->tmp), *rel = xasprintf("%s/release", b->tmp);
	char *fd = xasprintf("%s/fragments", b->tmp), *pd = xasprintf("%s/patches", b->tmp);
	char *rl = xasprintf("%s\n", f->release);
	char *map = xasprintf("%s/System.map", b->src.obj), *dmap = xasprintf("%s/System.map", b->tmp);
	int bad = copy_file(img, dimg, &f->image_size) || copy_file(map, dmap, NULL) ||
		  write_file_atomic(cfg, config, strlen(config)) ||
		  write_file_atomic(rel, rl, strlen(rl)) || mkdir_p(fd, 0755);
	int e = errno, r = 0;

	for (size_t i = 0; !bad && i < json_array_size(frag_names); i++) {
		const char *src = json_string_value(json_array_get(frag_names, i));
		char *dst = xasprintf("%s/%02zu-%s", fd, i, strrchr(src, '/') ? strrchr(src, '/') + 1 : src);

		bad = copy_file(src, dst, NULL);
		e = errno;
		free(dst);
	}
	if (!bad && b->have_series && kpatch_export(&b->series, pd))
		bad = 1, e = errno;
	if (!bad && write_meta(b, f))
		bad = 1, e = errno;
	if (bad) {
		error("cannot store kernel '%s' in '%s': %s", b->name, b->tmp, strerror(e));
		r = kbuild_errno_status(e);
	}
	free(img);
	free(dimg);
	free(map);
	free(dmap);
	free(cfg);
	free(rel);
	free(fd);
	free(pd);
	free(rl);
	return r;
}

int kbuild_build_entry(struct build *b, const char *key, const char *config, json_t *frag_names)
{
	struct facts f = { .key = key, .fragments = frag_names };
	char *log, *p;
	int r, incremental;
	double t0 = now_monotonic();

	kcache_sweep_tmp();
	b->tmp = kcache_tmp_dir(key);
	if (!b->tmp)
		return EXIT_IO;
	kbuild_tree_obj(&b->src, b->arch->name, config);
	if ((r = kbuild_write_obj_config(b, config)))
		return r;
	log = xasprintf("%s/build.log", b->tmp);
	r = kbuild_make_image(b, log, &incremental);
	free(log);
	if (r)
		return r;
	f.seconds = now_monotonic() - t0;
	f.incremental = incremental;
	f.objects = b->objects;
	sha256_hex(config, strlen(config), f.config_hash);
	p = xasprintf("%s/include/config/kernel.release", b->src.obj);
	f.release = read_file(p, NULL);
	free(p);
	if (!f.release)
		return error("build of '%s' left no kernel.release in '%s'", b->name, b->src.obj), EXIT_BUILD;
	f.release[strcspn(f.release, "\n")] = '\0';
	t0 = now_monotonic();
	f.gup_test = try_gup_test(b);
	t0 = now_monotonic() - t0;
	r = store_entry(b, &f, config, frag_names);
	if (!r)
		note("built '%s' (%s) in %.0f s, %d objects compiled; the gup_test selftest in %.0f s", b->name,
		     f.release, f.seconds, f.objects, t0);
	free(f.release);
	return r;
}
