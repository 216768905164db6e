#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Installs the toolchain Linux 6.12 asks for to build its own Rust code
# (CONFIG_RUST), then checks that a 6.12 tree accepts it with
# `make rustavailable`:
#
# - rustc 1.78.0, 6.12's minimum (its scripts/min-tool-version.sh), with
#   rust-src, from which Kbuild compiles `core`, and clippy (CLIPPY=1);
#   through rustup;
# - bindgen-cli 0.65.1, 6.12's minimum, which generates the kernel crate's
#   bindings; through `cargo install --locked`, built by that same rustc
#   1.78.0, into $PANICQR_CACHE/bindgen-cli-0.65.1 so that it is built once;
# - libclang from Debian (libclang-dev; 14 on bookworm, where 6.12 wants
#   13.0.1 or newer), which bindgen loads at run time.
#
# The tools are given to Kbuild as make variables, not through `rustup
# override`: RUSTC and HOSTRUSTC (the proc macros it builds for the host
# must come from the same compiler), RUSTDOC and BINDGEN. The last line the
# script prints is those variables, for `make $(... | tail -n 1)`; the lines
# before it (on stderr) name each tool with its version.
#
# Usage: scripts/kernel-rust-toolchain.sh [--tree DIR | --no-check]
#
#   --tree DIR   run `make rustavailable` in DIR instead of the whole
#                linux-source-6.12 tree that scripts/linux-source.sh --full
#                extracts into the cache
#   --no-check   install only
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The versions, pinned. rustc and bindgen-cli are 6.12's minimums: the
# floor Kbuild supports, and what scripts/min-tool-version.sh names.
rust_version=1.78.0
bindgen_version=0.65.1

tree=
check=1
while [ $# -gt 0 ]; do
	case "$1" in
	--tree) tree=$(cd "$2" && pwd); shift 2 ;;
	--no-check) check=0; shift ;;
	-h | --help) sed -n '3,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "kernel-rust-toolchain.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
done
log() { echo "kernel-rust-toolchain.sh: $*" >&2; }

# libclang for bindgen; make, gcc and flex/bison/bc for `make rustavailable`
# and the kernel builds that follow.
apt_install libclang-dev make gcc flex bison bc

# rustc and rust-src, through rustup (the minimal profile: Kbuild needs
# rustc, rustdoc and the library's source, not cargo's extras).
if ! rustup run "$rust_version" rustc --version >/dev/null 2>&1; then
	log "rustup toolchain install $rust_version"
	rustup toolchain install --profile minimal "$rust_version" >&2
fi
# clippy too, for `make CLIPPY=1`: Kbuild's clippy lints, which
# kernel-glue/linux/rust-object.sh runs on the generated source.
for component in rust-src clippy; do
	if ! rustup component list --toolchain "$rust_version" --installed |
		grep -q "^$component"; then
		log "rustup component add $component --toolchain $rust_version"
		rustup component add "$component" --toolchain "$rust_version" >&2
	fi
done
rustc=$(rustup which --toolchain "$rust_version" rustc)
rustdoc=$(rustup which --toolchain "$rust_version" rustdoc)

# bindgen-cli, with its own lock file (--locked), built by the same rustc:
# its dependencies as they were when it was released, on the compiler of
# that time. Not in CARGO_TARGET_DIR, which holds the workspace's builds.
bindgen_root="$PANICQR_CACHE/bindgen-cli-$bindgen_version"
bindgen="$bindgen_root/bin/bindgen"
if ! "$bindgen" --version 2>/dev/null | grep -qx "bindgen $bindgen_version"; then
	log "cargo install --locked bindgen-cli $bindgen_version (rustc $rust_version)"
	env -u CARGO_TARGET_DIR rustup run "$rust_version" cargo install --locked --quiet \
		--root "$bindgen_root" --version "$bindgen_version" bindgen-cli >&2
fi

log "rustc:   $rustc ($("$rustc" --version))"
log "rustdoc: $rustdoc ($("$rustdoc" --version))"
log "rust-src: $("$rustc" --print sysroot)/lib/rustlib/src/rust/library"
log "bindgen: $bindgen ($("$bindgen" --version))"
log "libclang: $(dpkg-query -W -f '${Package} ${Version}' libclang-dev), $(ls /usr/lib/llvm-*/lib/libclang.so | tr '\n' ' ')"

vars="RUSTC=$rustc HOSTRUSTC=$rustc RUSTDOC=$rustdoc BINDGEN=$bindgen"

if [ "$check" = 1 ]; then
	[ -n "$tree" ] || tree=$("$PANICQR_ROOT/scripts/linux-source.sh" --full)
	log "make rustavailable in $tree"
	# shellcheck disable=SC2086 # the variables are words without spaces
	make -C "$tree" -s --no-print-directory $vars rustavailable >&2 ||
		{ log "FAIL: $tree does not accept this toolchain"; exit 1; }
fi
echo "$vars"
