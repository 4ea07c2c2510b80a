/*
 * options: the option table and its parser. One table row per option yields
 * the parser's behaviour, the help text and whether a plan case may use it.
 * The parser is our own (not getopt) because plans parse many argv arrays in
 * one process and getopt keeps global state; it follows GNU getopt's rules
 * that the selftest relies on: bundled short flags ("-HL"), attached or
 * separate arguments ("-m512", "-m 512"), "--name=value" or "--name value",
 * non-option words anywhere (they are -c page indexes), "--" ends options.
 */
#include "bench/options.h"
#include "bench/casekey.h"
#include "lib/diag.h"
#include "bench/hugetlb.h"
#include "bench/workload.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB (1UL << 20)

static const struct gup_cmd_info cmd_table[NR_GUP_CMDS] = {
	[CMD_GUP_FAST] = { "gup_fast", "GUP_FAST_BENCHMARK", GUP_FAST_BENCHMARK, "-u", 1 },
	[CMD_PIN_FAST] = { "pin_fast", "PIN_FAST_BENCHMARK", PIN_FAST_BENCHMARK, "-a", 1 },
	[CMD_PIN_LONGTERM] = { "pin_longterm", "PIN_LONGTERM_BENCHMARK", PIN_LONGTERM_BENCHMARK, "-L", 1 },
	[CMD_GUP_BASIC] = { "gup_basic", "GUP_BASIC_TEST", GUP_BASIC_TEST, "-U", 0 },
	[CMD_PIN_BASIC] = { "pin_basic", "PIN_BASIC_TEST", PIN_BASIC_TEST, "-b", 0 },
	[CMD_DUMP_PAGES] = { "dump_pages", "DUMP_USER_PAGES_TEST", DUMP_USER_PAGES_TEST, "-c", 0 },
	[CMD_PIN_LONGTERM_TEST] = { "pin_longterm_test", "PIN_LONGTERM_TEST_START", PIN_LONGTERM_TEST_START,
				    "--longterm-test", 0 },
};

const struct gup_cmd_info *gup_cmd_info(enum gup_cmd cmd)
{
	return &cmd_table[cmd];
}

enum opt_kind {
	K_CMD,      /* select a command: value */
	K_SET,      /* store value into the int at off */
	K_ULONG,    /* parse an unsigned long >= value into off */
	K_LONG,     /* parse a long >= 0 into off */
	K_STR,      /* store the argument string at off */
	K_FN,       /* custom handler */
};

typedef int (*opt_fn)(struct bench_opts *o, const char *arg, char *err, size_t errlen);

struct opt_def {
	char short_name;       /* 0: long only */
	const char *long_name; /* NULL: short only (the selftest's) */
	const char *argname;   /* NULL: a flag */
	enum opt_kind kind;
	size_t off;
	long value;
	opt_fn fn;
	int cmdline_only;      /* not meaningful inside a plan case */
	unsigned cls;          /* OC_* class: the workloads it applies to (0: all) */
	const char *help;
};

static int set_size(struct bench_opts *o, const char *arg, char *err, size_t errlen);
static int set_flags(struct bench_opts *o, const char *arg, char *err, size_t errlen);
static int set_dump(struct bench_opts *o, const char *arg, char *err, size_t errlen);
static int set_hugetlb_size(struct bench_opts *o, const char *arg, char *err, size_t errlen);
static int set_longterm_fast(struct bench_opts *o, const char *arg, char *err, size_t errlen);
static int set_nr_pages(struct bench_opts *o, const char *arg, char *err, size_t errlen);
static int set_workload(struct bench_opts *o, const char *arg, char *err, size_t errlen);
static int set_populate(struct bench_opts *o, const char *arg, char *err, size_t errlen);

#define OFF(f) offsetof(struct bench_opts, f)

