/*
 * util: data and user paths (source tree or installed), file, hash, clock and name helpers shared by
 * every harness module; see util.h for the contracts (and lib/diag.c for
 * the diagnostics and allocation both programs link).
 */
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The source tree the binary runs from ($GUPBENCH_ROOT, else found above it); NULL when installed. */
const char *repo_root(void)
{
	static char root[PATH_MAX];
	static int looked;
	char exe[PATH_MAX];
	const char *env = getenv("GUPBENCH_ROOT");
	char *slash;

	if (looked)
		return root[0] ? root : NULL;
	looked = 1;
	if (env && *env) {
		snprintf(root, sizeof(root), "%s", env);
		return root;
	}
	snprintf(exe, sizeof(exe), "%s", self_exe());
	/* binary in <root>/harness, <root>/build-san or <root>/build/tests: walk up to the root */
	for (int i = 0; i < 3 && (slash = strrchr(exe, '/')) && slash != exe; i++) {
		char probe[PATH_MAX + 32];

		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/results/schema.sql", exe);
		if (access(probe, R_OK) == 0) {
			snprintf(root, sizeof(root), "%s", exe);
			return root;
		}
	}
	return NULL;
}

/*
 * The shipped files: where each lives in the source tree and where `make
 * install` puts it, under the data directory ($GUPBENCH_DATA, else the
 * compiled-in GUPBENCH_DATADIR) or the guest-binary directory
 * ($GUPBENCH_LIBEXEC, else GUPBENCH_LIBEXECDIR).
 */
static const struct data_place {
	const char *tree;
	int libexec;
	const char *installed;
} data_places[] = {
	{ "harness/matrices", 0, "matrices" },
	{ "harness/configs", 0, "configs" },
	{ "plots", 0, "plots" },
	{ "kernel-patches", 0, "kernel-patches" },
	{ "bench", 1, "" },
};

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

char *data_path(const char *rel)
{
	const char *root = repo_root();

	if (root)
		return xasprintf("%s/%s", root, rel);
	for (size_t i = 0; i < sizeof(data_places) / sizeof(data_places[0]); i++) {
		const struct data_place *p = &data_places[i];
		size_t n = strlen(p->tree);

		if (strncmp(rel, p->tree, n) || (rel[n] && rel[n] != '/'))
			continue;
		if (p->libexec)
			return xasprintf("%s%s", env_or("GUPBENCH_LIBEXEC", gupbench_libexecdir), rel + n);
		return xasprintf("%s/%s%s", env_or("GUPBENCH_DATA", gupbench_datadir), p->installed, rel + n);
	}
	die(EXIT_ENV, "internal: '%s' is not a shipped file", rel);
}

char *data_named(const char *tree_dir, const char *arg, const char *ext)
{
	char *rel, *path;

	if (strchr(arg, '/') || file_exists(arg))
		return xstrdup(arg);
	rel = xasprintf("%s/%s%s", tree_dir, arg, strstr(arg, ext) ? "" : ext);
	path = data_path(rel);
	free(rel);
	if (file_exists(path))
		return path;
	free(path);
	return xstrdup(arg);
}

char *user_path(const char *tree_rel, const char *home_rel)
{
	const char *root = repo_root(), *xdg = getenv("XDG_DATA_HOME");
	char *dir, *path;

	if (root)
		return xasprintf("%s/%s", root, tree_rel);
	dir = xdg && *xdg ? xasprintf("%s/gupbench", xdg)
			  : xasprintf("%s/.local/share/gupbench", env_or("HOME", "/root"));
	if (mkdir_p(dir, 0755))
		die(EXIT_IO, "cannot create '%s': %s; set GUPBENCH_DB or XDG_DATA_HOME to a writable place",
		    dir, strerror(errno));
	path = xasprintf("%s/%s", dir, home_rel);
	free(dir);
	return path;
}

const char *cache_root(void)
{
	static char *root;
	const char *env;

	if (root)
		return root;
	if ((env = getenv("GUPBENCH_CACHE")) && *env)
		root = xstrdup(env);
	else if ((env = getenv("XDG_CACHE_HOME")) && *env)
		root = xasprintf("%s/gupbench", env);
	else
		root = xasprintf("%s/.cache/gupbench", getenv("HOME") ? getenv("HOME") : "/root");
	return root;
}

