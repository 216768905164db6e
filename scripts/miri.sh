#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Runs Miri where only Miri finds what it finds: the unsafe code, all of
# which is in the C ABI crate.
#
# 1. the C ABI crate's Rust unit tests (ffi/src/tests.rs): every unsafe
#    block of the project, with NULL pointers, short and overlapping
#    buffers and unaligned output structs, on the host and on the
#    big-endian s390x target;
# 2. core/tests/big_endian.rs on s390x: whole codes against
#    qrcodegen-no-heap, a deflate round trip and painted pixel bytes, a
#    small whole-pipeline set.
#
# The core has no unsafe code; its whole test suite runs on big-endian
# targets at native speed under qemu-user (scripts/test-all.sh big_endian).
#
# Installs the nightly toolchain with Miri and rust-src if missing. Builds
# go to $PANICQR_CACHE/target-miri-<checkout> (default ~/.cache/panicqr).
#
# Usage: scripts/miri.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

cache=$PANICQR_CACHE
# One target directory per checkout (see lib.sh); cargo-miri's test
# "binaries" also record the directory they were built in.
export CARGO_TARGET_DIR="$cache/target-miri-$PANICQR_CHECKOUT"

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
echo "=== Miri: panicqr-ffi unit tests on s390x-unknown-linux-gnu (big-endian)"
cargo +nightly miri test -p panicqr-ffi --target s390x-unknown-linux-gnu
echo "=== Miri: panicqr's whole-pipeline checks on s390x-unknown-linux-gnu"
cargo +nightly miri test -p panicqr --target s390x-unknown-linux-gnu --test big_endian
echo "miri: all runs clean, $(($(date +%s) - start)) s"
