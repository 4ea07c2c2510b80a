/*
 * kpatch: loading quilt, mbox and commit-list series and applying them with
 * GNU patch, all or nothing. See kpatch.h.
 */
#include "harness/kernel/kpatch.h"
#include "lib/spawn.h"
#include "lib/strvec.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void add_patch(struct kseries *s, char *label, char *text, int strip)
{
	s->patches = xrealloc(s->patches, (s->n + 1) * sizeof(*s->patches));
	s->patches[s->n++] = (struct kpatch){ label, text, strip };
}

void kpatch_free(struct kseries *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->patches[i].label);
		free(s->patches[i].text);
	}
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s->patches);
	free(s->name);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

/* Next line of text as [*p, end); advances *p; 0 at the end. */
static int next_line(const char **p, const char **start, size_t *len)
{
	const char *nl;

	if (!**p)
		return 0;
	nl = strchr(*p, '\n');
	*start = *p;
	*len = nl ? (size_t)(nl - *p) : strlen(*p);
	*p += *len + (nl ? 1 : 0);
	return 1;
}

static int load_quilt(struct kseries *s, const char *dir)
{
	char *sp = xasprintf("%s/series", dir);
	char *text = read_file(sp, NULL);
	const char *p = text, *line;
	size_t len;
	int lineno = 0;

	if (!text) {
		error("cannot read '%s': %m", sp);
		free(sp);
		return -1;
	}
	s->kind = "quilt";
	while (next_line(&p, &line, &len)) {
		char *l = strndup(line, len), *save = NULL;
		char *name = strtok_r(l, " \t\r", &save), *opt, *path, *body;
		int strip = 1;

		lineno++;
		if (!name || name[0] == '#') {
			free(l);
			continue;
		}
		while ((opt = strtok_r(NULL, " \t\r", &save)))
			if (!strncmp(opt, "-p", 2) && opt[2])
				strip = atoi(opt + 2);
		path = xasprintf("%s/%s", dir, name);
		body = read_file(path, NULL);
		if (!body) {
			error("patch '%s' listed in '%s' line %d cannot be read: %m", path, sp, lineno);
			free(path);
			free(l);
			free(text);
			free(sp);
			return -1;
		}
		add_patch(s, xstrdup(name), body, strip);
		free(path);
		free(l);
	}
	free(text);
	free(sp);
	return 0;
}

/* The Subject of one mail, for labels; "" when there is none. */
static char *mail_subject(const char *mail)
{
	const char *p = mail, *line;
	size_t len;

	while (next_line(&p, &line, &len) && len)
		if (len > 9 && !strncmp(line, "Subject: ", 9))
			return strndup(line + 9, len - 9);
	return xstrdup("");
}

static int load_mbox(struct kseries *s, const char *file)
{
	char *text = read_file(file, NULL);
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	const char *p, *line, *start = NULL;
	size_t len;
	int count = 0;

	if (!text)
		return error("cannot read mbox '%s': %m", file);
	s->kind = "mbox";
	/* a mail starts at a "From " line at the start of the file or after a blank line */
	for (p = text;;) {
		const char *here = p;
		int more = next_line(&p, &line, &len);
		int from = more && len > 5 && !strncmp(line, "From ", 5) &&
			   (here == text || (here >= text + 2 && here[-2] == '\n'));

		if ((from || !more) && start && here > start) {
			char *mail = strndup(start, (size_t)(here - start));

			if (strstr(mail, "\n--- ") && strstr(mail, "\n+++ ")) {
				char *subj = mail_subject(mail);

				add_patch(s, xasprintf("%s#%d %s", base, ++count, subj), mail, 1);
				free(subj);
			} else {
				free(mail);   /* the cover letter */
			}
		}
		if (from)
			start = line;
		if (!more)
			break;
	}
	free(text);
	if (!count)
		return error("mbox '%s' holds no patch: expected mails with diffs, as 'b4 am' writes", file);
	return 0;
}

