#!/bin/bash
# README.md's commands that need no kernel (blocks marked
# `<!-- readme-test: fault -->`): PATH set-up, `matrix show`, the tour on
# the recorded streams in tests/fixtures (db import, compare, plot, db
# list/export/check), the bench on this host (a skip where the kernel has
# no gup_test), `nightly --dry-run`. Also checks README's structure: every
# command block is marked for this test, tests/e2e/readme.sh, or (only
# `make demo` and `make check`, the suite's own entry points, which a test
# inside `make check` cannot run) exempt; and every command written inline
# appears in a tested block. Fails when a command exits otherwise than
# README says (`# exits N`, else 0) or prints nothing.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/readme-blocks.bash"
scratch
n=$(readme_count fault)
plan $((4 + n))
readme_setup
readme_structure
[ "$n" -ge 10 ]
ok $? "README.md has the no-kernel commands this test expects (found $n, at least 10)"
readme_run fault
tap_done
