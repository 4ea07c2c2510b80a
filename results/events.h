/*
 * events: the kinds of event the database stores (the list the schema's
 * CHECK on events.kind allows, one table here) and the boots whose kernel
 * console showed trouble: a boot with an event of a console kind (a
 * warning, an RCU stall, a lockup, an oops, ...) is "suspect", and compare
 * flags every case whose samples include it.
 */
#ifndef GUPBENCH_EVENTS_H
#define GUPBENCH_EVENTS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct event_kind {
	const char *name;        /* events.kind */
	int console;             /* read off the guest's kernel console: makes its boot suspect */
};
extern const struct event_kind event_kinds[];
extern const size_t event_nkinds;
/* The row for name, or NULL. */
const struct event_kind *event_kind_find(const char *name);

/* A boot whose console showed trouble. */
struct suspect_boot {
	int64_t boot_id, run_id;
	long boot_index;
	char *kernel;            /* its kernel's name */
	char *kinds;             /* the console kinds, in order of first event: "warning, rcu_stall" */
};

struct suspect_set {
	struct suspect_boot *b;  /* by boot id */
	size_t n;
};

/* The suspect boots among those boots_sql selects (?1 bound to bind). 0,
 * or -1 with the error printed. */
int events_suspect_boots(sqlite3 *db, const char *boots_sql, const char *bind, struct suspect_set *out);
/* The entry for boot_id, or NULL when that boot is not suspect. */
const struct suspect_boot *suspect_find(const struct suspect_set *s, int64_t boot_id);
void suspect_set_free(struct suspect_set *s);

#endif
