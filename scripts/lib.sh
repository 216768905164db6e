# SPDX-License-Identifier: MIT OR Apache-2.0
#
# What the scripts share. Each sources it after `set -euo pipefail`:
#
#   . "$(dirname "$0")/lib.sh"                      (a script in scripts/)
#   . "$(dirname "$0")/../scripts/lib.sh"           (in fuzz/, web/, ...)
#
# It sets, and exports to every program the script runs:
#
# - PANICQR_ROOT: the repository;
# - PANICQR_CACHE: the cache, outside the repository, by default
#   ~/.cache/panicqr: the Linux source and headers, the reference encoder,
#   installed tools, kernel builds and the cargo target folder;
# - PANICQR_CHECKOUT: a short hash of the repository's real path, which
#   names the build folders of this checkout in the cache;
# - CARGO_TARGET_DIR: the one cargo target folder of every script, by
#   default $PANICQR_CACHE/target-$PANICQR_CHECKOUT (a build with another
#   toolchain or for another workspace goes to a folder of its own below it
#   or beside it). One per checkout: cargo takes a build as up to date when
#   its sources are older than it, and paths inside the workspace are
#   recorded relative to it, so a build from another checkout of older
#   sources would be reused as if it were this one's;
# - PANICQR_MERGE_LD: scripts/merge.ld, the linker script that merges an
#   object's sections into one .text, .rodata, .data and .bss, as the
#   kernel's linker script wants them;
#
# - PANICQR_PANIC_SYMBOLS: what Rust's panic machinery is called in a
#   symbol table, mangled or not (core::panicking, the failure paths of
#   bounds, overflow and length checks, unwrap's, the panic handler and the
#   unwinding personality), as an extended regular expression;
#
# and defines as_root, apt_update, apt_install and panic_symbols.

PANICQR_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PANICQR_ROOT
export PANICQR_CACHE="${PANICQR_CACHE:-$HOME/.cache/panicqr}"
PANICQR_CHECKOUT=$(cd "$PANICQR_ROOT" && pwd -P | sha256sum | cut -c1-12)
export PANICQR_CHECKOUT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PANICQR_CACHE/target-$PANICQR_CHECKOUT}"
export PANICQR_MERGE_LD="$PANICQR_ROOT/scripts/merge.ld"
export PANICQR_PANIC_SYMBOLS='panicking|panic_bounds_check|panic_const|panic_fmt|len_mismatch_fail|slice_(start|end)_index_len_fail|slice_index_fail|unwrap_failed|expect_failed|rust_begin_unwind|eh_personality'
mkdir -p "$PANICQR_CACHE"

# Runs a command as root: directly when root, else through `sudo -n`.
as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo -n "$@"
	else
		echo "$(basename "$0"): need root for: $*" >&2
		return 1
	fi
}

# Runs `apt-get update` once per run of the scripts (the scripts it calls
# inherit PANICQR_APT_UPDATED), before the first install or download.
apt_update() {
	[ -z "${PANICQR_APT_UPDATED:-}" ] || return 0
	echo "$(basename "$0"): apt-get update" >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
	export PANICQR_APT_UPDATED=1
}

# Installs the Debian packages PKG... that are not installed, without the
# packages they recommend unless --recommends comes first.
#
# Usage: apt_install [--recommends] PKG...
apt_install() {
	local recommends=(--no-install-recommends) missing=() pkg
	if [ "${1:-}" = --recommends ]; then
		recommends=()
		shift
	fi
	for pkg in "$@"; do
		dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	apt_update
	echo "$(basename "$0"): apt-get install ${missing[*]}" >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${recommends[@]}" \
		"${missing[@]}" >&2
}

# Prints each panic machinery symbol (PANICQR_PANIC_SYMBOLS) that the ELF
# object FILE defines or references, once; nothing when there is none.
# Symbols are read with readelf: nm may hand Rust objects to an LTO plugin.
#
# Usage: panic_symbols FILE
panic_symbols() {
	readelf -s --wide "$1" | awk 'NR > 3 && $8 != "" {print $8}' |
		grep -Ei "$PANICQR_PANIC_SYMBOLS" | sort -u || true
}