static int load_commits(struct kseries *s, const char *dir, const char *repo)
{
	char *cp = xasprintf("%s/commits", dir);
	char *text = read_file(cp, NULL);
	const char *p = text, *line;
	size_t len;

	s->kind = "commits";
	if (!text) {
		error("cannot read '%s': %m", cp);
		free(cp);
		return -1;
	}
	if (!repo) {
		free(text);
		free(cp);
		return error("series '%s' is a list of upstream commits: give a git tree with --source DIR --rev REV",
			     s->name);
	}
	while (next_line(&p, &line, &len)) {
		char *l = strndup(line, len), *save = NULL, *id = strtok_r(l, " \t\r", &save);
		char *argv[] = { "git", "-C", (char *)repo, "format-patch", "-1", "--stdout", "--no-signature",
				 id, NULL };
		struct spawn_opts o = { .capture = 1 };
		struct spawn_result r;

		if (!id || id[0] == '#') {
			free(l);
			continue;
		}
		if (spawn_run(argv, &o, &r) || r.status || !r.out_len) {
			error("commit '%s' of series '%s' is not in '%s': fetch it (git fetch) or fix '%s'",
			      id, s->name, repo, cp);
			spawn_result_free(&r);
			free(l);
			free(text);
			free(cp);
			return -1;
		}
		add_patch(s, xstrdup(id), r.out, 1);
		r.out = NULL;
		free(l);
	}
	free(text);
	free(cp);
	return 0;
}

/* The files a series touches, from its "+++ " lines (minus the a/ b/ prefix). */
static void collect_files(struct kseries *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const char *p = s->patches[i].text, *line;
		size_t len;

		while (next_line(&p, &line, &len)) {
			const char *f;
			size_t flen;

			if (len < 5 || strncmp(line, "+++ ", 4))
				continue;
			f = line + 4;
			flen = strcspn(f, "\t\r\n");
			if (flen > len - 4)
				flen = len - 4;
			for (int k = 0; k < s->patches[i].strip; k++) {
				const char *sl = memchr(f, '/', flen);

				if (!sl)
					break;
				flen -= (size_t)(sl + 1 - f);
				f = sl + 1;
			}
			if (flen == 9 && !strncmp(f, "/dev/null", 9))
				continue;
			s->files = xrealloc(s->files, (s->nfiles + 1) * sizeof(char *));
			s->files[s->nfiles++] = strndup(f, flen);
		}
	}
	if (s->nfiles > 1)
		qsort(s->files, s->nfiles, sizeof(char *), cmp_strp);
	size_t w = 0;

	for (size_t i = 0; i < s->nfiles; i++) {
		if (w && !strcmp(s->files[w - 1], s->files[i])) {
			free(s->files[i]);
			continue;
		}
		s->files[w++] = s->files[i];
	}
	s->nfiles = w;
}

static void series_hash(struct kseries *s)
{
	size_t cap = 1024, n = 0;
	char *buf = xmalloc(cap);

	/* label NUL strip NUL text NUL, per patch: no two series collide by concatenation */
	for (size_t i = 0; i < s->n; i++) {
		char *head = xasprintf("%s%c%d", s->patches[i].label, 0, s->patches[i].strip);
		size_t hlen = strlen(head) + 1 + strlen(head + strlen(head) + 1) + 1;
		size_t tlen = strlen(s->patches[i].text) + 1;

		if (n + hlen + tlen > cap)
			buf = xrealloc(buf, cap = (n + hlen + tlen) * 2);
		memcpy(buf + n, head, hlen);
		n += hlen;
		memcpy(buf + n, s->patches[i].text, tlen);
		n += tlen;
		free(head);
	}
	sha256_hex(buf, n, s->hash);
	free(buf);
}

/* The single *.mbox / *.mbx file of dir, or NULL. */
static char *find_mbox(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;

	if (!d)
		return NULL;
	while ((e = readdir(d)))
		if (has_suffix(e->d_name, ".mbox") || has_suffix(e->d_name, ".mbx")) {
			free(found);
			found = xasprintf("%s/%s", dir, e->d_name);
		}
	closedir(d);
	return found;
}

int kpatch_load(const char *path, const char *git_repo, struct kseries *s)
{
	struct stat st;
	char *trim = xstrdup(path), *base, *f;
	int r;

	memset(s, 0, sizeof(*s));
	while (strlen(trim) > 1 && trim[strlen(trim) - 1] == '/')
		trim[strlen(trim) - 1] = '\0';
	base = strrchr(trim, '/') ? strrchr(trim, '/') + 1 : trim;
	s->path = xstrdup(path);
	s->name = xstrdup(base);
	if (stat(trim, &st)) {
		free(trim);
		return error("series '%s' not found: give a directory of kernel-patches/ or an mbox file", path);
	}
	if (S_ISREG(st.st_mode)) {
		char *dot = strrchr(s->name, '.');

		if (dot && (!strcmp(dot, ".mbox") || !strcmp(dot, ".mbx")))
			*dot = '\0';
		r = load_mbox(s, trim);
	} else if ((f = xasprintf("%s/series", trim)) && file_exists(f)) {
		r = load_quilt(s, trim);
		free(f);
	} else if ((free(f), f = xasprintf("%s/commits", trim)) && file_exists(f)) {
		r = load_commits(s, trim, git_repo);
		free(f);
	} else {
		char *mb = (free(f), find_mbox(trim));

		r = mb ? load_mbox(s, mb) : error("series '%s' has no 'series', 'commits' or *.mbox file", path);
		free(mb);
	}
	free(trim);
	if (r)
		return -1;
	if (!s->n)
		return error("series '%s' lists no patches", path);
	collect_files(s);
	series_hash(s);
	return 0;
}

