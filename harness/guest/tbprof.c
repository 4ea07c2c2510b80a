/*
 * tbprof: reads QEMU's in_asm+exec log into a per-function profile of the
 * window beneath one root function (see tbprof.h). Blocks are known by the
 * host address of their translation (the first field of a Trace line): an
 * IN: block binds to the next Trace line with its guest PC, and a later
 * retranslation at the same host address binds again.
 */
#include "harness/guest/tbprof.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TB_PLAIN, TB_CALL };
enum { MAX_DEPTH = 512 };

struct sym { unsigned long long addr; char *name; };
struct tb { unsigned long long host, pc, next; unsigned n; int kind; };   /* next: after the last insn */

struct state {
	struct sym *sym; int nsym;
	struct tb *tab; size_t cap, used;           /* open-addressing map host -> tb */
	unsigned long long *self, *incl, *calls, *stamp, gen;
	struct tb pending; int have_pending;
	int stack[MAX_DEPTH], depth, push_next;
	unsigned long long ret[MAX_DEPTH], push_ret, last_next;   /* each frame's return address */
	unsigned long long root, total, windows;
};

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Text symbols of System.map, sorted by address. */
static int read_map(const char *path, struct state *s)
{
	FILE *f = fopen(path, "r");
	char line[512], name[400], type;
	unsigned long long a;
	int cap = 0;

	if (!f)
		return error("cannot read System.map '%s'; rebuild the kernel so its cache entry keeps one", path);
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%llx %c %399s", &a, &type, name) != 3 || !strchr("tTwW", type))
			continue;
		if (s->nsym == cap)
			s->sym = xrealloc(s->sym, (cap = cap ? 2 * cap : 4096) * sizeof(*s->sym));
		s->sym[s->nsym].addr = a;
		s->sym[s->nsym++].name = xstrdup(name);
	}
	fclose(f);
	qsort(s->sym, s->nsym, sizeof(*s->sym), by_addr);
	return s->nsym ? 0 : error("System.map '%s' has no text symbols", path);
}

/* Index of the symbol containing pc, or -1 below the first. */
static int sym_of(const struct state *s, unsigned long long pc)
{
	int lo = 0, hi = s->nsym - 1, r = -1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (s->sym[mid].addr <= pc)
			r = mid, lo = mid + 1;
		else
			hi = mid - 1;
	}
	return r;
}

static struct tb *slot(struct state *s, unsigned long long host)
{
	size_t i = (host >> 4) * 0x9E3779B97F4A7C15ull % s->cap;

	while (s->tab[i].host && s->tab[i].host != host)
		i = (i + 1) % s->cap;
	return &s->tab[i];
}

static void bind(struct state *s, const struct tb *t)
{
	struct tb *e;

	if (2 * (s->used + 1) > s->cap) {
		struct tb *old = s->tab;
		size_t oc = s->cap;

		s->cap = oc ? 2 * oc : 1 << 16;
		s->tab = xcalloc(s->cap, sizeof(*s->tab));
		for (size_t i = 0; i < oc; i++)
			if (old[i].host)
				*slot(s, old[i].host) = old[i];
		free(old);
	}
	e = slot(s, t->host);
	if (!e->host)
		s->used++;
	*e = *t;
}

/* One disassembly line of an IN: block: "0xPC:  bytes  mnemonic ops". */
static void asm_line(struct state *s, const char *line)
{
	unsigned long long pc = strtoull(line, NULL, 16);
	const char *p = strchr(line, ':') + 1;
	char tok[32];
	int len;

	if (!s->have_pending)
		s->pending = (struct tb){ 0, pc, pc, 0, TB_PLAIN }, s->have_pending = 1;
	s->pending.n++;
	s->pending.next = pc;
	while (sscanf(p, "%31s%n", tok, &len) == 1) {
		p += len;
		if (strlen(tok) == 2 && isxdigit((unsigned char)tok[0]) && isxdigit((unsigned char)tok[1])) {
			s->pending.next++;
			continue;
		}
		s->pending.kind = !strncmp(tok, "call", 4) ? TB_CALL : TB_PLAIN;
		break;
	}
}

/* Count one executed block of n instructions at pc into the window. A
 * block starting at a frame's return address returns to that frame (an
 * unmatched ret, an interrupt or a missed block cannot unbalance it). */
