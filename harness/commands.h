/*
 * commands: the subcommands of gupharness, one function each, registered in
 * the table in gupharness.c. argv[0] is the subcommand's own name; each
 * returns an exit status from util.h.
 */
#ifndef GUPBENCH_COMMANDS_H
#define GUPBENCH_COMMANDS_H

int cmd_kernel(int argc, char **argv);   /* kcmd.c:    kernel build|list|show|rm */
int cmd_matrix(int argc, char **argv);   /* matrix.c:  matrix show FILE */
int cmd_run(int argc, char **argv);      /* run.c:     run --matrix ... --kernel ... */
int cmd_compare(int argc, char **argv);  /* comparecmd.c: compare BASE NEW */
int cmd_db(int argc, char **argv);       /* dbcmd.c:      db list|import|export|merge|check */
int cmd_plot(int argc, char **argv);     /* plot.c:    plot KIND ... */
int cmd_nightly(int argc, char **argv);  /* nightly.c: nightly --config FILE */
int cmd_bisect(int argc, char **argv);   /* bisectcmd.c: bisect --source TREE --good REV --bad REV --case ID */

#endif
