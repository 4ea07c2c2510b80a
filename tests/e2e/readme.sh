#!/bin/bash
# README.md's commands that boot kernels (blocks marked
# `<!-- readme-test: e2e -->`): "Does my series regress GUP?" (build 6.12
# and 6.12 + the known-effect patch, run pin-fast.json on both, compare,
# plot), `kernel list|show`, `kernel build` refusing a name that is
# another build's (exit 9) and a `run --case --repeat-boots 2`. The
# kernels are those tests/prebuild-kernels.bash and tests/e2e/pipeline.sh
# build, so with them cached this takes well under a minute; the database
# and charts are scratch. `make demo` and `make check` are exempt (see
# tests/readme-blocks.bash). Also checks README's structure, as
# tests/fault/readme.sh does.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/readme-blocks.bash"
scratch
n=$(readme_count e2e)
plan $((8 + n))
readme_setup
export PATH="$WORK/harness:$WORK/bench:$PATH"   # README's PATH line (a fault block)
readme_structure
[ "$n" -ge 5 ]
ok $? "README.md has the kernel commands this test expects (found $n, at least 5)"
t0=$(date +%s)
readme_run e2e
echo "# the e2e commands took $(( $(date +%s) - t0 )) s"
tap_done
