/*
 * commands: the subcommands of gupharness, one thin file each in harness/cmd/
 * (git's builtin/ habit), registered in the table in gupharness.c. Each
 * parses argv from its opt.c option table, calls the library and prints the
 * result. argv[0] is the subcommand's own name; each returns an exit status
 * from util.h.
 */
#ifndef GUPBENCH_COMMANDS_H
#define GUPBENCH_COMMANDS_H

int cmd_kernel(int argc, char **argv);   /* cmd/kernel.c:  kernel build|list|show|rm */
int cmd_matrix(int argc, char **argv);   /* cmd/matrix.c:  matrix show FILE */
int cmd_run(int argc, char **argv);      /* cmd/run.c:     run --matrix ... --kernel ... */
int cmd_compare(int argc, char **argv);  /* cmd/compare.c: compare BASE NEW */
int cmd_db(int argc, char **argv);       /* cmd/db.c:      db list|import|export|merge|check */
int cmd_plot(int argc, char **argv);     /* cmd/plot.c:    plot KIND ... */
int cmd_nightly(int argc, char **argv);  /* cmd/nightly.c: nightly --config FILE */
int cmd_site(int argc, char **argv);     /* cmd/site.c:    site --config FILE --out DIR */
int cmd_bisect(int argc, char **argv);   /* cmd/bisect.c:  bisect --source TREE --good REV --bad REV --case ID */
int cmd_explain(int argc, char **argv);  /* cmd/explain.c: explain BASE NEW --case KEY */

#endif
