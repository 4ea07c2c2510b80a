#!/bin/bash
# suite-rules: the test suite's own guarantees, each
# shown on a small test script run here: tests/lib.sh prints the plan
# first; a test that runs fewer checks than planned, or declares no plan,
# fails; ok_sql on a query that prints nothing is a failed check, never a
# vanished one; and no lock file is committed (*.lock is ignored).
. "$(dirname "$0")/../lib.sh"
plan 7
scratch
# child BODY: a test script sourcing lib.sh; its output in $SCRATCH/out, status in $st
child() {
	printf '. "%s/tests/lib.sh"\n%s\n' "$ROOT" "$1" >"$SCRATCH/t.sh"
	bash "$SCRATCH/t.sh" >"$SCRATCH/out" 2>&1
	st=$?
}
child $'plan 2\nok 0 "one"\nok 0 "two"\ntap_done'
[ $st -eq 0 ] && [ "$(head -2 "$SCRATCH/out" | tr '\n' ' ')" = "TAP version 13 1..2 " ]
ok $? "a test that runs its plan passes, the TAP version line and the plan line first (status $st)"
child $'plan 3\nok 0 "one"\nok 0 "two"\ntap_done'
[ $st -ne 0 ] && grep -q "planned 3 checks but ran 2" "$SCRATCH/out"
ok $? "two checks of a plan of three: the test fails and says so (status $st)"
child $'ok 0 "unplanned"\ntap_done'
[ $st -ne 0 ] && grep -q "declared no plan" "$SCRATCH/out"
ok $? "no plan: the test fails (status $st)"
child "plan 1
ok_sql '$SCRATCH/none.db' 'SELECT count(*) FROM no_such_table' -eq 0 'a query that fails'
tap_done"
[ $st -ne 0 ] && grep -q "^not ok 1 - a query that fails (the query printed" "$SCRATCH/out"
ok $? "ok_sql on a failing query is a 'not ok' line, not a vanished check (status $st)"
child "plan 1
ok_sql '$SCRATCH/none.db' 'SELECT 1 WHERE 0' -eq 0 'a query that prints nothing'
tap_done"
[ $st -ne 0 ] && grep -q "^not ok 1 - a query that prints nothing" "$SCRATCH/out"
ok $? "ok_sql on a query that prints nothing fails too (status $st)"
n=$(git -C "$ROOT" ls-files '*.lock' '**/*.lock' 2>/dev/null | wc -l)
ok $n "no lock file is committed ($n)"
git -C "$ROOT" check-ignore -q results/nightly.db.nightly.lock
ok $? "a nightly lock file next to the database is ignored"
tap_done
