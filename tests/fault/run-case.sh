#!/bin/bash
# `gupharness run --case ID`: only the named cases of the matrix are booted
# and stored (bisect measures one case this way), the choice is kept in
# run.json for --resume, and an unknown id is refused with status 2 before
# anything is stored.
. "$(dirname "$0")/run-common.bash"
plan 8
fake_kernel good ok
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel good --db "$DB" --accel tcg --label one \
	--case "-L -m 128 -n 2" >"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
ok $st "a run of one case exits 0 (got $st)"
got=$(q "SELECT group_concat(case_id) FROM cases")
[ "$got" = "-L -m 128 -n 2" ]
ok $? "only that case is stored (got '$got')"
rd=$(q "SELECT run_dir FROM runs WHERE label = 'one'")
[ "$(jq -c .cases "$rd/run.json" 2>/dev/null)" = '["-L -m 128 -n 2"]' ]
ok $? "run.json keeps the case list for --resume"
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel good --db "$DB" --accel tcg --label two \
	--case "-L -m 128 -n 3" --case "-L -m 128 -n 1" >/dev/null 2>&1
ok $? "two --case options"
got=$(q "SELECT group_concat(c.case_id, ',') FROM cases c JOIN boots b ON b.id = c.boot_id JOIN runs r ON r.id = b.run_id WHERE r.label = 'two' ORDER BY c.id")
[ "$got" = "-L -m 128 -n 1,-L -m 128 -n 3" ]
ok $? "both cases, in the matrix's order (got '$got')"
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel good --db "$DB" --accel tcg --label bad \
	--case "-L -m 999" >/dev/null 2>"$SCRATCH/err"
st=$?
ok $((st != 2)) "an unknown case id exits 2 (got $st)"
grep -q "no case '-L -m 999'" "$SCRATCH/err"
ok $? "and the message names it: $(head -1 "$SCRATCH/err")"
ok_sql "$DB" "SELECT count(*) FROM runs WHERE label = 'bad'" -eq 0 "nothing is stored for it"
tap_done
