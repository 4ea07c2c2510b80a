/*
 * boothist: which boots belong together, and what the database remembers of
 * them. A boot's class is its clock mode (boots.clock), its host class (the
 * accelerator and the host's CPU model and count) and its guest
 * architecture: boots of different classes have different noise and
 * different absolute times, so compare refuses to mix them and the model
 * (model.h) learns a case's boot-to-boot variance only from boots of the
 * compared class. The history of a case is every boot of that class holding
 * it, the compared ones included, grouped by build (boothist.c's build_of:
 * the kernel name today), one median per boot.
 */
#ifndef GUPBENCH_BOOTHIST_H
#define GUPBENCH_BOOTHIST_H

#include "results/db.h"
#include "results/model.h"

#include <stdint.h>

/* The distinct values one side's boots have, ", "-joined; n* count them. */
struct boot_class {
	char *clock, *host, *arch, *guest;
	size_t nclock, nhost, narch, nguest;
};
int boothist_class(sqlite3 *db, const struct db_selector *sel, struct boot_class *out);
void boot_class_free(struct boot_class *c);

/* The boot ids a selector names, sorted, appended to *ids. */
int boothist_ids(sqlite3 *db, const struct db_selector *sel, int64_t **ids, size_t *n);

struct boothist_case {
	char *key;
	struct model_history h;
};
struct boothist {
	struct boothist_case *c;    /* sorted by key */
	size_t n;
};

/*
 * Per case key, the history of boots of the class (clock, host, arch, guest
 * settings; NULL matches any value) for the metric (get or put), through the one sample
 * loader (samples.c). compared[0..ncompared) (sorted) are the compared
 * boots: the wall clock's history leaves them out (model.h).
 */
struct boothist_class_sel {
	const char *clock, *host, *arch, *guest;
};
int boothist_load(sqlite3 *db, const char *metric, const struct boothist_class_sel *cls,
		  const int64_t *compared, size_t ncompared, struct boothist *out);
const struct model_history *boothist_find(const struct boothist *b, const char *key);
void boothist_free(struct boothist *b);

#endif
