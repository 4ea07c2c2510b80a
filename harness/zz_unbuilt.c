/*
 * TEMPORARY during parallel development: weak placeholders so the binary
 * links while modules are being written. Deleted before any submission.
 */
#include "commands.h"
#include "util.h"
#define PLACEHOLDER(f) __attribute__((weak)) int f(int argc, char **argv) \
	{ (void)argc; (void)argv; die(EXIT_FAIL, #f " is not built yet"); }
PLACEHOLDER(cmd_kernel)
PLACEHOLDER(cmd_matrix)
PLACEHOLDER(cmd_run)
PLACEHOLDER(cmd_compare)
PLACEHOLDER(cmd_db)
PLACEHOLDER(cmd_plot)
PLACEHOLDER(cmd_nightly)
