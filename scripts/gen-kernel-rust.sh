#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Generates kernel-glue/linux/rust-patches/, the series that builds panicqr
# in Linux from source: Kbuild compiles it with the kernel's own Rust
# toolchain and flags, in place of drivers/gpu/drm/drm_panic_qr.rs, on any
# architecture with CONFIG_RUST. No prebuilt object.
#
# 0001 replaces drm_panic_qr.rs with the crate root that
# scripts/gen-kernel-rust.py makes from core/src and ffi/src, adds core's
# and ffi's modules under drivers/gpu/drm/panicqr/, and lets drm_panic.c
# name the log's URL parameter after panicqr's packing (z, not zl).
# 0002 adds the glue (kernel-glue/) and lets it draw the QR screen, as
# scripts/gen-kernel-rust-glue.py says. The messages are in
# kernel-glue/linux/rust-patches.msg/.
#
# The series is made against the drm_panic_qr.rs and drm_panic.c of the
# linux-source-6.12 that Debian serves (scripts/linux-source.sh), with git
# format-patch, a fixed author and date: the same inputs give the same
# bytes.
#
# Usage: scripts/gen-kernel-rust.sh [--check]
#
#   --check   write nothing; fail, with the difference, when the committed
#             series is not what the sources give (CI's freshness check)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check=0
case "${1:-}" in
--check) check=1 ;;
"") ;;
-h | --help) sed -n '3,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
*) echo "gen-kernel-rust.sh: unknown argument: $1" >&2; exit 2 ;;
esac

series="$PANICQR_ROOT/kernel-glue/linux/rust-patches"
linux=$("$PANICQR_ROOT/scripts/linux-source.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git_() {
	GIT_AUTHOR_NAME=panicqr GIT_AUTHOR_EMAIL=panicqr@example.invalid \
		GIT_COMMITTER_NAME=panicqr GIT_COMMITTER_EMAIL=panicqr@example.invalid \
		GIT_AUTHOR_DATE='2026-12-05 09:00:00 +0000' \
		GIT_COMMITTER_DATE='2026-12-05 09:00:00 +0000' \
		git -C "$work/linux" -c core.autocrlf=false -c diff.algorithm=myers "$@"
}

# The files the series changes, as Linux has them.
mkdir -p "$work/linux/drivers/gpu/drm"
for f in drivers/gpu/drm/drm_panic_qr.rs drivers/gpu/drm/drm_panic.c \
	drivers/gpu/drm/Kconfig drivers/gpu/drm/Makefile; do
	cp "$linux/$f" "$work/linux/$f"
done
git_ init -q
git_ add -A
git_ commit -q -m "Linux $(cat "$PANICQR_CACHE/debian/linux-source-6.12.version" 2>/dev/null)"

# 0001: the generated source in place of drm_panic_qr.rs.
python3 "$PANICQR_ROOT/scripts/gen-kernel-rust.py" "$work/linux" >/dev/null
# As `make rustfmtcheck` wants it (the kernel's .rustfmt.toml is rustfmt's
# defaults, edition 2021); rustfmt follows the root's modules.
rustfmt --edition 2021 --check "$work/linux/drivers/gpu/drm/drm_panic_qr.rs" ||
	{ echo "gen-kernel-rust.sh: the generated source is not rustfmt-clean" >&2; exit 1; }
c="$work/linux/drivers/gpu/drm/drm_panic.c"
sed -i 's|"%s?a=%s&v=%s&zl=",|"%s?a=%s\&v=%s\&z=",|' "$c"
grep -qF '"%s?a=%s&v=%s&z=",' "$c" ||
	{ echo "gen-kernel-rust.sh: drm_panic.c no longer builds the URL with \"%s?a=%s&v=%s&zl=\"" >&2; exit 1; }
git_ add -A
git_ commit -q -F "$PANICQR_ROOT/kernel-glue/linux/rust-patches.msg/0001.txt"

# 0002: the glue draws the screen (scripts/gen-kernel-rust-glue.py).
python3 "$PANICQR_ROOT/scripts/gen-kernel-rust-glue.py" "$work/linux"
git_ add -A
git_ commit -q -F "$PANICQR_ROOT/kernel-glue/linux/rust-patches.msg/0002.txt"

mkdir -p "$work/out"
git_ format-patch -q --zero-commit --no-signature -o "$work/out" HEAD~2

if [ "$check" = 1 ]; then
	if ! diff -ru "$series" "$work/out" >"$work/diff"; then
		head -n 60 "$work/diff" >&2
		echo "gen-kernel-rust.sh: kernel-glue/linux/rust-patches is stale: run scripts/gen-kernel-rust.sh" >&2
		exit 1
	fi
	echo "gen-kernel-rust.sh: kernel-glue/linux/rust-patches is up to date" >&2
	exit 0
fi
rm -rf "$series"
mkdir -p "$series"
cp "$work"/out/*.patch "$series/"
ls "$series"/*.patch
