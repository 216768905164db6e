#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Builds an out-of-tree kernel module against real Linux 6.12 headers, with
# the kernel's own build flags and -Werror, to check that kernel-side C code
# compiles cleanly.
#
# Usage: scripts/kernel-module-check.sh [--keep] DIR
#
# DIR holds a Kbuild file (e.g. `obj-m += foo.o`). The module is built in
# place with `make -C <headers> M=DIR modules KCFLAGS=-Werror`, and the build
# products are removed afterwards (`make ... clean`) unless --keep is given.
# Env PANICQR_MODULE_W=1 builds with W=1 (the kernel's extra warnings), which
# -Werror then also turns into errors.
#
# The headers are Debian's linux-headers-6.12.*+deb12-amd64 (the newest one
# apt knows), with its -common and linux-kbuild packages. They are fetched
# with `apt-get download` and unpacked into the cache (`$PANICQR_CACHE`, by
# default `~/.cache/panicqr`) instead of being installed, because the package
# depends on a kernel image. The compiler they need (gcc-12), make and pahole
# are installed with apt-get when missing. To use another prepared tree,
# e.g. the 6.12 source after `make defconfig modules_prepare`, set
# PANICQR_KERNEL_BUILD to its path.
#
# Debian's config leaves CONFIG_DRM_PANIC unset: code that depends on it must
# not rely on the config to see drm_panic's declarations.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

keep=0
dir=
for arg in "$@"; do
	case "$arg" in
	--keep) keep=1 ;;
	-h | --help)
		sed -n '4,26p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "kernel-module-check.sh: unknown option: $arg" >&2
		exit 2
		;;
	*)
		if [ -n "$dir" ]; then
			echo "usage: scripts/kernel-module-check.sh [--keep] DIR" >&2
			exit 2
		fi
		dir="$arg"
		;;
	esac
done
if [ -z "$dir" ]; then
	echo "usage: scripts/kernel-module-check.sh [--keep] DIR" >&2
	exit 2
fi
dir="$(cd "$dir" && pwd)"
if [ ! -f "$dir/Kbuild" ] && [ ! -f "$dir/Makefile" ]; then
	echo "kernel-module-check.sh: no Kbuild or Makefile in $dir" >&2
	exit 2
fi

# The build tools. The headers' prebuilt kbuild programs need libelf, libssl
# and zlib; gcc-12 is the compiler Debian built the kernel with.
apt_install make gcc-12 pahole libelf1 libssl3 zlib1g libc6-dev

# Unpacks Debian's 6.12 headers into the cache, once, and prints the build
# directory.
debian_headers() {
	local root="$PANICQR_CACHE/linux-headers"
	local build
	# Reuse the newest headers already unpacked.
	build="$(find "$root" -mindepth 4 -maxdepth 4 -path '*/usr/src/linux-headers-6.12.*-amd64' \
		2>/dev/null | sort -V | tail -n1)"
	if [ -n "$build" ] && [ -f "$build/.panicqr-complete" ]; then
		echo "$build"
		return
	fi

	apt_update
	local pkg
	pkg="$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sort -V | tail -n1)"
	if [ -z "$pkg" ]; then
		echo "kernel-module-check.sh: apt knows no linux-headers-6.12.*-amd64" >&2
		return 1
	fi
	local abi="${pkg#linux-headers-}" # 6.12.117+deb12-amd64
	local base="${abi%-amd64}"         # 6.12.117+deb12
	local dest="$root/$abi"
	local dl="$root/download"
	rm -rf "$dl" "$dest"
	mkdir -p "$dl" "$dest"
	chmod 0777 "$dl"
	echo "kernel-module-check.sh: apt-get download $pkg" >&2
	(cd "$dl" && apt-get download -q "$pkg" "linux-headers-$base-common" \
		"linux-kbuild-$base" >&2)
	local deb
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$dest"
	done
	rm -rf "$dl"
	build="$dest/usr/src/linux-headers-$abi"
	# The headers' Makefile includes the -common one by its absolute path.
	sed -i "s|^include /usr/src/|include $dest/usr/src/|" "$build/Makefile"
	touch "$build/.panicqr-complete"
	echo "$build"
}

if [ -n "${PANICQR_KERNEL_BUILD:-}" ]; then
	build="$PANICQR_KERNEL_BUILD"
else
	build="$(debian_headers)"
fi
echo "kernel-module-check.sh: building $dir against $build" >&2

w=()
if [ "${PANICQR_MODULE_W:-0}" = 1 ]; then
	w=(W=1)
fi

clean() {
	make -s -C "$build" M="$dir" clean >/dev/null 2>&1 || true
}
if [ "$keep" = 0 ]; then
	trap clean EXIT
fi

make -C "$build" M="$dir" KCFLAGS=-Werror "${w[@]}" -j"$(nproc)" modules
echo "kernel-module-check.sh: OK: $(find "$dir" -maxdepth 1 -name '*.ko' -printf '%f ')" >&2