static void count(struct state *s, const struct tb *t)
{
	int f = sym_of(s, t->pc);

	for (int i = s->depth - 1; i >= 0 && !s->push_next; i--)
		if (s->ret[i] == t->pc) {
			s->depth = i;
			break;
		}
	if (!s->depth && !s->push_next)
		return;
	if (f < 0)
		return;
	if (s->push_next && s->depth < MAX_DEPTH)
		s->ret[s->depth] = s->push_ret, s->stack[s->depth++] = f, s->calls[f]++;
	s->push_next = 0;
	s->gen++;
	s->self[f] += t->n;
	s->total += t->n;
	s->incl[f] += t->n;
	s->stamp[f] = s->gen;
	for (int i = 0; i < s->depth; i++)
		if (s->stamp[s->stack[i]] != s->gen)
			s->stamp[s->stack[i]] = s->gen, s->incl[s->stack[i]] += t->n;
	if (t->kind == TB_CALL)
		s->push_next = 1, s->push_ret = t->next;
}

static void trace_line(struct state *s, const char *line)
{
	unsigned long long host, pc;
	struct tb *t;

	if (sscanf(line, "Trace %*d: %llx [%*x/%llx/", &host, &pc) != 2)
		return;
	if (s->have_pending && s->pending.pc == pc) {
		s->pending.host = host;
		bind(s, &s->pending);
		s->have_pending = 0;
	}
	t = s->cap ? slot(s, host) : NULL;
	if (!t || t->host != host)
		return;
	if (!s->depth && t->pc == s->root) {
		s->windows++;
		s->push_next = 1;
		s->push_ret = s->last_next;
	}
	if (s->depth || s->push_next)
		count(s, t);
	s->last_next = t->next;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct tbprof_fn *)a)->name, ((const struct tbprof_fn *)b)->name);
}

/* Keep the functions the window touched; symbols sharing a name are summed. */
static void collect(struct state *s, struct tbprof *out)
{
	int n = 0;

	out->fn = xcalloc(s->nsym + 1, sizeof(*out->fn));
	for (int i = 0; i < s->nsym; i++)
		if (s->incl[i] || s->calls[i])
			out->fn[n++] = (struct tbprof_fn){ xstrdup(s->sym[i].name), s->self[i], s->incl[i], s->calls[i] };
	qsort(out->fn, n, sizeof(*out->fn), by_name);
	out->n = 0;
	for (int i = 0; i < n; i++) {
		struct tbprof_fn *last = out->n ? &out->fn[out->n - 1] : NULL;

		if (last && !strcmp(last->name, out->fn[i].name)) {
			last->self += out->fn[i].self, last->incl += out->fn[i].incl, last->calls += out->fn[i].calls;
			free(out->fn[i].name);
		} else {
			out->fn[out->n++] = out->fn[i];
		}
	}
	out->total = s->total;
	out->windows = s->windows;
}

static void state_free(struct state *s)
{
	for (int i = 0; i < s->nsym; i++)
		free(s->sym[i].name);
	free(s->sym);
	free(s->tab);
	free(s->self);
	free(s->incl);
	free(s->calls);
	free(s->stamp);
}

static int find_root(struct state *s, const char *root)
{
	for (int i = 0; i < s->nsym; i++)
		if (!strcmp(s->sym[i].name, root)) {
			s->root = s->sym[i].addr;
			return 0;
		}
	return error("the kernel has no function '%s' in its System.map; is CONFIG_GUP_TEST on?", root);
}

int tbprof_read(const char *log, const char *map, const char *root, struct tbprof *out)
{
	struct state s = { 0 };
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	memset(out, 0, sizeof(*out));
	if (read_map(map, &s) || find_root(&s, root)) {
		state_free(&s);
		return -1;
	}
	if (!(f = fopen(log, "r"))) {
		state_free(&s);
		return error("cannot read QEMU log '%s'", log);
	}
	s.self = xcalloc(s.nsym, sizeof(*s.self));
	s.incl = xcalloc(s.nsym, sizeof(*s.incl));
	s.calls = xcalloc(s.nsym, sizeof(*s.calls));
	s.stamp = xcalloc(s.nsym, sizeof(*s.stamp));
	while (getline(&line, &cap, f) > 0) {
		if (line[0] == 'T')
			trace_line(&s, line);
		else if (line[0] == '0' && line[1] == 'x')
			asm_line(&s, line);
		else if (!strncmp(line, "IN:", 3))
			s.have_pending = 0;
	}
	free(line);
	fclose(f);
	collect(&s, out);
	state_free(&s);
	return 0;
}

const struct tbprof_fn *tbprof_find(const struct tbprof *p, const char *name)
{
	struct tbprof_fn key = { (char *)name, 0, 0, 0 };

	return p->n ? bsearch(&key, p->fn, p->n, sizeof(key), by_name) : NULL;
}

void tbprof_free(struct tbprof *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->fn[i].name);
	free(p->fn);
	memset(p, 0, sizeof(*p));
}
