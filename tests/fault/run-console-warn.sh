#!/bin/bash
# A guest whose kernel warns and stalls but finishes its cases: the
# boot is complete and its samples are stored; the console's
# WARNING and RCU stall are events of kinds warning and rcu_stall with
# their console lines (the warning's call trace is part of it, not an
# event of its own); the run exits 0 (the kernel went on); and compare, in
# every format, flags the cases whose samples include that boot and names
# it, while a comparison of clean boots flags nothing.
. "$(dirname "$0")/run-common.bash"
plan 16
fake_kernel warned warn
fake_kernel clean ok
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel warned --db "$DB" --accel tcg --no-pin --label w \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
ok $? "exit status 0: the kernel warned and went on ($(head -c 200 "$SCRATCH/err"))"
for i in 1 2; do
	timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel clean --db "$DB" --accel tcg --no-pin --label c$i \
		>/dev/null 2>&1 || echo "# clean run $i failed"
done
W="SELECT b.id FROM boots b JOIN kernels k ON k.id = b.kernel_id WHERE k.name = 'warned'"
ok_sql "$DB" "SELECT count(*) FROM events WHERE kind = 'warning' AND boot_id IN ($W)
	AND message LIKE '%WARNING: CPU: 0 PID: 1 at mm/gup.c:2412%' AND excerpt LIKE '%cut here%'" \
	-eq 1 "one warning event with its line and the console around it"
ok_sql "$DB" "SELECT count(*) FROM events WHERE kind = 'rcu_stall' AND boot_id IN ($W)
	AND message LIKE '%detected stalls on CPUs/tasks%' AND excerpt LIKE '%kthread starved%'" \
	-eq 1 "one rcu_stall event with its lines"
ok_sql "$DB" "SELECT count(*) FROM events WHERE kind NOT IN ('warning', 'rcu_stall')" -eq 0 \
	"no other event: the call traces belong to the reports"
ok_sql "$DB" "SELECT count(*) FROM boots WHERE id IN ($W) AND status = 'complete'" -eq 1 "the boot is complete"
ok_sql "$DB" "SELECT count(*) FROM samples s JOIN cases c ON c.id = s.case_id WHERE c.boot_id IN ($W)" -eq 6 \
	"its samples are stored (3 cases x 2)"
grep -q "kernel warning on the console" "$SCRATCH/err"
ok $? "the warning is reported on stderr"

"$GUPHARNESS" compare c1 w --db "$DB" >"$SCRATCH/text" 2>/dev/null
n=$(grep -c -- "-L -m 128 -n [123] .* suspect " "$SCRATCH/text")
ok $((n != 3)) "text: the three cases are flagged suspect (got $n)"
grep -qE "^#   new boot id [0-9]+ \(run #1, warned boot0\): warning, rcu_stall; in 3 cases" "$SCRATCH/text"
ok $? "text: the footnote names the boot and its event kinds"
"$GUPHARNESS" compare c1 w --db "$DB" --format markdown >"$SCRATCH/md" 2>/dev/null
n=$(grep -cE -- "\| (improved|regressed|unchanged|inconclusive) \| suspect \|" "$SCRATCH/md")
ok $((n != 3)) "markdown: a flag column says suspect for the three cases (got $n)"
grep -q "^-   new boot id [0-9]* (run #1, warned boot0): warning, rcu_stall" "$SCRATCH/md"
ok $? "markdown: the boot is listed"
"$GUPHARNESS" compare c1 w --db "$DB" --format report >"$SCRATCH/report" 2>/dev/null
n=$(grep -c "gupbench.get_us\[.*\] *(suspect)" "$SCRATCH/report")
grep -q "warned boot0): warning, rcu_stall" "$SCRATCH/report"
ok $((n != 3 || $?)) "report: cases marked (suspect) and the boot named (got $n)"
"$GUPHARNESS" compare c1 w --db "$DB" --format json >"$SCRATCH/json" 2>/dev/null
jq -e '.summary.suspect_cases == 3 and ([.cases[] | select(.suspect and (.suspect_boots.new | length) == 1
	and (.suspect_boots.base | length) == 0)] | length) == 3' "$SCRATCH/json" >/dev/null
ok $? "json: each case carries suspect and the boot's id on the new side"
jq -e '.suspect_boots | length == 1 and .[0].side == "new" and .[0].kernel == "warned"
	and .[0].kinds == ["warning", "rcu_stall"] and .[0].cases == 3' "$SCRATCH/json" >/dev/null
ok $? "json: the suspect boot with its kinds"
"$GUPHARNESS" compare c1 w --db "$DB" --format csv >"$SCRATCH/csv" 2>/dev/null
n=$(grep -c ',1$' "$SCRATCH/csv")
ok $((n != 3)) "csv: suspect_boots 1 on each case (got $n)"
"$GUPHARNESS" compare c1 c2 --db "$DB" --format json 2>/dev/null |
	jq -e '.summary.suspect_cases == 0 and (.suspect_boots | length) == 0 and ([.cases[] | select(.suspect)] | length) == 0' >/dev/null
ok $? "clean boots against clean boots: nothing flagged"
tap_done
