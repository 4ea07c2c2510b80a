#!/bin/bash
# bisect and kernel names: a bisection names each step's kernel
# <tree>-<commit12>. When that name already points at another build (here
# one built from a tarball; in life, the same commit built with another
# compiler or default fragments), the bisection stops with status 9 and says
# how to start clean, instead of moving the name or pooling the step's
# stored boots with another build; the name is left as it was. With the
# fault-injection fakes of tests/fault/kernel-fakes.bash.
. "$(dirname "$0")/../lib.sh"
plan 3
. "$(dirname "$0")/kernel-fakes.bash"
fake_kernel_setup
export GUPBENCH_QEMU=$ROOT/tests/fault/fake-qemu-for-fault-injection.bash FAKE_QEMU_SAMPLES=3 GUPBENCH_QUIET=1
REPO=$SCRATCH/repo
cp -r "$SCRATCH/src/linux-source-9.9" "$REPO"
g() { git -C "$REPO" -c user.name=t -c user.email=t@t "$@"; }
g init -q -b main && g add -A && g commit -qm base
GOOD=$(g rev-parse HEAD)
sed -i '1i fake_get_us=5000' "$REPO/mm/gup.c" && g commit -qam slow
BAD=$(g rev-parse HEAD)
echo '{ "name": "bn", "repeats": 3, "axes": { "cmd": "L" } }' >"$SCRATCH/m.json"
name=repo-${GOOD:0:12}
kbuild --name "$name"
before=$(readlink "$GUPBENCH_CACHE/names/$name")
timeout 300 "$GUPHARNESS" bisect --source "$REPO" --good "$GOOD" --bad "$BAD" --case "-L -m 128 -n 1" \
	--matrix "$SCRATCH/m.json" --db "$SCRATCH/b.db" >"$SCRATCH/out" 2>"$SCRATCH/err"
st=$?
ok $((st != 9)) "bisect stops with status 9 when a step's name is another build's (got $st)"
grep -q "kernel name '$name' is build" "$SCRATCH/err" && grep -q "'gupharness kernel rm $name' and bisect into another --db" "$SCRATCH/err"
ok $? "naming the kernel and the way out: $(grep -m1 'bisect into' "$SCRATCH/err")"
[ "$(readlink "$GUPBENCH_CACHE/names/$name")" = "$before" ]
ok $? "the name is left as it was"
tap_done
