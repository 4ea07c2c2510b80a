/*
 * test_bench_range: the --populate option, how range.c faults a range in
 * and which ranges it keeps for the next case (mapping type, eviction, the
 * cases never kept, the MADV_COLD reset after -U), and the "phases" of a
 * case record. Runs on the host: mapping /dev/zero needs no gup_test;
 * page flags come from /proc/kpageflags (root).
 */
#include "tap.h"
#include "bench/emit.h"
#include "bench/range.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define KPF_REFERENCED 2

static struct bench_opts opts(const char *a, const char *b, const char *c)
{
	char *argv[] = { "-m", "4", (char *)a, (char *)b, (char *)c };
	int argc = 2 + (a != NULL) + (b != NULL) + (c != NULL);
	struct bench_opts o;
	char err[256];

	opts_defaults(&o);
	if (opts_parse(&o, argc, argv, OPTS_CASE, err, sizeof(err)))
		printf("# bad test options: %s\n", err);
	return o;
}

/* Get a range for o as a case would, hand it back after an ok case; what range_get gave. */
static struct range cycle(const struct bench_opts *o, struct case_result *r)
{
	struct range rg, got;

	memset(r, 0, sizeof(*r));
	if (range_get(o, &rg, r))
		printf("# range_get: %s\n", r->reason);
	got = rg;
	range_put(o, &rg, r);
	return got;
}

static int mapped(const void *p)
{
	unsigned char v;

	return mincore((void *)p, (size_t)sysconf(_SC_PAGESIZE), &v) == 0 || errno != ENOMEM;
}

/* How many base pages of rg have PG_referenced (pagemap for the PFN, kpageflags for the flag); -1 if unreadable. */
static long referenced(const struct range *rg)
{
	long psize = sysconf(_SC_PAGESIZE), n = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), kf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);

	for (unsigned long long off = 0; pm >= 0 && kf >= 0 && off < rg->size; off += (unsigned long long)psize) {
		uint64_t e, f;

		if (pread(pm, &e, sizeof(e), (off_t)((uintptr_t)(rg->p + off) / (uintptr_t)psize * sizeof(e))) != sizeof(e) ||
		    !(e >> 63) || !(e & ((1ULL << 55) - 1)) ||
		    pread(kf, &f, sizeof(f), (off_t)((e & ((1ULL << 55) - 1)) * sizeof(f))) != sizeof(f)) {
			n = -1;
			break;
		}
		n += (f >> KPF_REFERENCED) & 1;
	}
	if (pm < 0 || kf < 0)
		n = -1;
	if (pm >= 0)
		close(pm);
	if (kf >= 0)
		close(kf);
	return n;
}

