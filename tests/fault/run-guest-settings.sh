#!/bin/bash
# `gupharness run --cpus --memory --append --qemu-arg`: the
# user's settings reach the exact QEMU command (kept as qemu-cmd) over the
# plan's, are recorded with the run, come back on --resume, and bad ones
# are refused before anything is stored. The vCPU count: the plan's most
# threads by default (1 when single-threaded), one socket each, stored with
# the boot (boots.vcpus), and a guest that sees fewer is warned about. A
# fake QEMU stands in.
. "$(dirname "$0")/run-common.bash"
plan 22
fake_kernel k ok

timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel k --db "$DB" --accel tcg --clock wall \
	--cpus 3 --memory 3G --append "loglevel=3  gupbench.x=1" --qemu-arg -rtc --qemu-arg base=utc \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
ok $? "a run with all four settings succeeds"
cmd=$(cat "$(q "SELECT run_dir FROM runs")"/k/boot0/qemu-cmd)
[[ $cmd == *" -smp 3,sockets=3,cores=1,threads=1 "* ]]
ok $? "--cpus 3 becomes -smp 3, one socket per vCPU (the plan asked 1)"
ok_sql "$DB" "SELECT vcpus FROM boots" -eq 3 "the boot records its 3 vCPUs"
! grep -q "vCPUs" "$SCRATCH/err"
ok $? "no warning when the guest sees all its vCPUs"
[[ $cmd == *" -m 3072M "* ]]
ok $? "--memory 3G becomes -m 3072M"
[[ $cmd == *"-append '"*" loglevel=3 gupbench.x=1'"* ]]
ok $? "--append words end the kernel command line, split on blanks"
[[ $cmd == *" -rtc base=utc" ]]
ok $? "--qemu-arg arguments come last, in order"
noise=$(q "SELECT noise FROM runs")
[ "$(echo "$noise" | jq -c .guest)" = '{"cpus":3,"memory_mb":3072,"append":"loglevel=3  gupbench.x=1","qemu_args":["-rtc","base=utc"]}' ]
ok $? "the settings are recorded with the run (got $(echo "$noise" | jq -c .guest))"

# the default: as many vCPUs as the plan's most threads
sed 's/"nr_pages": \[1, 2, 3\]/"nr_pages": 1, "threads": [1, 2]/' "$MATRIX" >"$SCRATCH/j2.json"
timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel k --db "$SCRATCH/d.db" --accel tcg --clock wall \
	>/dev/null 2>&1
ok_sql "$SCRATCH/d.db" "SELECT vcpus FROM boots" -eq 1 "a single-threaded plan gets 1 vCPU"
FAKE_QEMU_CPUS=1 timeout 60 "$GUPHARNESS" run --matrix "$SCRATCH/j2.json" --kernel k --db "$SCRATCH/e.db" \
	--accel tcg --clock wall --no-pin >/dev/null 2>"$SCRATCH/err"
[[ $(cat "$(sqlite3 "$SCRATCH/e.db" "SELECT run_dir FROM runs")"/k/boot0/qemu-cmd) == *" -smp 2,sockets=2,"* ]]
ok $? "a plan with -j 2 gets 2 vCPUs"
grep -q "the guest sees 1 of its 2 vCPUs" "$SCRATCH/err"
ok $? "a guest that sees fewer vCPUs is warned about"

refused() {   # refused WHAT GREP ARGS...: exit 2, the message, nothing stored
	local what=$1 pat=$2
	shift 2
	timeout 60 "$GUPHARNESS" run --matrix "$MATRIX" --kernel k --db "$SCRATCH/x.db" "$@" \
		>/dev/null 2>"$SCRATCH/err"
	local st=$?
	ok $((st != 2)) "$what exits 2 (got $st)"
	grep -q -- "$pat" "$SCRATCH/err"
	ok $? "  ... saying '$pat'"
	test ! -e "$SCRATCH/x.db" || [ "$(sqlite3 "$SCRATCH/x.db" 'SELECT count(*) FROM runs')" = 0 ]
	ok $? "  ... and storing no run"
}
refused "--memory below the matrix's needs" "less than the 1024 MiB the matrix needs" --memory 512M
refused "--memory that is not a size" "'--memory'" --memory lots
refused "--cpus 0" "'--cpus'" --cpus 0
uuid=$(q "SELECT uuid FROM runs")
timeout 60 "$GUPHARNESS" run --resume "$uuid" --db "$DB" --cpus 2 >/dev/null 2>"$SCRATCH/err"
ok $(($? != 2)) "--resume with --cpus exits 2"
grep -q "keeps the run's guest settings" "$SCRATCH/err"
ok $? "  ... saying the run keeps its settings"
tap_done
