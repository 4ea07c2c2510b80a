#!/bin/bash
# End-to-end: `gupharness explain` on linux-6.12 against 6.12 plus the
# known-effect patch (kernel-patches/gupbench-no-thp-batch: __get_user_pages
# walks a THP one base page at a time) on a small THP pin case, two logged
# icount boots. The patched function (6.12 inlines follow_page_mask into it)
# must top the lines with more instructions, and try_grab_folio must turn
# from one call per folio into one per 4 KiB page; the top lines carry the
# change of the total; and that change agrees with the change the same
# boots measured (icount get+put time, one instruction per ns) within 5%
# (the window is the whole ioctl: docs/explain.md). Kernels come from the
# normal cache (an incremental patched build).
. "$(dirname "$0")/../lib.sh"
plan 8
scratch
H=$GUPHARNESS
TARBALL=/usr/src/linux-source-6.12.tar.xz
SERIES=$ROOT/kernel-patches/gupbench-no-thp-batch
PATCHED=linux-6.12+gupbench-no-thp-batch
CASE='-L -m 8 -n 1024 -t'
PAGES=2048   # 8 MiB / 4 KiB
J=$SCRATCH/x.json

check "linux-6.12 builds (or is cached)" -- $H kernel build --source $TARBALL --name linux-6.12
check "6.12 plus the known-effect patch builds" -- $H kernel build --source $TARBALL --series "$SERIES" --name $PATCHED
t0=$(date +%s)
check "explain runs on 6.12 against the patched kernel" -- \
	sh -c "$H explain linux-6.12 $PATCHED --case '$CASE' --format json --top 12 >'$J' 2>'$SCRATCH/x.err'"
echo "# explain took $(( $(date +%s) - t0 )) s"
jq -c '{total_base, total_new, measured_base_insns, measured_new_insns}' "$J" | sed 's/^/# /'
jq -e '.total_base > 0 and .total_new > .total_base' "$J" >/dev/null
ok $? "the patched kernel executes more instructions beneath gup_test_ioctl"
jq -e '.functions[0] | .function == "__get_user_pages" and .self_new > .self_base' "$J" >/dev/null
ok $? "__get_user_pages (the function the patch changes) is the top line, with more instructions"
jq -e --argjson n $PAGES '[.functions[] | select(.function == "try_grab_folio" and .calls_new >= $n
	and .calls_base < $n / 2)] | length == 1' "$J" >/dev/null
ok $? "try_grab_folio goes from about one call per THP to one per 4 KiB page ($PAGES)"
jq -e '(([.functions[] | (.self_new - .self_base)] | add) / (.total_new - .total_base)) > 0.9' "$J" >/dev/null
ok $? "the top lines' self deltas carry over 90% of the change in the total"
jq -e '((.measured_new_insns - .measured_base_insns) as $m | (.total_new - .total_base) as $w |
	($m > 0) and ((($w - $m) | fabs) <= 0.05 * $m))' "$J" >/dev/null
ok $? "the window's change agrees with the change the same boots measured within 5%"
tap_done