static const struct opt_def opt_table[] = {
	{ 'm', NULL, "MB", K_FN, 0, 0, set_size, 0, 0, "size of the range in MiB (default 128)" },
	{ 'r', NULL, "N", K_ULONG, OFF(repeats), 1, NULL, 0, 0, "measured repeats (default 1)" },
	{ 'n', NULL, "N", K_FN, 0, 0, set_nr_pages, 0, OC_NPAGES, "pages per GUP call (default 1; -1: the whole range)" },
	{ 'F', NULL, "FLAGS", K_FN, 0, 0, set_flags, 0, OC_GUP, "raw gup_flags (strtol base 0; FOLL_WRITE/TOUCH added by -w/-z)" },
	{ 'f', NULL, "FILE", K_STR, OFF(file), 0, NULL, 0, OC_GUP, "file to map (default /dev/zero)" },
	{ 'a', NULL, NULL, K_CMD, 0, CMD_PIN_FAST, NULL, 0, OC_GUP, "PIN_FAST_BENCHMARK" },
	{ 'b', NULL, NULL, K_CMD, 0, CMD_PIN_BASIC, NULL, 0, OC_GUP, "PIN_BASIC_TEST" },
	{ 'c', NULL, NULL, K_FN, 0, 0, set_dump, 0, OC_GUP, "DUMP_USER_PAGES_TEST (trailing args: 0-based page indexes)" },
	{ 'j', NULL, "N", K_ULONG, OFF(threads), 1, NULL, 0, OC_GUP, "threads issuing the ioctl (default 1)" },
	{ 't', NULL, NULL, K_SET, OFF(thp), 1, NULL, 0, OC_THP, "madvise(MADV_HUGEPAGE)" },
	{ 'T', NULL, NULL, K_SET, OFF(thp), 0, NULL, 0, OC_THP, "madvise(MADV_NOHUGEPAGE)" },
	{ 'L', NULL, NULL, K_CMD, 0, CMD_PIN_LONGTERM, NULL, 0, OC_GUP, "PIN_LONGTERM_BENCHMARK" },
	{ 'U', NULL, NULL, K_CMD, 0, CMD_GUP_BASIC, NULL, 0, OC_GUP, "GUP_BASIC_TEST" },
	{ 'u', NULL, NULL, K_CMD, 0, CMD_GUP_FAST, NULL, 0, OC_GUP, "GUP_FAST_BENCHMARK (the default)" },
	{ 'w', NULL, NULL, K_SET, OFF(write), 1, NULL, 0, OC_GUP, "FOLL_WRITE (the default)" },
	{ 'W', NULL, NULL, K_SET, OFF(write), 0, NULL, 0, OC_GUP, "no FOLL_WRITE" },
	{ 'S', NULL, NULL, K_SET, OFF(shared), 1, NULL, 0, OC_SHARED, "MAP_SHARED instead of MAP_PRIVATE" },
	{ 'H', NULL, NULL, K_SET, OFF(hugetlb), 1, NULL, 0, OC_HUGETLB, "MAP_HUGETLB|MAP_ANONYMOUS, default hugetlb size" },
	{ 'z', NULL, NULL, K_SET, OFF(touch), 1, NULL, 0, OC_GUP, "fault pages in from GUP (FOLL_TOUCH), not from user space" },
	{ 0, "populate", "HOW", K_FN, 0, 0, set_populate, 0, OC_GUP,
	  "fault the range in: touch (page by page, as the selftest; default) or madvise (MADV_POPULATE_WRITE)" },
	{ 'p', NULL, NULL, K_SET, OFF(dump_use_pin), 1, NULL, 0, OC_GUP, "with -c: pin instead of get" },
	{ 0, "hugetlb-size", "SIZE", K_FN, 0, 0, set_hugetlb_size, 0, OC_HUGETLB, "hugetlb page size 64K|2M|32M|1G (implies -H)" },
	{ 0, "numa-node", "N", K_LONG, OFF(numa_node), 0, NULL, 0, 0, "bind memory and run on NUMA node N" },
	{ 0, "cpu", "N", K_LONG, OFF(cpu), 0, NULL, 0, 0, "run on CPU N" },
	{ 0, "fifo", "PRIO", K_ULONG, OFF(fifo), 1, NULL, 0, 0, "SCHED_FIFO at PRIO (what chrt -f PRIO did)" },
	{ 0, "warmup", "N", K_ULONG, OFF(warmup), 0, NULL, 0, 0, "extra repeats first, kept and flagged as warm-up" },
	{ 0, "longterm-test", NULL, K_CMD, 0, CMD_PIN_LONGTERM_TEST, NULL, 0, OC_GUP,
	  "PIN_LONGTERM_TEST_START/READ/STOP functional check (6.2+)" },
	{ 0, "longterm-fast", NULL, K_FN, 0, 0, set_longterm_fast, 0, OC_GUP, "--longterm-test through pin_user_pages_fast" },
	{ 0, "workload", "NAME", K_FN, 0, 0, set_workload, 0, 0, "what to measure (default gup_test; list: --workload help)" },
	{ 0, "source", "PATH", K_STR, OFF(source), 0, NULL, 0, OC_SOURCE,
	  "odirect_read: file or block device to read with O_DIRECT (default /dev/ram0)" },
	{ 0, "gup-bench", NULL, K_SET, OFF(gup_bench), 1, NULL, 1, 0,
	  "upstream tools/mm/gup_bench: alone, its whole matrix (also when called as gup_bench)" },
	{ 0, "json", NULL, K_SET, OFF(json), 1, NULL, 1, 0, "print one JSON document instead of text" },
	{ 0, "plan", "FILE", K_STR, OFF(plan), 0, NULL, 1, 0, "run the cases of a plan, streaming JSON records" },
	{ 0, "out", "FILE", K_STR, OFF(out), 0, NULL, 1, 0, "write the JSON output to FILE (atomically)" },
	{ 0, "selftest", "PATH", K_STR, OFF(selftest), 0, NULL, 1, 0, "selftest binary for plan cross-check cases (default /gup_test)" },
	{ 'h', "help", NULL, K_SET, OFF(help), 1, NULL, 1, 0, "this help" },
};