const char *default_db_path(void)
{
	static char *path;
	const char *env = getenv("GUPBENCH_DB");

	if (path)
		return path;
	path = (env && *env) ? xstrdup(env) : user_path("results/gupbench.db", "gupbench.db");
	return path;
}

int mkdir_p(const char *path, unsigned mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -1;
	return 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_one, 64, FTW_DEPTH | FTW_PHYS);
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 8192, n = 0, r;
	char *buf;

	if (!f)
		return NULL;
	buf = xmalloc(cap);
	while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n - 1 == 0)
			buf = xrealloc(buf, cap *= 2);
	}
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(buf);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int write_file_atomic(const char *path, const void *buf, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644), e;
	const char *p = buf;

	if (fd < 0)
		goto fail;
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail_fd;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) || close(fd))
		goto fail_unlink;
	if (rename(tmp, path))
		goto fail_unlink;
	free(tmp);
	return 0;
fail_fd:
	e = errno;
	close(fd);
	errno = e;
fail_unlink:
	e = errno;
	unlink(tmp);
	errno = e;
fail:
	e = errno;
	free(tmp);
	errno = e;
	return -1;
}

int file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* SHA-256 (FIPS 180-4), small and dependency-free: used for cache keys. */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t fill;
};

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

		h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->fill = 0;
}

static void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->len += len;
	while (len) {
		size_t take = 64 - s->fill < len ? 64 - s->fill : len;

		memcpy(s->buf + s->fill, p, take);
		s->fill += take;
		p += take;
		len -= take;
		if (s->fill == 64) {
			sha256_block(s, s->buf);
			s->fill = 0;
		}
	}
}

static void sha256_final(struct sha256 *s, char out[65])
{
	uint64_t bits = s->len * 8;
	unsigned char pad = 0x80, len8[8];

	sha256_update(s, &pad, 1);
	pad = 0;
	while (s->fill != 56)
		sha256_update(s, &pad, 1);
	for (int i = 0; i < 8; i++)
		len8[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, len8, 8);
	for (int i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

void sha256_hex(const void *buf, size_t len, char out[65])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, buf, len);
	sha256_final(&s, out);
}

int sha256_file_hex(const char *path, char out[65])
{
	unsigned char buf[65536];
	struct sha256 s;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	sha256_init(&s);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&s, buf, n);
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	sha256_final(&s, out);
	return 0;
}

double now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void iso8601_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int stderr_is_tty(void)
{
	return isatty(2);
}

int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '+';
}

void sanitize_name(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	int gap = 0;

	if (!len)
		return;
	for (size_t i = 0; s[i] && o + 1 < len; i++) {
		char c = s[i];

		if (name_char(c) || (c == '-' && i > 0 && name_char(s[i - 1]) && name_char(s[i + 1]))) {
			if (gap && o && o + 2 < len)
				buf[o++] = '_';
			gap = 0;
			buf[o++] = c;
		} else {
			gap = 1;
		}
	}
	if (!o && len > 1)
		buf[o++] = 'x';
	buf[o] = '\0';
}

void uuid_v4(char out[37])
{
	char *u = read_file("/proc/sys/kernel/random/uuid", NULL);

	if (u && strlen(u) >= 36) {
		memcpy(out, u, 36);
		out[36] = '\0';
	} else {
		FILE *f = fopen("/dev/urandom", "rb");
		unsigned char b[16] = { 0 };

		if (!f || fread(b, 1, sizeof(b), f) != sizeof(b))
			die(EXIT_ENV, "cannot read /dev/urandom for a run uuid: %s", strerror(errno));
		fclose(f);
		b[6] = (b[6] & 0x0f) | 0x40;
		b[8] = (b[8] & 0x3f) | 0x80;
		snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
			 b[13], b[14], b[15]);
	}
	free(u);
}

const char *self_exe(void)
{
	static char exe[PATH_MAX];
	ssize_t n;

	if (!exe[0]) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n <= 0)
			die(EXIT_ENV, "cannot find the gupharness binary: /proc not mounted?");
		exe[n] = '\0';
	}
	return exe;
}

void csv_quote(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void dpush(double **a, size_t *n, double x)
{
	/* capacity: 16, then doubled each time n reaches a power of two */
	if (*n == 0 || (*n >= 16 && !(*n & (*n - 1))))
		*a = xrealloc(*a, (*n ? 2 * *n : 16) * sizeof(**a));
	(*a)[(*n)++] = x;
}

void dvec_push(struct dvec *d, double x)
{
	dpush(&d->v, &d->n, x);
}
