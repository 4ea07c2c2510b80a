/*
 * ktap: KTAP framing of the text output (see ktap.h). Counts what it
 * printed for the totals line; nothing here decides an exit status.
 */
#include "bench/ktap.h"

void ktap_begin(struct ktap *k, FILE *f, unsigned plan)
{
	*k = (struct ktap){ .f = f };
	fprintf(f, "TAP version 13\n1..%u\n", plan);
	fflush(f);
}

void ktap_result(struct ktap *k, const char *desc, const struct case_result *r)
{
	k->n++;
	switch (r->status) {
	case CASE_OK:
		k->pass++;
		fprintf(k->f, "ok %u %s\n", k->n, desc);
		break;
	case CASE_SKIP:
		k->skip++;
		fprintf(k->f, "ok %u # SKIP %s\n", k->n, r->reason);
		break;
	case CASE_ERROR:
		k->fail++;
		fprintf(k->f, "# %s\nnot ok %u %s\n", r->reason, k->n, desc);
		break;
	}
	fflush(k->f);
}

void ktap_end(struct ktap *k)
{
	fprintf(k->f, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n", k->pass, k->fail, k->skip);
	fflush(k->f);
}
