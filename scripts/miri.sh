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
#    qrcodegen-no-heap, a deflate round trip, painted pixel bytes) and the
#    unit tests listed in FAST (the randomized and exhaustive ones take
#    hours under Miri; they run natively in `cargo test`).
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

# The core unit tests run under Miri: those that exercise byte order and
# word-wide bit tricks on small inputs. The randomized and exhaustive ones
# (thousands of rounds each, hours under Miri) run natively in `cargo test`.
# Libtest matches each name as a substring.
FAST=(
	bits::tests::
	reed_solomon::tests::
	version::tests::
	matrix::tests::format_bits_known_vectors
	matrix::tests::version_bits_known_vectors
	matrix::tests::span_and_rows_round_trip
	mask::tests::transpose_moves_bits
	mask::tests::line_penalty_known_vectors
	segment::tests::panic_digit
	segment::tests::long_digit_runs_inside_text_get_their_own_segment
	payload::tests::
	paint::tests::fourcc_codes
	paint::tests::colour_conversion_matches_hand_computed_values
	paint::tests::pixel_bytes_are_little_endian
	paint::tests::runs_leave_a_partial_last_pixel_alone
	paint::tests::bad_arguments_are_errors
	paint::tests::fill_writes_whole_pixels_only
	layout::tests::linux_like_screens
	layout::tests::wide_screen_goes_side_by_side
	layout::tests::too_small_screens_fail
	layout::tests::huge_screen
	layout::tests::rect_overlap_and_containment
	deflate::tests::adler32_known_values
	deflate::tests::dictionary_sets_fdict_and_dictid
	deflate::tests::short_buffers_are_errors
)

start=$(date +%s)
echo "=== Miri: panicqr-ffi unit tests"
cargo +nightly miri test -p panicqr-ffi
echo "=== Miri: panicqr on s390x-unknown-linux-gnu (big-endian)"
cargo +nightly miri test -p panicqr --target s390x-unknown-linux-gnu --test big_endian
cargo +nightly miri test -p panicqr --target s390x-unknown-linux-gnu --lib -- "${FAST[@]}"
echo "miri: both runs clean, $(($(date +%s) - start)) s"
