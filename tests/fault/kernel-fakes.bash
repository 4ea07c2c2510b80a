# tests/fault/kernel-fakes.bash: FAULT-INJECTION FAKES for the kernel build
# tests, sourced by tests/fault/kernel-*.sh (this file is not a test). A real
# kernel build takes minutes; these tests need the harness's own logic
# (cache, patches, config check, cleanup), so they run it on a tiny fake
# source tarball with a fake `make` first on PATH. The fake understands the
# three targets the harness uses (tinyconfig, olddefconfig, bzImage) and
# injects faults on request:
#   fragment option CONFIG_FAKE_DROPME*=y  olddefconfig turns it off (a dropped option)
#   fragment option CONFIG_FAKE_ENOSPC=y   the build fails with ENOSPC
#   file $FAKE_SLEEP_FILE exists           the build writes its pid (also its process
#                                          group) there and sleeps 60 s, to be interrupted
#   FAKE_BUILD_ERROR in the tree's mm/gup.c  the compile fails with an error line
# Every invocation is logged to $FAKE_MAKE_LOG.

# fake_run_setup NAME: after fake_kernel_setup, for a test that registers
# kernels through 'gupharness run' without booting a guest: the fault-injection
# fake QEMU, $H for the harness and a one-case matrix $SCRATCH/m.json named NAME.
fake_run_setup() {
	export GUPBENCH_QEMU=$ROOT/tests/fault/fake-qemu-for-fault-injection.bash GUPBENCH_QUIET=1
	H=$GUPHARNESS
	echo "{ \"name\": \"$1\", \"repeats\": 1, \"axes\": { \"cmd\": \"L\" } }" >"$SCRATCH/m.json"
}

fake_kernel_setup() {
	scratch
	export GUPBENCH_CACHE=$SCRATCH/cache GUPBENCH_NO_CCACHE=1 GUPBENCH_ROOT=$ROOT
	unset GUPBENCH_NAMES   # a private cache has its own names
	export FAKE_MAKE_LOG=$SCRATCH/make.log FAKE_SLEEP_FILE=$SCRATCH/sleep
	mkdir -p "$SCRATCH/bin" "$SCRATCH/src/linux-source-9.9/mm"
	cat >"$SCRATCH/bin/make" <<'FAKE'
#!/bin/bash
# fault-injection fake make (see tests/fault/kernel-fakes.bash)
tree= obj= target=
for a in "$@"; do
	case $a in
	O=*) obj=${a#O=} ;;
	-C) next=tree ;;
	*=*|-j*) ;;
	*) if [ "$next" = tree ]; then tree=$a; next=; else target=$a; fi ;;
	esac
done
echo "$target" >>"$FAKE_MAKE_LOG"
mkdir -p "$obj"
case $target in
tinyconfig)
	printf 'CONFIG_64BIT=y\n# CONFIG_ADVISE_SYSCALLS is not set\nCONFIG_NR_CPUS=64\n' >"$obj/.config" ;;
olddefconfig)
	sed -i -E 's/^(CONFIG_FAKE_DROPME[A-Z0-9_]*)=.*/# \1 is not set/' "$obj/.config" ;;
bzImage)
	echo "  CC      mm/gup.o"
	if [ -e "$FAKE_SLEEP_FILE" ]; then echo $$ >"$FAKE_SLEEP_FILE"; echo "  CC      slow.o"; sleep 60; fi
	if grep -q FAKE_BUILD_ERROR "$tree/mm/gup.c"; then
		echo "mm/gup.c:1:1: error: FAKE_BUILD_ERROR (fault injection)" >&2
		exit 2
	fi
	if grep -q '^CONFIG_FAKE_ENOSPC=y' "$obj/.config"; then
		echo "mm/gup.o: No space left on device" >&2
		exit 2
	fi
	mkdir -p "$obj/arch/x86/boot" "$obj/include/config"
	{ cat "$tree/mm/gup.c"; cat "$obj/.config"; } >"$obj/arch/x86/boot/bzImage"
	echo "9.9.0-fake" >"$obj/include/config/kernel.release"
	touch "$obj/vmlinux"
	printf 'ffffffff81000000 T _text\n' >"$obj/System.map"
	echo "  LD      vmlinux" ;;
headers)
	mkdir -p "$obj/usr/include" ;;
*)
	echo "fake make: unknown target '$target'" >&2
	exit 2 ;;
esac
FAKE
	chmod +x "$SCRATCH/bin/make"
	export PATH=$SCRATCH/bin:$PATH
	(
		cd "$SCRATCH/src/linux-source-9.9"
		echo "obj-y += mm/" >Kbuild
		echo "# fake kernel Makefile" >Makefile
		printf 'line one\nline two\nline three\nline four\n' >mm/gup.c
	)
	tar -C "$SCRATCH/src" -cJf "$SCRATCH/linux-source-9.9.tar.xz" linux-source-9.9
	TARBALL=$SCRATCH/linux-source-9.9.tar.xz
	FRAG=$SCRATCH/frag.config
	printf 'CONFIG_GUP_TEST=y\nCONFIG_ADVISE_SYSCALLS=y\n# CONFIG_MODULES is not set\nCONFIG_NR_CPUS=8\n' >"$FRAG"
}

# kbuild ARGS...: run `gupharness kernel build` on the fake tarball; output in $OUT/$ERR, status in $ST
kbuild() {
	OUT=$SCRATCH/out ERR=$SCRATCH/err
	timeout 120 "$GUPHARNESS" kernel build --source "$TARBALL" --no-default-config "$@" >"$OUT" 2>"$ERR"
	ST=$?
}

# a series directory $1 with one patch $2 (text) changing mm/gup.c
make_series() {
	mkdir -p "$1"
	printf '%s' "$2" >"$1/0001-test.patch"
	echo "0001-test.patch" >"$1/series"
}

entries() { ls "$GUPBENCH_CACHE/kernels" 2>/dev/null | grep -vc '^\.' ; }
tmp_entries() { ls -a "$GUPBENCH_CACHE/kernels" 2>/dev/null | grep -c '^\.tmp-' ; }
