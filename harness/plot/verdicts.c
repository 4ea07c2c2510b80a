/*
 * verdicts: the verdicts beforeafter and heatmap show, as `gupharness
 * compare` gives them: compare_run() on the two selections, from
 * compare_defaults, never a verdict rule of the charts' own; their colours
 * and the footnote that says how they were reached.
 */
#include "harness/plot/chart.h"

#include <string.h>

/* Colours by verdict, indexed by enum cmp_verdict. */
const unsigned plot_verdict_rgb[CMP_NVERDICTS] = {
	[CMP_IMPROVED] = 0x2e9e44,
	[CMP_REGRESSED] = 0xd7301f,
	[CMP_UNCHANGED] = 0x4a78b5,
	[CMP_INCONCLUSIVE] = 0xe6a01e,
};

/* How the charts' verdicts were reached, from the same defaults compare uses. malloc'd. */
char *plot_verdict_rule(void)
{
	return xasprintf("verdict as 'gupharness compare' gives it: boot-aware model on per-boot medians (boot"
			 " variance pooled over the cases, docs/statistics.md),\nSidak-adjusted intervals over the cases at %g, threshold %g%% (%g%% on the"
			 " icount clock) either way on a log scale", compare_defaults.alpha, CMP_THRESHOLD_WALL_PCT,
			 CMP_THRESHOLD_ICOUNT_PCT);
}

int plot_compare_sets(struct plot_ctx *x, struct pset *base, struct pset *new)
{
	struct compare_opts o = compare_defaults;
	int rc;

	o.metric = x->o.metric->name;
	o.base_arg = base->arg;
	o.new_arg = new->arg;
	rc = compare_run(x->db, &base->sel, &new->sel, &o, &x->cmp);
	if (rc == COMPARE_REFUSED)
		return x->status = EXIT_USAGE;
	if (rc < 0) {
		plot_fail(x, EXIT_DB, "cannot compare '%s' with '%s' in '%s'", base->arg, new->arg, x->o.db_path);
		return x->status;
	}
	x->have_cmp = 1;
	return 0;
}

enum cmp_verdict plot_verdict_of(const struct plot_ctx *x, const char *key)
{
	for (size_t i = 0; i < x->cmp.ncases; i++)
		if (!strcmp(x->cmp.cases[i].key, key))
			return x->cmp.cases[i].verdict;
	return CMP_INCONCLUSIVE;
}

