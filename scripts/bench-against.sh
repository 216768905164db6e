#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The compressor of the working tree against that of an earlier commit,
# interleaved in one process: one full compression of the 16 KB log's
# V40 tail, and its fit at V40 and V10 (48-byte URL, level L, no
# dictionary). Both cores are built as the kernel builds Rust (opt-level 2,
# overflow checks). Prints a Markdown table of median times and the median
# of the rounds' ratios, and fails if the two give different output.
#
# Usage: scripts/bench-against.sh REV [ROUNDS]
#
# ROUNDS defaults to 15, of 20 runs each. The log is
# 12-arm64-pine64-full-boot-vfs-root-panic.log in $PANICQR_CORPUS (by
# default ../shared/corpus next to the repository). REV's core/ is
# extracted into the cache under another package name; the harness is
# scripts/bench-against/main.rs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rev=${1:?usage: scripts/bench-against.sh REV [ROUNDS]}
rounds=${2:-15}
corpus=${PANICQR_CORPUS:-$PANICQR_ROOT/../shared/corpus}
log="$corpus/12-arm64-pine64-full-boot-vfs-root-panic.log"
[ -f "$log" ] || { echo "bench-against.sh: no $log (set PANICQR_CORPUS)" >&2; exit 1; }
hash=$(git -C "$PANICQR_ROOT" rev-parse --short=12 "$rev^{commit}")

dir="$PANICQR_CACHE/bench-against-$PANICQR_CHECKOUT"
# A folder per commit: the extracted files carry the commit's time, so
# cargo would take a build of another commit's sources at the same path
# as up to date.
old="old-$hash"
rm -rf "$dir/$old" "$dir/src"
mkdir -p "$dir/$old" "$dir/src"
git -C "$PANICQR_ROOT" archive "$hash" core | tar -x -C "$dir/$old"
# A package of its own name, outside the workspace.
sed -i -e 's/^name = "panicqr"$/name = "panicqr-old"/' \
    -e '/\.workspace = true$/d' "$dir/$old/core/Cargo.toml"
sed -i '/^\[package\]$/a edition = "2021"' "$dir/$old/core/Cargo.toml"
cp "$PANICQR_ROOT/scripts/bench-against/main.rs" "$dir/src/main.rs"
cat > "$dir/Cargo.toml" <<TOML
[package]
name = "bench-against"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
new = { path = "$PANICQR_ROOT/core", package = "panicqr" }
old = { path = "$old/core", package = "panicqr-old" }

[profile.release]
opt-level = 2
overflow-checks = true

[workspace]
TOML
CARGO_TARGET_DIR="$dir/target" cargo build --release --quiet --manifest-path "$dir/Cargo.toml"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$dir/target/release/bench-against" "$log" "$rounds" "$hash"
