#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Runs Miri on:
#
# 1. the C ABI crate's Rust unit tests (ffi/src/tests.rs): every unsafe
#    block of the project, with NULL pointers, short and overlapping
#    buffers and unaligned output structs;
# 2. the core crate's unit tests on the big-endian s390x target, so byte
#    order assumptions show. Tests that are too slow under Miri run with
#    fewer iterations there (`cfg(miri)`).
#
# Installs the nightly toolchain with Miri and rust-src if missing. Builds
# go to $PANICQR_CACHE/target-miri (default ~/.cache/panicqr).
#
# Usage: scripts/miri.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${PANICQR_CACHE:-$HOME/.cache/panicqr}"
export CARGO_TARGET_DIR="$cache/target-miri"
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
echo "=== Miri: panicqr unit tests on s390x-unknown-linux-gnu (big-endian)"
cargo +nightly miri test -p panicqr --lib --target s390x-unknown-linux-gnu
echo "miri: both runs clean, $(($(date +%s) - start)) s"
