#!/bin/bash
# install-deps: installs, only when missing, the Debian packages gupbench
# needs on a fresh Debian 12 machine (compiler, libraries, gnuplot, QEMU,
# the Debian kernel source tarballs used as the built-in default, and the
# kernel's build dependencies), plus what arm64 guests need: the aarch64
# cross compiler, qemu-system-aarch64, and the arm64 jansson/numa libraries
# through Debian multiarch (`dpkg --add-architecture arm64`) so that the
# static aarch64 gupbench links. Used by `make deps`, `make demo`, `make check`.
set -u
PKGS=(
	gcc make libc6-dev git rsync patch # our C code; patch and rsync for series and directory sources
	libsqlite3-dev libjansson-dev libnuma-dev
	gnuplot-nox                        # plots
	qemu-system-x86                    # guests
	flex bison bc libelf-dev libssl-dev xz-utils lz4 ccache   # kernel builds
	linux-source-6.1 linux-source-6.12 # the default kernels (tarballs in /usr/src)
	jq sqlite3                         # used by the tests to inspect outputs
	chromium                           # tests/fault/site-browser.sh: the dashboard in a real browser
	man-db                             # tests/fault/install.sh: man -l renders the installed pages
	munge slurmctld slurmd slurm-client # tests/slurm: a one-node cluster for `nightly --slurm`
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm   # arm64 kernels and guests
	libjansson-dev:arm64 libnuma-dev:arm64                        # static aarch64 gupbench
)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages ${missing[*]}; run 'sudo make deps' or install them with apt-get" >&2
	exit 3
fi
export DEBIAN_FRONTEND=noninteractive
: >/tmp/gupbench-apt.log
# The :arm64 libraries come from Debian multiarch; enabling it changes the
# machine's dpkg configuration, so say so.
if [[ " ${missing[*]} " == *":arm64 "* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "install-deps: enabling the arm64 architecture in dpkg ('dpkg --add-architecture arm64') for libjansson-dev:arm64 and libnuma-dev:arm64" >&2
	if ! dpkg --add-architecture arm64 >>/tmp/gupbench-apt.log 2>&1; then
		echo "install-deps: 'dpkg --add-architecture arm64' failed (see /tmp/gupbench-apt.log); arm64 guests need it" >&2
		exit 3
	fi
fi
if ! apt-get update -q >>/tmp/gupbench-apt.log 2>&1; then
	echo "install-deps: 'apt-get update' failed (offline? see /tmp/gupbench-apt.log); install ${missing[*]} by hand" >&2
	exit 3
fi
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/gupbench-apt.log 2>&1; then
	echo "install-deps: 'apt-get install' failed (offline or no space? see /tmp/gupbench-apt.log)" >&2
	exit 3
fi
echo "install-deps: done" >&2