#define NR_OPTS (sizeof(opt_table) / sizeof(opt_table[0]))

void opts_defaults(struct bench_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cmd = CMD_GUP_FAST;
	o->size_mb = 128;
	o->repeats = 1;
	o->nr_pages = 1;
	o->file = "/dev/zero";
	o->threads = 1;
	o->thp = -1;
	o->write = 1;
	o->numa_node = -1;
	o->cpu = -1;
	o->workload = workload_default();
}

static void opt_name(const struct opt_def *d, char *buf, size_t len)
{
	if (d->long_name)
		fmt_into(buf, len, "--%s", d->long_name);
	else
		fmt_into(buf, len, "-%c", d->short_name);
}

static int parse_ulong(const char *s, int base, unsigned long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == ' ')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, base);
	return (errno || *end) ? -1 : 0;
}

static int set_size(struct bench_opts *o, const char *arg, char *err, size_t errlen)
{
	unsigned long v;

	if (parse_ulong(arg, 10, &v) || v == 0 || v > (1UL << 40) / MB) {
		fmt_into(err, errlen, "option '-m' wants a size in MiB from 1 to %lu, not '%s'",
			 (1UL << 40) / MB, arg);
		return -1;
	}
	o->size_mb = v;
	return 0;
}

static int set_flags(struct bench_opts *o, const char *arg, char *err, size_t errlen)
{
	unsigned long v;

	if (parse_ulong(arg, 0, &v) || v > 0xffffffffUL) {
		fmt_into(err, errlen, "option '-F' wants a 32-bit flag value (decimal or 0x hex), not '%s'", arg);
		return -1;
	}
	o->gup_flags = v;
	return 0;
}

static int set_dump(struct bench_opts *o, const char *arg, char *err, size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	o->cmd = CMD_DUMP_PAGES;
	/* page 0 unless trailing indexes say otherwise, as in the selftest */
	o->which_pages[0] = 1;
	return 0;
}

static int set_hugetlb_size(struct bench_opts *o, const char *arg, char *err,
			    size_t errlen)
{
	unsigned long kb = hugetlb_size_parse(arg);

	if (!kb) {
		fmt_into(err, errlen, "unknown hugetlb size '%s' (use 64K, 2M, 32M or 1G)", arg);
		return -1;
	}
	o->hugetlb_kb = kb;
	o->hugetlb = 1;
	return 0;
}

static int set_nr_pages(struct bench_opts *o, const char *arg, char *err, size_t errlen)
{
	unsigned long v;

	o->nr_pages_set = 1;
	/* -1: every page of the range in one call (the selftest after v6.12, gup_bench) */
	if (!strcmp(arg, "-1")) {
		o->nr_pages = 0;
		return 0;
	}
	if (parse_ulong(arg, 10, &v) || v < 1 || v > 1000000000UL) {
		fmt_into(err, errlen, "option '-n' wants a page count from 1, or -1 for the whole range, not '%s'", arg);
		return -1;
	}
	o->nr_pages = v;
	return 0;
}

static int set_workload(struct bench_opts *o, const char *arg, char *err, size_t errlen)
{
	const struct workload *w = workload_find(arg);
	char names[256];

	if (!strcmp(arg, "help")) {
		o->help = 2;
		return 0;
	}
	if (!w) {
		workload_names(names, sizeof(names));
		fmt_into(err, errlen, "unknown workload '%s' (one of: %s)", arg, names);
		return -1;
	}
	o->workload = w;
	return 0;
}

