#!/bin/bash
# README.md's commands that need no kernel (blocks marked
# `<!-- readme-test: fault -->`): PATH set-up, the tour on the recorded
# streams in tests/fixtures (matrix show, db import, compare, plot, db
# list/export/check, nightly --dry-run, site), the bench on this host (a
# skip where the kernel has no gup_test). Also checks README's structure
# (tests/readme-blocks.bash): every command block is marked for this test,
# tests/e2e/readme.sh, or exempt; the set-up is `make demo` and `make
# check`, the only exempt commands (the suite's own entry points, which a
# test inside `make check` cannot run), and .ci/run runs `make check`;
# every command written inline appears in a tested block; README stays
# about 300 lines; every relative link of README and docs/ resolves and
# every source file they name exists; and
# docs/README.md indexes every page. Fails when a command exits otherwise
# than README says (`# exits N`, else 0) or prints nothing.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/readme-blocks.bash"
scratch
n=$(readme_count fault)
plan $((8 + n))
readme_setup
readme_structure
[ "$n" -ge 10 ]
ok $? "README.md has the no-kernel commands this test expects (found $n, at least 10)"
readme_run fault
tap_done
