#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Builds panicqr in Linux from source, as Kbuild builds it: Debian's
# linux-source-6.12 with rust-patches/ applied, configured as the e2e's
# tiny kernel (tinyconfig + config.fragment) with rust.fragment, the
# toolchain of scripts/kernel-rust-toolchain.sh, then `make prepare` (which
# builds the kernel's own core, kernel and bindings crates) and
# `make drivers/gpu/drm/drm_panic_qr.o`. Only that object, not the kernel.
#
# Prints the object's path last; the build's log, with the rustc command
# line Kbuild ran (V=1), is build.log beside it. Then it checks that the
# object, built with 6.12's default CONFIG_RUST_OVERFLOW_CHECKS, reaches no
# panic machinery, that Kbuild tracks every module (touching one rebuilds
# the object), and that Kbuild's clippy lints (make CLIPPY=1, clippy.log)
# find nothing.
#
# The tree is kept in ${PANICQR_CACHE:-~/.cache/panicqr}/kernel-rust-obj-HASH,
# keyed by the package, the series, the fragments and the toolchain; a warm
# run rebuilds only what changed.
#
# Usage: kernel-glue/linux/rust-object.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/scripts/lib.sh"
cache=$PANICQR_CACHE
jobs=$(nproc)
log() { echo "rust-object.sh: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

apt_install flex bison bc libelf-dev libssl-dev xz-utils gcc make
read -r -a vars < <("$repo/scripts/kernel-rust-toolchain.sh" --no-check | tail -n 1)
[ ${#vars[@]} -gt 0 ] || die "scripts/kernel-rust-toolchain.sh failed"
"$repo/scripts/linux-source.sh" >/dev/null
tarball="$cache/debian/linux-source-6.12.tar.xz"
[ -s "$tarball" ] || die "no $tarball after scripts/linux-source.sh"

patches=("$here"/rust-patches/*.patch)
fragments=("$here/config.fragment" "$here/rust.fragment")
key=$(
	{
		echo "recipe 1"
		cat "$cache/debian/linux-source-6.12.version" 2>/dev/null || true
		printf '%s\n' "${vars[@]}"
		sha256sum "${fragments[@]}" | awk '{ print $1 }'
	} | sha256sum | cut -c1-16
)
kdir="$cache/kernel-rust-obj-$key"
src="$kdir/src"

if [ ! -s "$src/.config" ]; then
	rm -rf "$kdir"
	mkdir -p "$kdir"
	log "extracting Linux into $src"
	xz -dc -T"$jobs" "$tarball" | tar -x -C "$kdir"
	mv "$kdir/linux-source-6.12" "$src"
	# The pristine files the series changes, to apply it again on a warm run.
	git -C "$src" init -q
	git -C "$src" add -f drivers/gpu/drm
	git -C "$src" -c user.name=panicqr -c user.email=panicqr@example.invalid \
		commit -q -m "Linux $(make -C "$src" -s kernelversion)"

	log "configuring (tinyconfig + config.fragment + rust.fragment)"
	make -C "$src" -s "${vars[@]}" tinyconfig >/dev/null
	# rust.fragment's names replace config.fragment's.
	grep -v -e '^# CONFIG_RUST is not set' -e 'CONFIG_DRM_PANIC_QR_PANICQR' \
		"$here/config.fragment" >"$kdir/fragment"
	cat "$here/rust.fragment" >>"$kdir/fragment"
	"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "$kdir/fragment" >/dev/null
	make -C "$src" -s "${vars[@]}" olddefconfig >/dev/null
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*) grep -qxF "$line" "$src/.config" || die "config lacks $line" ;;
		esac
	done <"$kdir/fragment"
fi

# The series, on the pristine files.
git -C "$src" checkout -q -f HEAD -- drivers/gpu/drm
git -C "$src" clean -q -fdx drivers/gpu/drm
for p in "${patches[@]}"; do
	log "applying $(basename "$p")"
	patch -d "$src" -p1 --batch --forward <"$p" >"$kdir/patch.log" 2>&1 ||
		die "$(basename "$p") does not apply (patch's output: $kdir/patch.log)"
done

log "make prepare (the kernel's Rust crates; minutes the first time)"
t0=$(date +%s)
make -C "$src" -j"$jobs" "${vars[@]}" prepare >"$kdir/prepare.log" 2>&1 ||
	{ tail -n 40 "$kdir/prepare.log" >&2; die "make prepare failed (log: $kdir/prepare.log)"; }
log "prepared in $(($(date +%s) - t0)) s"

obj=drivers/gpu/drm/drm_panic_qr.o
rm -f "$src/$obj"
log "make $obj"
make -C "$src" -j"$jobs" "${vars[@]}" V=1 "$obj" >"$kdir/build.log" 2>&1 ||
	{ tail -n 60 "$kdir/build.log" >&2; die "$obj does not build (log: $kdir/build.log)"; }
[ -s "$src/$obj" ] || die "no $obj"
if grep -q '^warning\|^error' "$kdir/build.log"; then
	grep -A8 '^warning\|^error' "$kdir/build.log" | head -n 60 >&2
	die "rustc warns about the generated source (log: $kdir/build.log)"
fi

# With the configuration's overflow checks, no panic is reachable.
panics=$(panic_symbols "$src/$obj")
[ -z "$panics" ] || die "$obj reaches panic machinery: $(echo $panics)"
log "$obj reaches no panic machinery ($(grep -E '^CONFIG_RUST_OVERFLOW_CHECKS=' "$src/.config"))"

# Kbuild's dependency tracking: nothing changed, nothing is rebuilt; a
# module file changed, the object is.
rebuilt() {
	make -C "$src" -j"$jobs" "${vars[@]}" "$obj" >"$kdir/rebuild.log" 2>&1 ||
		die "rebuild failed (log: $kdir/rebuild.log)"
	grep -q "RUSTC .*$obj" "$kdir/rebuild.log"
}
! rebuilt || die "make rebuilt $obj with nothing changed"
touch "$src/drivers/gpu/drm/panicqr/qr/bits.rs"
rebuilt || die "touching panicqr/qr/bits.rs did not rebuild $obj"
log "a change to panicqr/qr/bits.rs rebuilds $obj, and only a change"

# Kbuild's clippy lints (make CLIPPY=1): none may fire.
touch "$src/drivers/gpu/drm/drm_panic_qr.rs"
make -C "$src" -j"$jobs" "${vars[@]}" CLIPPY=1 CLIPPY_DRIVER="$(dirname "${vars[0]#RUSTC=}")/clippy-driver" \
	"$obj" >"$kdir/clippy.log" 2>&1 || die "make CLIPPY=1 failed (log: $kdir/clippy.log)"
clippy=$(grep -c '^warning: [^0-9]' "$kdir/clippy.log" || true)
log "clippy (make CLIPPY=1): $clippy warnings (log: $kdir/clippy.log)"
if [ "$clippy" != 0 ]; then
	grep -A1 '^warning: [^0-9]' "$kdir/clippy.log" | grep -- '-->' | sort | uniq -c >&2 || true
	die "Kbuild's clippy lints warn about the generated source (log: $kdir/clippy.log)"
fi

cp "$src/$obj" "$kdir/drm_panic_qr.o"
echo "$src/$obj"