static int set_populate(struct bench_opts *o, const char *arg, char *err, size_t errlen)
{
	if (strcmp(arg, "touch") && strcmp(arg, "madvise")) {
		fmt_into(err, errlen, "option '--populate' wants touch or madvise, not '%s'", arg);
		return -1;
	}
	o->populate_madvise = !strcmp(arg, "madvise");
	return 0;
}

static int set_longterm_fast(struct bench_opts *o, const char *arg, char *err,
			     size_t errlen)
{
	(void)arg, (void)err, (void)errlen;
	o->cmd = CMD_PIN_LONGTERM_TEST;
	o->longterm_fast = 1;
	return 0;
}

/* Remember the first option of each class: a workload it does not apply to names it. */
static void note_class(struct bench_opts *o, unsigned cls, const char *name)
{
	for (int b = 0; b < NR_OC; b++)
		if ((cls & (1u << b)) && !(o->given & (1u << b)))
			fmt_into(o->given_name[b], sizeof(o->given_name[b]), "%s", name);
	o->given |= cls;
}

static int apply(struct bench_opts *o, const struct opt_def *d, const char *arg, enum opts_scope scope,
		 char *err, size_t errlen)
{
	char name[32];
	unsigned long v;

	opt_name(d, name, sizeof(name));
	if (d->cmdline_only && scope == OPTS_CASE) {
		fmt_into(err, errlen, "option '%s' is not allowed in a plan case (it belongs on the command line)",
			 name);
		return -1;
	}
	note_class(o, d->cls, name);
	switch (d->kind) {
	case K_CMD:
		o->cmd = (enum gup_cmd)d->value;
		return 0;
	case K_SET:
		*(int *)((char *)o + d->off) = (int)d->value;
		return 0;
	case K_ULONG:
		if (parse_ulong(arg, 10, &v) || v < (unsigned long)d->value || v > 1000000000UL) {
			fmt_into(err, errlen, "option '%s' wants a whole number from %ld, not '%s'",
				 name, d->value, arg);
			return -1;
		}
		*(unsigned long *)((char *)o + d->off) = v;
		return 0;
	case K_LONG:
		if (parse_ulong(arg, 10, &v) || v > 1000000UL) {
			fmt_into(err, errlen, "option '%s' wants a whole number from 0, not '%s'", name, arg);
			return -1;
		}
		*(long *)((char *)o + d->off) = (long)v;
		return 0;
	case K_STR:
		if (!*arg) {
			fmt_into(err, errlen, "option '%s' wants a non-empty %s", name, d->argname);
			return -1;
		}
		*(const char **)((char *)o + d->off) = arg;
		return 0;
	case K_FN:
		return d->fn(o, arg, err, errlen);
	}
	return 0;
}

static const struct opt_def *find_short(char c)
{
	for (size_t i = 0; i < NR_OPTS; i++)
		if (opt_table[i].short_name == c)
			return &opt_table[i];
	return NULL;
}

static const struct opt_def *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < NR_OPTS; i++)
		if (opt_table[i].long_name && strlen(opt_table[i].long_name) == len &&
		    !strncmp(opt_table[i].long_name, name, len))
			return &opt_table[i];
	return NULL;
}

static int page_index(struct bench_opts *o, int *nr_idx, const char *word, char *err, size_t errlen)
{
	unsigned long v;

	if (*nr_idx >= GUP_TEST_MAX_PAGES_TO_DUMP) {
		fmt_into(err, errlen, "too many page indexes: '%s' (at most %d)", word,
			 GUP_TEST_MAX_PAGES_TO_DUMP);
		return -1;
	}
	if (parse_ulong(word, 0, &v) || v >= 0xffffffffUL) {
		fmt_into(err, errlen, "unexpected argument '%s' (page indexes for -c are numbers from 0)", word);
		return -1;
	}
	/* 1-based in the ABI so that 0 can mean "nothing" */
	o->which_pages[(*nr_idx)++] = (unsigned)v + 1;
	note_class(o, OC_GUP, word);
	return 0;
}

