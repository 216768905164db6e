#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Runs Miri on:
#
# 1. the C ABI crate's Rust unit tests (ffi/src/tests.rs): every unsafe
#    block of the project, with NULL pointers, short and overlapping
#    buffers and unaligned output structs;
# 2. the core crate on the big-endian s390x target, so byte order
#    assumptions show: core/tests/big_endian.rs (whole codes against
#    qrcodegen-no-heap, a deflate round trip, painted pixel bytes) and every
#    unit test of the core. The randomized and exhaustive ones run fewer
#    rounds under Miri (`test_size` in core/src/lib.rs): their full counts
#    would take hours there, and they run natively in `cargo test`.
#
# Installs the nightly toolchain with Miri and rust-src if missing. Builds
# go to $PANICQR_CACHE/target-miri-<checkout> (default ~/.cache/panicqr).
#
# Usage: scripts/miri.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${PANICQR_CACHE:-$HOME/.cache/panicqr}"
# One target directory per checkout: cargo-miri's test "binaries" record the
# directory they were built in, and a fresh build from another checkout
# would be taken as up to date and run there.
checkout=$(pwd -P | sha256sum | cut -c1-12)
export CARGO_TARGET_DIR="$cache/target-miri-$checkout"
mkdir -p "$cache"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
	rustup toolchain install nightly --profile minimal
fi
rustup component add miri rust-src --toolchain nightly >/dev/null
cargo +nightly miri setup >/dev/null
cargo +nightly miri setup --target s390x-unknown-linux-gnu >/dev/null

# Uninitialised or misaligned accesses and Stacked Borrows violations are
# all errors; the permissive provenance of the checked pointer conversions
# is not needed.
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}"

start=$(date +%s)
echo "=== Miri: panicqr-ffi unit tests"
cargo +nightly miri test -p panicqr-ffi
echo "=== Miri: panicqr on s390x-unknown-linux-gnu (big-endian)"
cargo +nightly miri test -p panicqr --target s390x-unknown-linux-gnu --test big_endian
cargo +nightly miri test -p panicqr --target s390x-unknown-linux-gnu --lib
echo "miri: both runs clean, $(($(date +%s) - start)) s"
