#!/bin/bash
# `gupharness run` refuses to mix architectures, with one line and a
# distinct status each: an arm64 kernel with a matrix written for x86_64,
# kernels of two arches in one run, a guest bench built for the other arch
# (exit 2); no qemu-system-aarch64 or no aarch64 bench (exit 3, naming the
# Debian package). Nothing boots: every refusal comes before QEMU.
. "$(dirname "$0")/run-common.bash"
plan 7
fake_kernel x86 ok
fake_kernel a64 ok
sed -i 's/"arch":"x86_64","image":"bzImage"/"arch":"arm64","image":"Image"/' "$GUPBENCH_CACHE/kernels/key-a64/meta.json"
mv "$GUPBENCH_CACHE/kernels/key-a64/bzImage" "$GUPBENCH_CACHE/kernels/key-a64/Image"
ERR=$SCRATCH/err
run() { timeout 60 "$GUPHARNESS" run --db "$DB" "$@" >/dev/null 2>"$ERR"; ST=$?; }
one_line() { [ "$(wc -l <"$ERR")" -eq 1 ]; }

X86M=$SCRATCH/x86.json
echo '{ "name": "x86-only", "arch": "x86_64", "axes": { "cmd": "L" } }' >"$X86M"
run --matrix "$X86M" --kernel a64
[ $ST -eq 2 ] && one_line && grep -q "matrix 'x86-only' is for x86_64, kernel 'a64' for arm64" "$ERR"
ok $? "an arm64 kernel with an x86_64 matrix is refused with status 2 (got $ST: $(head -c 200 "$ERR"))"
run --matrix "$X86M" --kernel x86 --timeout 1 --label x86-ok
[ $ST -ne 2 ] || ! grep -q "is for x86_64" "$ERR"
ok $? "the same matrix on an x86_64 kernel is not refused for its arch"

run --matrix "$MATRIX" --kernel x86 --kernel a64
[ $ST -eq 2 ] && one_line && grep -q "kernels 'x86' and 'a64' are for different arches" "$ERR"
ok $? "kernels of two arches in one run are refused with status 2 (got $ST)"

mkdir -p "$SCRATCH/noqemu"
ln -s "$(command -v timeout)" "$SCRATCH/noqemu/timeout"
( unset GUPBENCH_QEMU; PATH=$SCRATCH/noqemu; run --matrix "$MATRIX" --kernel a64; echo $ST >"$SCRATCH/st" )
ST=$(cat "$SCRATCH/st")
[ "$ST" -eq 3 ] && one_line && grep -q "'qemu-system-aarch64' is not installed.*qemu-system-arm" "$ERR"
ok $? "no qemu-system-aarch64 is status 3 naming qemu-system-arm (got $ST: $(head -c 200 "$ERR"))"

# A fake repository root whose aarch64 bench is the x86_64 one, then none.
FAKE=$SCRATCH/root
mkdir -p "$FAKE/bench"
cp "$GUPBENCH" "$FAKE/bench/gupbench.aarch64"
GUPBENCH_ROOT=$FAKE run --matrix "$MATRIX" --kernel a64
[ $ST -eq 2 ] && one_line && grep -q "gupbench.aarch64' is x86_64, not arm64" "$ERR"
ok $? "an x86_64 bench for an arm64 kernel is refused with status 2 (got $ST: $(head -c 200 "$ERR"))"
rm "$FAKE/bench/gupbench.aarch64"
GUPBENCH_ROOT=$FAKE run --matrix "$MATRIX" --kernel a64
[ $ST -eq 3 ] && one_line && grep -q "arm64 guest bench .* is missing.*gcc-aarch64-linux-gnu" "$ERR"
ok $? "a missing aarch64 bench is status 3 naming the cross packages (got $ST: $(head -c 200 "$ERR"))"
n=$(q "SELECT count(*) FROM boots b JOIN kernels k ON k.id = b.kernel_id WHERE k.name = 'a64'")
[ "$n" -eq 0 ]
ok $? "no arm64 boot was attempted (got $n)"
tap_done
