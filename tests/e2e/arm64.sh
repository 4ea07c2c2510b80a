#!/bin/bash
# End-to-end on arm64: cross-builds linux 6.1 and 6.12 for arm64 from
# Debian's tarballs (cached after the first time, like the x86 kernels),
# boots each once under qemu-system-aarch64 (TCG) with
# harness/matrices/hugetlb-sizes.json, and checks that every hugetlb size a
# 4K-granule arm64 guest has (64K cont-PTE, 2M PMD, 32M cont-PMD, 1G PUD)
# comes back ok with all its samples, for pin-longterm and GUP-fast, that
# the arch is recorded with the kernels and the boots, and that 6.1 and
# 6.12 compare. A SKIP (not a pass) when the cross toolchain, the aarch64
# bench or qemu-system-aarch64 is missing.
. "$(dirname "$0")/../lib.sh"
plan 11
scratch
H=$GUPHARNESS
DB=$SCRATCH/arm64.db
MATRIX=$ROOT/harness/matrices/hugetlb-sizes.json
export GUPBENCH_DB=$DB
for need in aarch64-linux-gnu-gcc qemu-system-aarch64; do
	if ! command -v $need >/dev/null; then
		skip 7 "$need is not installed (make deps)"
		tap_done
		exit
	fi
done
if [ ! -x "$ROOT/bench/gupbench.aarch64" ]; then
	skip 7 "bench/gupbench.aarch64 is not built (make deps && make)"
	tap_done
	exit
fi

for v in 6.1 6.12; do
	t0=$(date +%s)
	check "linux-$v-arm64 cross-builds from Debian's tarball (or is cached)" -- \
		$H kernel build --arch arm64 --source /usr/src/linux-source-$v.tar.xz --name linux-$v-arm64
	echo "# linux-$v-arm64: kernel build took $(( $(date +%s) - ${t0:-0} )) s" >&2
	entry=$($H kernel build --arch arm64 --source /usr/src/linux-source-$v.tar.xz --name linux-$v-arm64 2>/dev/null |
		awk '{print $3}')
	[ -s "$entry/Image" ] && grep -qx CONFIG_ARM64_4K_PAGES=y "$entry/.config" &&
		grep -qx CONFIG_VIRTIO_CONSOLE=y "$entry/.config" && grep -qx CONFIG_GUP_TEST=y "$entry/.config"
	ok $? "linux-$v-arm64: an arm64 Image, 4K granule, virtio console, GUP_TEST"
done
$H kernel list | grep -q '^linux-6.12-arm64 .* arm64$'
ok $? "kernel list names the arch"

t0=$(date +%s)
# --clock wall: under icount (single-threaded TCG) the run's own estimate
# after its first case was 24 min on a busy 2-core host; in wall mode the
# 16 cases take about 4 min.
check "run: hugetlb-sizes on 6.1 and 6.12 arm64 guests" -- \
	$H run --matrix "$MATRIX" --kernel linux-6.1-arm64 --kernel linux-6.12-arm64 --label arm64 --clock wall
echo "# run took $(( $(date +%s) - ${t0:-0} )) s" >&2

for v in 6.1 6.12; do
	got=$(sqlite3 "$DB" "SELECT c.cmd || ':' || c.hugetlb_kb || ':' || c.status || ':' ||
		(SELECT count(*) FROM samples s WHERE s.case_id = c.id AND s.warmup = 0)
		FROM cases c JOIN boots b ON b.id = c.boot_id JOIN kernels k ON k.id = b.kernel_id
		WHERE k.name = 'linux-$v-arm64' ORDER BY c.cmd, c.hugetlb_kb" | tr '\n' ' ')
	want="gup_fast:64:ok:10 gup_fast:2048:ok:10 gup_fast:32768:ok:10 gup_fast:1048576:ok:10 "
	want+="pin_longterm:64:ok:10 pin_longterm:2048:ok:10 pin_longterm:32768:ok:10 pin_longterm:1048576:ok:10 "
	[ "$got" = "$want" ]
	ok $? "linux-$v-arm64: 64K, 2M, 32M and 1G all ok with 10 samples, pin-longterm and GUP-fast (got $got)"
	a=$(sqlite3 "$DB" "SELECT k.arch || '/' || json_extract(b.guest_env, '\$.arch') FROM boots b
		JOIN kernels k ON k.id = b.kernel_id WHERE k.name = 'linux-$v-arm64'")
	[ "$a" = arm64/aarch64 ]
	ok $? "linux-$v-arm64: arch recorded with the kernel and the boot (got $a)"
done

$H compare linux-6.1-arm64 linux-6.12-arm64 --format json >"$SCRATCH/cmp.json"
st=$?
n=$(jq '[.cases[] | select(.key | test("--hugetlb-size"))] | length' "$SCRATCH/cmp.json")
[ $st -le 1 ] && [ "$n" -eq 8 ]
ok $? "compare 6.1 vs 6.12 on arm64 covers the 8 size cases (status $st, $n cases)"
jq -r '.cases[] | "# \(.key): 6.1 \(.base.median) us, 6.12 \(.new.median) us, ratio \(.ratio), \(.verdict)"' \
	"$SCRATCH/cmp.json" >&2
tap_done
