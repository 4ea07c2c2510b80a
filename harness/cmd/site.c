/*
 * cmd/site: `gupharness site --config FILE --out DIR`: the dashboard
 * (site.h) of a nightly config's database, without measuring anything:
 * every night of every source analysed as nightly does, written as
 * DIR/index.html and the pages under it.
 */
#include "harness/cmd/commands.h"
#include "harness/lab/nightly.h"
#include "lib/opt.h"
#include "harness/lab/site.h"
#include "lib/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct site_opts {
	const char *config, *db, *out;
};

static const struct opt options[] = {
	{ "--config", "FILE", offsetof(struct site_opts, config), NULL, "the nightly config (JSON): sources, thresholds", NULL, 0 },
	{ "--db", "FILE", offsetof(struct site_opts, db), NULL, "database", "the config's 'db'", 0 },
	{ "--out", "DIR", offsetof(struct site_opts, out), NULL, "where index.html goes", "the config's 'report_dir'", 0 },
};

static const struct opt_table table = { "site", options, sizeof(options) / sizeof(options[0]), 0 };

int cmd_site(int argc, char **argv)
{
	struct site_opts o = { 0 };
	struct nightly_config cfg;
	struct nightly_report rep;
	char today[11];
	time_t t = time(NULL);
	struct tm tm;
	int n = opt_parse(&table, argc, argv, &o, NULL, 0), ret;

	if (n == OPT_HELP) {
		printf("usage: gupharness site --config FILE [--db FILE] [--out DIR]\n\noptions:\n");
		opt_help(stdout, &table);
		printf("\nexamples:\n   gupharness site --config nightly.json --out /srv/lab\n");
		exit(EXIT_OK);
	}
	if (n < 0)
		return EXIT_USAGE;
	if (!o.config) {
		error("'site' needs --config FILE (a nightly config); see harness/nightly/example.json");
		return EXIT_USAGE;
	}
	if (nightly_config_load(o.config, &cfg) < 0) {
		nightly_config_free(&cfg);
		return EXIT_USAGE;
	}
	if (!file_exists(o.db ? o.db : cfg.db)) {
		error("no database at '%s'; pass --db FILE or run 'gupharness nightly' first", o.db ? o.db : cfg.db);
		nightly_config_free(&cfg);
		return EXIT_USAGE;
	}
	strftime(today, sizeof(today), "%Y-%m-%d", localtime_r(&t, &tm));
	nightly_analyse(&cfg, o.db ? o.db : cfg.db, today, &rep);
	ret = site_write(&rep, o.out ? o.out : cfg.report_dir);
	if (ret == EXIT_OK)
		printf("%s/index.html\n", o.out ? o.out : cfg.report_dir);
	nightly_report_free(&rep);
	nightly_config_free(&cfg);
	return ret;
}