static int parse_long_opt(struct bench_opts *o, int argc, char *const argv[], int *i, enum opts_scope scope,
			  char *err, size_t errlen)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt_def *d = find_long(name, len);
	const char *arg = NULL;

	if (!d) {
		fmt_into(err, errlen, "unknown option '%s' (see 'gupbench --help')", argv[*i]);
		return -1;
	}
	if (d->argname) {
		if (eq) {
			arg = eq + 1;
		} else if (*i + 1 < argc) {
			arg = argv[++*i];
		} else {
			fmt_into(err, errlen, "option '--%s' wants a value %s", d->long_name, d->argname);
			return -1;
		}
	} else if (eq) {
		fmt_into(err, errlen, "option '--%s' takes no value", d->long_name);
		return -1;
	}
	return apply(o, d, arg, scope, err, errlen);
}

static int parse_short_opts(struct bench_opts *o, int argc, char *const argv[], int *i, enum opts_scope scope,
			    char *err, size_t errlen)
{
	const char *p = argv[*i] + 1;

	for (; *p; p++) {
		const struct opt_def *d = find_short(*p);

		if (!d) {
			fmt_into(err, errlen, "unknown option '-%c' in '%s' (see 'gupbench --help')", *p, argv[*i]);
			return -1;
		}
		if (!d->argname) {
			if (apply(o, d, NULL, scope, err, errlen))
				return -1;
			continue;
		}
		if (p[1])
			return apply(o, d, p + 1, scope, err, errlen);
		if (*i + 1 >= argc) {
			fmt_into(err, errlen, "option '-%c' wants a value %s", *p, d->argname);
			return -1;
		}
		return apply(o, d, argv[++*i], scope, err, errlen);
	}
	return 0;
}

int opts_parse(struct bench_opts *o, int argc, char *const argv[], enum opts_scope scope,
	       char *err, size_t errlen)
{
	int nr_idx = 0, only_words = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int rc;

		if (only_words || a[0] != '-' || !a[1])
			rc = page_index(o, &nr_idx, a, err, errlen);
		else if (!strcmp(a, "--"))
			rc = 0, only_words = 1;
		else if (a[1] == '-')
			rc = parse_long_opt(o, argc, argv, &i, scope, err, errlen);
		else
			rc = parse_short_opts(o, argc, argv, &i, scope, err, errlen);
		if (rc)
			return -1;
	}
	return 0;
}

int opts_check(const struct bench_opts *o, unsigned long page_size, char *err, size_t errlen)
{
	unsigned long long pages = opts_size_bytes(o) / page_size;

	if (workload_check(o, err, errlen))
		return -1;
	if (o->nr_pages > pages) {
		fmt_into(err, errlen, "-n %lu is larger than the range: -m %lu holds %llu pages of %lu bytes",
			 o->nr_pages, o->size_mb, pages, page_size);
		return -1;
	}
	if (o->fifo > 99) {
		fmt_into(err, errlen, "--fifo %lu is out of range (SCHED_FIFO priorities are 1 to 99)", o->fifo);
		return -1;
	}
	if (o->plan && (o->json || o->help)) {
		fmt_into(err, errlen, "--plan streams its own records; drop '--json'");
		return -1;
	}
	if (o->cmd == CMD_PIN_LONGTERM_TEST && o->threads != 1) {
		fmt_into(err, errlen, "--longterm-test holds one pin set per file: drop '-j %lu'", o->threads);
		return -1;
	}
	return 0;
}

unsigned long long opts_size_bytes(const struct bench_opts *o)
{
	return (unsigned long long)o->size_mb * MB;
}

unsigned long opts_nr_pages(const struct bench_opts *o, unsigned long page_size)
{
	unsigned long n = o->nr_pages_set ? o->nr_pages : workload_default_nr_pages(o->workload);

	return n ? n : (unsigned long)(opts_size_bytes(o) / page_size);
}


/* The words of a key go to emit one at a time; a number is printed first. */
struct key_out {
	void (*emit)(void *arg, const char *word);
	void *arg;
};

static void word(const struct key_out *k, const char *w)
{
	k->emit(k->arg, w);
}

static void wordf(const struct key_out *k, const char *fmt, ...) ATTR_PRINTF(2, 3);
static void wordf(const struct key_out *k, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	k->emit(k->arg, buf);
}

/* -n as given, or the workload's default; -1 (the whole range) stays -1. */
static void key_nr_pages(const struct key_out *k, const struct bench_opts *o)
{
	unsigned long n = o->nr_pages_set ? o->nr_pages : workload_default_nr_pages(o->workload);

	word(k, "-n");
	if (n)
		wordf(k, "%lu", n);
	else
		word(k, "-1");
}

