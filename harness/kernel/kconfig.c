/*
 * kconfig: parsing, merging and verifying config fragments. Kept free of
 * any process spawning so that the unit tests exercise it on plain text
 * and small fixture trees; kbuild runs tinyconfig and olddefconfig around
 * it.
 */
#include "harness/kernel/kconfig.h"
#include "lib/util.h"

#include <ctype.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>

static const char not_set[] = " is not set";

void kconfig_set_free(struct kconfig_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->opts[i].sym);
		free(set->opts[i].value);
		free(set->opts[i].origin);
	}
	free(set->opts);
	memset(set, 0, sizeof(*set));
}

const struct kconfig_opt *kconfig_find(const struct kconfig_set *set, const char *sym)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->opts[i].sym, sym))
			return &set->opts[i];
	return NULL;
}

static void set_put(struct kconfig_set *set, char *sym, char *value, char *origin, int portable)
{
	struct kconfig_opt *o = (struct kconfig_opt *)kconfig_find(set, sym);

	if (o) {
		free(o->sym);
		free(o->value);
		free(o->origin);
	} else {
		if (set->n == set->cap)
			set->opts = xrealloc(set->opts, (set->cap = set->cap ? set->cap * 2 : 64) * sizeof(*o));
		o = &set->opts[set->n++];
	}
	o->sym = sym;
	o->value = value;
	o->origin = origin;
	o->portable = portable;
}

