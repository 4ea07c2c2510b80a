# Shared set-up of the `gupharness run` fault tests (sourced, not a test):
# a scratch kernel cache with fake kernels whose "fake-mode" file tells the
# fault-injection fake QEMU how to misbehave, a 3-case matrix, a scratch
# database, and helpers to query it.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
scratch
export GUPBENCH_CACHE=$SCRATCH/cache
unset GUPBENCH_NAMES   # a private cache has its own names
export GUPBENCH_QEMU=$ROOT/tests/fault/fake-qemu-for-fault-injection.bash
export GUPBENCH_QUIET=1
DB=$SCRATCH/r.db
MATRIX=$SCRATCH/m.json
cat >"$MATRIX" <<'M'
{ "name": "fault", "repeats": 2, "axes": { "cmd": "L", "nr_pages": [1, 2, 3] } }
M
fake_kernel() {   # fake_kernel NAME MODE
	local d=$GUPBENCH_CACHE/kernels/key-$1
	mkdir -p "$d" "$GUPBENCH_CACHE/names"
	echo "not a kernel: fault-injection fake" >"$d/bzImage"
	: >"$d/.config"
	echo "$2" >"$d/fake-mode"
	printf '{"name":"%s","key":"key-%s","release":"6.12.0-fake","arch":"x86_64","image":"bzImage"}\n' "$1" "$1" >"$d/meta.json"
	ln -sfn "../kernels/key-$1" "$GUPBENCH_CACHE/names/$1"
}
q() { sqlite3 "$DB" "$1"; }
# Nothing the run started may outlive it.
no_orphans() { ! pgrep -f "$SCRATCH" >/dev/null; }
if [ ! -x "$GUPHARNESS" ] || [ ! -x "$GUPBENCH" ]; then
	echo "not ok 1 - build harness/gupharness and bench/gupbench first (make)"
	exit 1
fi