static void key_cmd(const struct key_out *k, const struct bench_opts *o)
{
	if (!workload_is_gup_test(o->workload)) {
		word(k, "--workload");
		word(k, o->workload->name);
		return;
	}
	word(k, cmd_table[o->cmd].flag);
	if (o->cmd == CMD_PIN_LONGTERM_TEST && o->longterm_fast)
		word(k, "--longterm-fast");
	if (o->cmd == CMD_DUMP_PAGES) {
		if (o->dump_use_pin)
			word(k, "-p");
		for (int i = 0; i < GUP_TEST_MAX_PAGES_TO_DUMP && o->which_pages[i]; i++)
			wordf(k, "%u", o->which_pages[i] - 1);
	}
}

static void key_part(const struct bench_opts *o, enum key_part part, const struct key_out *k)
{
	switch (part) {
	case KEY_CMD:
		key_cmd(k, o);
		break;
	case KEY_SIZE:
		word(k, "-m");
		wordf(k, "%lu", o->size_mb);
		break;
	case KEY_PAGES:
		if (o->workload->accepts & OC_NPAGES)
			key_nr_pages(k, o);
		break;
	case KEY_THP:
		if (o->thp == 1)
			word(k, "-t");
		else if (o->thp == 0)
			word(k, "-T");
		break;
	case KEY_HUGETLB:
		if (o->hugetlb && !o->hugetlb_kb)
			word(k, "-H");
		if (o->hugetlb_kb) {
			word(k, "--hugetlb-size");
			word(k, hugetlb_size_name(o->hugetlb_kb));
		}
		break;
	case KEY_WRITE:
		if (!o->write)
			word(k, "-W");
		break;
	case KEY_SHARED:
		if (o->shared)
			word(k, "-S");
		break;
	case KEY_TOUCH:
		if (o->touch)
			word(k, "-z");
		break;
	case KEY_THREADS:
		if (o->threads != 1) {
			word(k, "-j");
			wordf(k, "%lu", o->threads);
		}
		break;
	case KEY_FLAGS:
		if (o->gup_flags) {
			word(k, "-F");
			wordf(k, "0x%lx", o->gup_flags);
		}
		break;
	case KEY_FILE:
		if (strcmp(o->file, "/dev/zero")) {
			word(k, "-f");
			word(k, o->file);
		}
		break;
	case KEY_SOURCE:
		if (o->source) {
			word(k, "--source");
			word(k, o->source);
		}
		break;
	case KEY_NUMA:
		if (o->numa_node >= 0) {
			word(k, "--numa-node");
			wordf(k, "%ld", o->numa_node);
		}
		break;
	}
}

/* The key's words in the one shared order (casekey.h). */
void opts_key_words(const struct bench_opts *o, void (*emit)(void *arg, const char *word), void *arg)
{
	const struct key_out k = { emit, arg };

	for (size_t i = 0; i < case_key_nparts; i++)
		key_part(o, case_key_order[i], &k);
}

struct key_buf {
	char *buf;
	size_t len, pos;
};

static void key_append(void *arg, const char *w)
{
	struct key_buf *b = arg;
	int n;

	if (b->pos >= b->len)
		return;
	n = snprintf(b->buf + b->pos, b->len - b->pos, "%s%s", b->pos ? " " : "", w);
	if (n > 0)
		b->pos += (size_t)n;
}

void opts_key(const struct bench_opts *o, char *buf, size_t len)
{
	struct key_buf b = { buf, len, 0 };

	buf[0] = 0;
	opts_key_words(o, key_append, &b);
}

void opts_usage(FILE *f)
{
	fputs("usage: gupbench [selftest options] [long options] [page-index...]\n"
	      "       gupbench --plan FILE [--out FILE] [--selftest PATH]\n\noptions:\n", f);
	for (size_t i = 0; i < NR_OPTS; i++) {
		const struct opt_def *d = &opt_table[i];
		char left[48];

		if (d->short_name && d->long_name)
			fmt_into(left, sizeof(left), "-%c, --%s", d->short_name, d->long_name);
		else if (d->long_name)
			fmt_into(left, sizeof(left), "--%s%s%s", d->long_name, d->argname ? " " : "",
				 d->argname ? d->argname : "");
		else
			fmt_into(left, sizeof(left), "-%c%s%s", d->short_name, d->argname ? " " : "",
				 d->argname ? d->argname : "");
		fprintf(f, "  %-22s %s\n", left, d->help);
	}
	fputs("\nexamples:\n   gupbench -L -m 512 -n 1024 -t -r 10\n   gupbench --workload help\n", f);
}