/* Path of the n-th "@@" line after the "+++ " line naming file. */
static char *hunk_header(const char *text, const char *file, int n)
{
	const char *p = text, *line;
	size_t len, flen = strlen(file);
	int in = 0, k = 0;

	while (next_line(&p, &line, &len)) {
		if (len > 4 && !strncmp(line, "+++ ", 4)) {
			size_t plen = strcspn(line + 4, "\t\r\n");

			if (plen > len - 4)
				plen = len - 4;
			in = plen >= flen && !strncmp(line + 4 + plen - flen, file, flen) &&
			     (plen == flen || line[4 + plen - flen - 1] == '/');
			continue;
		}
		if (in && len > 2 && !strncmp(line, "@@", 2) && ++k == n) {
			const char *end = strstr(line + 2, "@@");
			size_t hl = end && end < line + len ? (size_t)(end + 2 - line) : len;

			return strndup(line, hl);
		}
	}
	return NULL;
}

char *kpatch_describe_failure(const char *out, const char *text)
{
	const char *p = out, *line, *last = NULL;
	size_t len, lastlen = 0;
	char file[1024] = "";

	while (next_line(&p, &line, &len)) {
		int n;

		if (sscanf(line, "checking file %1023[^\n]", file) == 1 ||
		    sscanf(line, "patching file %1023[^\n]", file) == 1)
			continue;
		if (sscanf(line, "Hunk #%d FAILED", &n) == 1) {
			char *h = hunk_header(text, file, n), *r;

			r = xasprintf("%s hunk #%d (%s) failed", file, n, h ? h : "header not found");
			free(h);
			return r;
		}
		if (len && (strstr(line, "can't find file") || strstr(line, "Reversed") ||
			    strstr(line, "malformed") || strstr(line, "No file to patch") ||
			    strstr(line, "Only garbage"))) {
			last = line;
			lastlen = len;
		}
	}
	if (last)
		return xasprintf("%s%s%.*s", file, file[0] ? ": " : "", (int)lastlen, last);
	return xstrdup("patch reported no failing hunk; see its output above");
}

static int run_patch(const struct kpatch *pt, const char *tree, const char *scratch,
		     int reverse, int dry, char **out)
{
	char *file = xasprintf("%s/current.patch", scratch);
	struct strvec a = STRVEC_INIT;
	int st;
	struct spawn_opts o = { .cwd = tree, .capture = 1, .merge_stderr = 1 };
	struct spawn_result r;

	if (write_file_atomic(file, pt->text, strlen(pt->text))) {
		error("cannot write '%s': %m", file);
		free(file);
		return -2;
	}
	strvec_push(&a, "patch");
	strvec_pushf(&a, "-p%d", pt->strip);
	/* --fuzz=0: as strict as git am: context that moved is fine, changed is not */
	strvec_pushl(&a, "--batch", "--fuzz=0", "--forward", "--no-backup-if-mismatch", "--reject-file=-", NULL);
	if (reverse)
		strvec_push(&a, "--reverse");
	if (dry)
		strvec_push(&a, "--dry-run");
	strvec_pushl(&a, "-i", file, NULL);
	st = spawn_run(a.v, &o, &r);
	strvec_clear(&a);
	if (st) {
		error("cannot run 'patch': install it (apt-get install patch)");
		free(file);
		return -2;
	}
	st = r.status;
	if (out)
		*out = r.out;
	else
		free(r.out);
	unlink(file);
	free(file);
	return st ? -1 : 0;
}

int kpatch_reverse(const struct kseries *s, const char *tree, const char *scratch)
{
	int bad = 0;

	for (size_t i = s->n; i-- > 0;) {
		char *out = NULL;

		if (run_patch(&s->patches[i], tree, scratch, 1, 0, &out)) {
			error("cannot reverse patch '%s' of series '%s' in '%s': %s", s->patches[i].label,
			      s->name, tree, out ? out : "");
			bad = -1;
		}
		free(out);
	}
	return bad;
}

