/*
 * provenance: which kernel builds a set of boots ran, as the kernels table
 * keeps them from the kernel cache (name, release, source identity, patch
 * series and its patches' hashes, final config hash, compiler, arch), and
 * the one-line form compare's report and Markdown headers and the nightly
 * report print (hashes cut to 12 hex digits).
 */
#ifndef GUPBENCH_PROVENANCE_H
#define GUPBENCH_PROVENANCE_H

#include <sqlite3.h>
#include <stddef.h>

/*
 * The one expression that tells builds apart, for every grouping of boots
 * (the model's history, plot's groups, nightly, bisect), over a kernels
 * row k: its cache key, or the row itself when it has none (an import) or
 * is of unknown build (boots schema 4 could not tell apart, one run's).
 * A name never groups: it may have covered several builds.
 */
#define BUILD_OF_KERNEL_ROW "CASE WHEN k.build = 'exact' AND k.cache_key IS NOT NULL THEN k.cache_key" \
			    " ELSE 'kernel row #' || k.id END"

struct kernel_build {
	char *name, *release, *source, *series, *patches, *config_hash, *compiler, *arch;  /* "" when unknown */
};

struct kernel_builds {
	struct kernel_build *k;  /* by name */
	size_t n;
};

/* The kernels behind the boots boots_sql selects (?1 bound to bind). 0, or
 * -1 with the error printed. */
int provenance_of_boots(sqlite3 *db, const char *boots_sql, const char *bind, struct kernel_builds *out);
/* The kernels behind the runs labelled label. */
int provenance_of_label(sqlite3 *db, const char *label, struct kernel_builds *out);
void kernel_builds_free(struct kernel_builds *b);

/* "linux-6.12+p (6.12.117): source tar-585a4a074597, series p@1a2b3c4d5e6f
 * (patches 0a1b2c3d4e5f), config a72311cf0e7b, gcc (Debian 12.2.0-14) 12.2.0,
 * x86_64"; what is unknown says so. malloc'd. */
char *kernel_build_line(const struct kernel_build *k);

#endif
