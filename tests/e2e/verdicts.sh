#!/bin/bash
# End-to-end: what one icount boot per kernel decides, on a slice of
# vmtests-gup (tests/e2e/verdicts.json): A/A of linux-6.12 has no false
# alarm and every case unchanged; linux-6.12 + kernel-patches/gupbench-pin-
# cost is regressed where it slows a case by more than 2x the threshold and
# leaves GUP-fast unchanged, with and without a repeated base boot in the
# database. The short form of tests/perf/icount-verdicts.sh (which runs the
# 180 cases); the patched kernel is an incremental build on linux-6.12.
exec bash "$(dirname "$0")/../perf/icount-verdicts.sh" "$(dirname "$0")/verdicts.json"