int kpatch_apply(const struct kseries *s, const char *tree, const char *scratch)
{
	for (size_t i = 0; i < s->n; i++) {
		char *out = NULL;
		int r = run_patch(&s->patches[i], tree, scratch, 0, 1, &out);

		if (!r) {
			free(out);
			r = run_patch(&s->patches[i], tree, scratch, 0, 0, &out);
		}
		if (r) {
			if (r == -1) {
				char *why = kpatch_describe_failure(out ? out : "", s->patches[i].text);

				error("patch '%s' of series '%s' does not apply: %s", s->patches[i].label,
				      s->name, why);
				free(why);
			}
			free(out);
			for (size_t j = i; j-- > 0;)
				run_patch(&s->patches[j], tree, scratch, 1, 0, NULL);
			return -1;
		}
		free(out);
	}
	return 0;
}

static void safe_label(char *dst, size_t cap, const char *label)
{
	size_t n = 0;

	for (const char *p = label; *p && n + 1 < cap && n < 60; p++)
		dst[n++] = (strchr("/ #:\t'\"", *p)) ? '-' : *p;
	dst[n] = '\0';
}

int kpatch_export(const struct kseries *s, const char *dir)
{
	size_t cap = 256, n = 0;
	char *series = xmalloc(cap);

	series[0] = '\0';
	if (mkdir_p(dir, 0755))
		return error("cannot create '%s': %m", dir);
	for (size_t i = 0; i < s->n; i++) {
		char lab[64], *name, *path, *line;

		safe_label(lab, sizeof(lab), s->patches[i].label);
		/* quilt names usually carry their number already */
		if (strspn(lab, "0123456789") == 4 && lab[4] == '-')
			name = xasprintf("%s%s", lab, has_suffix(lab, ".patch") ? "" : ".patch");
		else
			name = xasprintf("%04zu-%s%s", i + 1, lab, has_suffix(lab, ".patch") ? "" : ".patch");
		path = xasprintf("%s/%s", dir, name);
		if (write_file_atomic(path, s->patches[i].text, strlen(s->patches[i].text))) {
			int e = errno;

			free(name);
			free(path);
			free(series);
			errno = e;
			return error("cannot write '%s/%s': %m", dir, lab);
		}
		line = xasprintf("%s -p%d\n", name, s->patches[i].strip);
		if (n + strlen(line) + 1 > cap)
			series = xrealloc(series, cap = (n + strlen(line) + 1) * 2);
		memcpy(series + n, line, strlen(line) + 1);
		n += strlen(line);
		free(line);
		free(name);
		free(path);
	}
	char *sp = xasprintf("%s/series", dir);
	int r = write_file_atomic(sp, series, n);

	if (r)
		error("cannot write '%s': %m", sp);
	free(sp);
	free(series);
	return r ? -1 : 0;
}

/*
 * Whether a path token of a patch names an input of the configuration:
 * a Kconfig file, a config snippet (*.config), scripts/ (Kconfig itself
 * and the helpers its $(shell) calls run), or a Makefile that config
 * targets read (the top one and arch/<arch>/Makefile).
 */
static int config_input(const char *tok, size_t n)
{
	char *t, *f;
	int hit, slashes = 0;

	if (n > 2 && (tok[0] == 'a' || tok[0] == 'b') && tok[1] == '/') {
		tok += 2;
		n -= 2;
	}
	t = strndup(tok, n);
	f = strrchr(t, '/') ? strrchr(t, '/') + 1 : t;
	for (const char *p = t; *p; p++)
		slashes += *p == '/';
	hit = !strncmp(f, "Kconfig", 7) || (n > 7 && !strcmp(t + n - 7, ".config")) || !strncmp(t, "scripts/", 8) ||
	      !strcmp(t, "Makefile") || (!strncmp(t, "arch/", 5) && slashes == 2 && !strcmp(f, "Makefile"));
	free(t);
	return hit;
}

int kpatch_touches_config(const struct kseries *s)
{
	static const char *const heads[] = { "diff --git ", "--- ", "+++ ", "rename from ", "rename to ",
					     "copy from ", "copy to " };

	for (size_t i = 0; i < s->n; i++)
		for (const char *p = s->patches[i].text; *p;) {
			size_t len = strcspn(p, "\n");

			for (size_t h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
				size_t hl = strlen(heads[h]);

				if (len <= hl || strncmp(p, heads[h], hl))
					continue;
				for (const char *q = p + hl; q < p + len;) {
					size_t tl = strcspn(q, " \t\n");

					if (tl && config_input(q, tl))
						return 1;
					q += tl ? tl : 1;
				}
			}
			p += len + (p[len] ? 1 : 0);
		}
	return 0;
}