static int valid_sym(const char *s, size_t n)
{
	if (n <= 7 || strncmp(s, "CONFIG_", 7))
		return 0;
	for (size_t i = 7; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/*
 * Classify one line (without newline): 1 = option (sym/value filled,
 * value NULL for "is not set"), 0 = blank or comment, -1 = malformed.
 */
static int parse_line(const char *line, size_t len, char **sym, char **value)
{
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	while (len && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	if (!len)
		return 0;
	if (line[0] == '#') {
		size_t nl = strlen(not_set);
		const char *p = line + 1;
		size_t rest = len - 1;

		while (rest && *p == ' ') {
			p++;
			rest--;
		}
		if (rest > nl && !memcmp(p + rest - nl, not_set, nl) && valid_sym(p, rest - nl)) {
			*sym = strndup(p, rest - nl);
			*value = NULL;
			return 1;
		}
		return 0;
	}
	const char *eq = memchr(line, '=', len);

	if (!eq || !valid_sym(line, (size_t)(eq - line)) || eq + 1 == line + len)
		return -1;
	*sym = strndup(line, (size_t)(eq - line));
	*value = strndup(eq + 1, (size_t)(line + len - eq - 1));
	return 1;
}

int kconfig_parse(struct kconfig_set *set, const char *text, const char *origin, unsigned flags)
{
	int lineno = 0;

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *sym, *value;
		int r;

		lineno++;
		r = parse_line(p, len, &sym, &value);
		if (r < 0)
			return error("'%s' line %d is not 'CONFIG_X=value' nor '# CONFIG_X is not set': '%.*s'",
				     origin, lineno, (int)len, p);
		if (r > 0)
			set_put(set, sym, value, xasprintf("%s:%d", origin, lineno), !!(flags & KCONFIG_PORTABLE));
		p += len + (nl ? 1 : 0);
	}
	return 0;
}

int kconfig_parse_file(struct kconfig_set *set, const char *path)
{
	char *text = read_file(path, NULL);
	int r;

	if (!text)
		return error("cannot read config fragment '%s': %m", path);
	r = kconfig_parse(set, text, path, 0);
	free(text);
	return r;
}

static void append(char **buf, size_t *n, size_t *cap, const char *s, size_t len)
{
	if (*n + len + 2 > *cap)
		*buf = xrealloc(*buf, *cap = (*n + len + 2) * 2);
	memcpy(*buf + *n, s, len);
	*n += len;
	(*buf)[*n] = '\0';
}

char *kconfig_merge(const char *base, const struct kconfig_set *frag)
{
	size_t n = 0, cap = strlen(base) + 4096;
	char *out = xmalloc(cap);

	out[0] = '\0';
	for (const char *p = base; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *sym = NULL, *value = NULL;
		int drop = 0;

		if (parse_line(p, len, &sym, &value) > 0)
			drop = kconfig_find(frag, sym) != NULL;
		free(sym);
		free(value);
		if (!drop) {
			append(&out, &n, &cap, p, len);
			append(&out, &n, &cap, "\n", 1);
		}
		p += len + (nl ? 1 : 0);
	}
	for (size_t i = 0; i < frag->n; i++) {
		const struct kconfig_opt *o = &frag->opts[i];
		char *line = o->value ? xasprintf("%s=%s\n", o->sym, o->value)
				      : xasprintf("# %s%s\n", o->sym, not_set);

		append(&out, &n, &cap, line, strlen(line));
		free(line);
	}
	return out;
}

/* Whether text holds a "config NAME" or "menuconfig NAME" line. */
static int defines_in(const char *text, const char *name)
{
	size_t nl = strlen(name);

	for (const char *p = text; *p;) {
		const char *q = p + strspn(p, " \t"), *kw = NULL;

		if (!strncmp(q, "menuconfig", 10))
			kw = q + 10;
		else if (!strncmp(q, "config", 6))
			kw = q + 6;
		if (kw && (*kw == ' ' || *kw == '\t')) {
			kw += strspn(kw, " \t");
			if (!strncmp(kw, name, nl) && (!kw[nl] || isspace((unsigned char)kw[nl])))
				return 1;
		}
		p += strcspn(p, "\n");
		p += *p ? 1 : 0;
	}
	return 0;
}

int kconfig_tree_defines(const char *tree, const char *sym)
{
	char *const roots[] = { (char *)tree, NULL };
	FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOSTAT, NULL);
	const char *name = strncmp(sym, "CONFIG_", 7) ? sym : sym + 7;
	FTSENT *e;
	int found = 0;

	if (!fts)
		return 0;
	while (!found && (e = fts_read(fts))) {
		char *text;

		if (e->fts_info == FTS_D && e->fts_level > 0 && e->fts_name[0] == '.')
			fts_set(fts, e, FTS_SKIP);   /* .git and friends */
		if ((e->fts_info != FTS_F && e->fts_info != FTS_NSOK) || strncmp(e->fts_name, "Kconfig", 7))
			continue;
		text = read_file(e->fts_accpath, NULL);
		found = text && defines_in(text, name);
		free(text);
	}
	fts_close(fts);
	return found;
}

/* Whether the unmet request w is one the tree has no option for. */
static int skippable(const struct kconfig_opt *w, const struct kconfig_opt *h, const char *tree)
{
	return tree && w->portable && w->value && !h && !kconfig_tree_defines(tree, w->sym);
}

int kconfig_verify(const char *final, const struct kconfig_set *want, const char *tree, char **dropped,
		   char **skipped)
{
	struct kconfig_set have = { 0 };
	size_t n = 0, cap = 256, sn = 0, scap = 256;
	int bad = 0;

	*dropped = xmalloc(cap);
	(*dropped)[0] = '\0';
	*skipped = xmalloc(scap);
	(*skipped)[0] = '\0';
	/* a .config written by Kconfig has no malformed lines; tolerate any */
	for (const char *p = final; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *sym, *value;

		if (parse_line(p, len, &sym, &value) > 0)
			set_put(&have, sym, value, NULL, 0);
		p += len + (nl ? 1 : 0);
	}
	for (size_t i = 0; i < want->n; i++) {
		const struct kconfig_opt *w = &want->opts[i];
		const struct kconfig_opt *h = kconfig_find(&have, w->sym);
		const char *hv = h ? (h->value ? h->value : "is not set") : "absent";
		char *line;

		if (!w->value ? (!h || !h->value) : (h && h->value && !strcmp(h->value, w->value)))
			continue;
		if (skippable(w, h, tree)) {
			line = xasprintf("%s=%s (asked by %s)\n", w->sym, w->value, w->origin);
			append(skipped, &sn, &scap, line, strlen(line));
			free(line);
			continue;
		}
		bad++;
		if (w->value)
			line = xasprintf("%s=%s (now %s; asked by %s)\n", w->sym, w->value, hv, w->origin);
		else
			line = xasprintf("%s is not set (now %s; asked by %s)\n", w->sym, hv, w->origin);
		append(dropped, &n, &cap, line, strlen(line));
		free(line);
	}
	kconfig_set_free(&have);
	return bad;
}