int main(void)
{
	struct bench_opts a = opts(NULL, NULL, NULL), s = opts("-S", NULL, NULL), t = opts("-T", NULL, NULL);
	struct bench_opts w = opts("-W", NULL, NULL), z = opts("-z", NULL, NULL), pt = opts("--populate", "madvise", NULL);
	struct bench_opts l = opts("-L", NULL, NULL), u = opts("-U", NULL, NULL), c = opts("-c", NULL, NULL);
	struct case_result r;
	struct range first, rg;
	char err[256], k1[256], k2[256];
	json_t *rec, *ph;
	char *argv[] = { "-m", "4" };

	tap_plan(30);
	ok(!a.populate_madvise && pt.populate_madvise, "--populate madvise sets populate_madvise, the default is touch");
	opts_key(&a, k1, sizeof(k1));
	opts_key(&pt, k2, sizeof(k2));
	is_str(k2, k1, "--populate is not part of the case key (it does not change what is measured)");
	opts_defaults(&a);
	ok(opts_parse(&a, 2, (char *[]){ "--populate", "never" }, OPTS_CASE, err, sizeof(err)) == -1 &&
	   strstr(err, "'--populate'") && strstr(err, "touch or madvise"), "--populate never is refused: %s", err);
	a = opts(NULL, NULL, NULL);

	ok(range_same_type(&a, &w) && range_same_type(&a, &l), "-W and -L share the mapping type of -w -u");
	ok(!range_same_type(&a, &s) && !range_same_type(&a, &t) && !range_same_type(&a, &z) &&
	   !range_same_type(&a, &pt), "-S, -T, -z, --populate madvise are other types");

	/* not keeping: each case maps, faults in and unmaps */
	first = cycle(&a, &r);
	is_str(r.phases.populate, "touch", "the range is faulted in page by page, as the selftest does");
	ok(!r.phases.reused && r.phases.fault_s > 0 && r.phases.setup_s >= 0 && r.phases.teardown_s > 0,
	   "a new range: setup, fault-in and teardown timed");
	ok(!mapped(first.p), "without keeping, a case's range is unmapped after it");
	cycle(&pt, &r);
	is_str(r.phases.populate, "madvise", "--populate madvise faults in by MADV_POPULATE_WRITE");
	cycle(&z, &r);
	is_str(r.phases.populate, "foll_touch", "-z leaves the fault-in to GUP");

	runner_keep_ranges(1);
	first = cycle(&a, &r);
	ok(r.phases.teardown_s == 0 && mapped(first.p), "keeping: an ok case's range stays mapped");
	is_int(referenced(&first), 0, "a range just faulted in has no page referenced");
	rg = cycle(&w, &r);
	ok(r.phases.reused && rg.p == first.p && r.phases.fault_s == 0 && r.phases.setup_s == 0,
	   "the next case of the same mapping type reuses it, no setup or fault-in");
	is_str(r.phases.populate, "touch", "a reused range says how it was faulted in");
	is_int(rg.reused, 1, "the range itself says it was reused");
	cycle(&l, &r);
	ok(cycle(&w, &r).p && r.phases.reused == !longterm_may_migrate(),
	   "after -L it is reused unless long-term pins may migrate pages here (%d)", longterm_may_migrate());
	cycle(&a, &r);
	cycle(&s, &r);
	ok(!r.phases.reused, "another mapping type gets a range of its own");
	ok(cycle(&a, &r).p == first.p || !r.phases.reused || longterm_may_migrate(),
	   "with two kept, the first is still there");
	cycle(&s, &r);
	cycle(&t, &r);
	ok(!r.phases.reused && cycle(&a, &r).p && !r.phases.reused,
	   "a third type evicts the least recently used (the private one)");
	cycle(&z, &r);
	cycle(&z, &r);
	ok(!r.phases.reused, "-z ranges are never kept (GUP faults them in inside the timing)");
	cycle(&a, &r);
	cycle(&c, &r);
	cycle(&c, &r);
	ok(!r.phases.reused && cycle(&a, &r).p && r.phases.reused,
	   "-c neither takes a kept range nor leaves one (get_user_pages marks the folios accessed)");
	/* MADV_POPULATE_WRITE on present pages stands in for -U's GUP: FOLL_TOUCH marks them accessed */
	first = cycle(&a, &r);
	madvise(first.p, first.size, MADV_POPULATE_WRITE);
	is_int(referenced(&first), (long)(first.size / (unsigned long long)sysconf(_SC_PAGESIZE)),
	       "a GUP with FOLL_TOUCH leaves every page of a range referenced");
	memset(&r, 0, sizeof(r));
	range_get(&u, &rg, &r);
	ok(r.phases.reused && rg.p == first.p && referenced(&rg) == 0,
	   "-U takes a kept range reset by MADV_COLD: no page referenced (%ld), as after a fault-in", referenced(&rg));
	madvise(rg.p, rg.size, MADV_POPULATE_WRITE);
	range_put(&u, &rg, &r);
	ok(mapped(first.p) && referenced(&first) == 0 && r.phases.teardown_s > 0,
	   "after -U the range is kept, reset again (%ld referenced), the reset timed as teardown",
	   referenced(&first));
	ok(cycle(&a, &r).p == first.p && r.phases.reused, "and the next case of its type takes it");
	memset(&r, 0, sizeof(r));
	range_get(&s, &rg, &r);
	r.status = CASE_ERROR;
	first = rg;
	range_put(&s, &rg, &r);
	ok(!mapped(first.p), "a range of a case that did not end ok is unmapped");
	first = cycle(&t, &r);
	runner_keep_ranges(0);
	ok(!mapped(first.p), "keeping off unmaps every kept range");

	/* the record */
	memset(&r, 0, sizeof(r));
	rec = case_json("c", "gupbench", argv, 2, &a, &r);
	ok(!json_object_get(rec, "phases"), "no phases in the record of a case that mapped nothing");
	json_decref(rec);
	cycle(&a, &r);
	rec = case_json("c", "gupbench", argv, 2, &a, &r);
	ph = json_object_get(rec, "phases");
	ok(json_is_object(ph) && json_is_real(json_object_get(ph, "fault_s")) &&
	   json_is_real(json_object_get(ph, "setup_s")) && json_is_real(json_object_get(ph, "gup_s")) &&
	   json_is_real(json_object_get(ph, "teardown_s")) && json_is_false(json_object_get(ph, "reused")),
	   "the record's phases: setup_s, fault_s, gup_s, teardown_s, reused");
	is_str(json_string_value(json_object_get(ph, "populate")), "touch", "and populate");
	json_decref(rec);
	return tap_done();
}
