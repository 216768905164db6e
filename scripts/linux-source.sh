#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Makes sure Linux 6.12's source, from Debian's package linux-source-6.12, is
# extracted in the cache (outside the repository) and prints the tree's path.
#
# Usage: scripts/linux-source.sh [--full]
#
# By default only the files our tools need are extracted (the QR encoder,
# checkpatch and its data files, the DRM panic sources and headers); `--full`
# extracts the whole tree. The script is idempotent: files already present are
# not fetched or extracted again. The cache is `$PANICQR_CACHE`, by default
# `~/.cache/panicqr`. Nothing from the kernel is ever written into the repo.
#
# It runs non-interactively; when the package is missing it runs `apt-get
# update` once, then `apt-get download linux-source-6.12` (as root, or through
# sudo when available).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cache=$PANICQR_CACHE
pkg=linux-source-6.12
tree="$cache/$pkg"
tarball="$cache/debian/$pkg.tar.xz"
stamp="$tree/.panicqr-files"

full=0
for arg in "$@"; do
	case "$arg" in
	--full) full=1 ;;
	-h | --help)
		sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "linux-source.sh: unknown argument: $arg" >&2
		exit 2
		;;
	esac
done

# Paths inside the tree that the project's scripts use.
needed=(
	drivers/gpu/drm/drm_panic_qr.rs
	drivers/gpu/drm/drm_panic.c
	drivers/gpu/drm/Kconfig
	drivers/gpu/drm/Makefile
	drivers/gpu/drm/drm_draw.c
	drivers/gpu/drm/drm_draw_internal.h
	drivers/gpu/drm/drm_format_internal.h
	include/drm/drm_panic.h
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
	Documentation/dev-tools/checkpatch.rst
)

have_all() {
	if [ "$full" = 1 ]; then
		grep -qx 'full' "$stamp" 2>/dev/null
		return
	fi
	local p
	for p in "${needed[@]}"; do
		if ! grep -qxF "$p" "$stamp" 2>/dev/null && ! grep -qx 'full' "$stamp" 2>/dev/null; then
			return 1
		fi
	done
}

if have_all; then
	echo "$tree"
	exit 0
fi

mkdir -p "$cache/debian"

apt_install xz-utils

if [ ! -s "$tarball" ]; then
	if [ -s "/usr/src/$pkg.tar.xz" ]; then
		# The package is installed system-wide: reuse its tarball.
		cp "/usr/src/$pkg.tar.xz" "$tarball.part"
	else
		dl="$cache/debian/download"
		rm -rf "$dl"
		mkdir -p "$dl"
		apt_update
		echo "linux-source.sh: apt-get download $pkg" >&2
		# `apt-get download` writes into the current directory; make it
		# writable for the _apt sandbox user to avoid a warning.
		chmod 0777 "$dl"
		(cd "$dl" && env DEBIAN_FRONTEND=noninteractive apt-get download -q "$pkg" >&2)
		deb=$(ls "$dl"/"$pkg"_*.deb)
		echo "linux-source.sh: got $(basename "$deb")" >&2
		basename "$deb" >"$cache/debian/$pkg.version"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./usr/src/$pkg.tar.xz" >"$tarball.part"
		rm -rf "$dl"
	fi
	mv "$tarball.part" "$tarball"
fi

mkdir -p "$tree"
echo "linux-source.sh: extracting into $tree" >&2
if [ "$full" = 1 ]; then
	xz -dc -T2 "$tarball" | tar -x -C "$cache"
	echo full >>"$stamp"
else
	members=()
	for p in "${needed[@]}"; do
		members+=("$pkg/$p")
	done
	xz -dc -T2 "$tarball" | tar -x -C "$cache" "${members[@]}"
	printf '%s\n' "${needed[@]}" >>"$stamp"
fi

echo "$tree"
