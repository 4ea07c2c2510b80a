#!/bin/bash
# Builds the kernels the end-to-end tests boot, into the normal kernel
# cache, while the unit and fault-injection tests run. run-all.sh starts it
# at nice 19, so it takes only the CPU those tests leave idle, and waits for
# it before the end-to-end tests, whose own `kernel build` calls then hit
# the cache (bisect's synthetic 6.12 tree hits ccache through the 6.12
# build). Not a test: a build that fails here is built, and reported, by
# the test that needs it. Prints one line per kernel on stderr.
set -u
cd "$(dirname "$0")/.."
H=harness/gupharness
builds=()
if command -v aarch64-linux-gnu-gcc >/dev/null && [ -x bench/gupbench.aarch64 ]; then
	builds+=("--arch arm64 --source /usr/src/linux-source-6.1.tar.xz --name linux-6.1-arm64"
		 "--arch arm64 --source /usr/src/linux-source-6.12.tar.xz --name linux-6.12-arm64")
fi
builds+=("--source /usr/src/linux-source-6.12.tar.xz --name linux-6.12")

for b in "${builds[@]}"; do
	t0=$(date +%s)
	# shellcheck disable=SC2086  # the words of $b are the arguments
	if $H kernel build $b >/dev/null; then
		echo "prebuilt: kernel build $b ($(( $(date +%s) - t0 )) s)" >&2
	else
		echo "prebuild failed: kernel build $b (status $?): the test that needs it builds it again" >&2
	fi
done
