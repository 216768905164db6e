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
#    unit tests, less the randomized and exhaustive ones listed in SLOW
#    (thousands of rounds each: hours under Miri; they run natively in
#    `cargo test`).
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

# Core unit tests left out under Miri, by name.
SLOW=(
	deflate::tests::edge_cases_round_trip
	deflate::tests::text_beyond_window_round_trips
	deflate::tests::huffman_lengths_respect_limit_and_kraft
	draw::tests::every_pixel_matches_the_module_under_it
	draw::tests::extreme_placements_do_not_panic
	layout::tests::place_is_valid_and_maximal_everywhere
	layout::tests::brute_force_scale_on_small_screens
	layout::tests::random_inputs_never_panic_and_stay_valid
	layout::tests::plan_picks_the_largest_version_that_fits
	mask::tests::line_penalty_matches_run_based_reference
	mask::tests::penalties_match_a_module_by_module_score
	matrix::tests::function_map_is_symmetric_and_counts_match
	paint::tests::painted_canvas_reads_back_as_the_matrix
	paint::tests::random_spans_stay_inside_the_buffer
	segment::tests::segmentation_is_minimal_against_brute_force
)
skip=()
for name in "${SLOW[@]}"; do
	skip+=(--skip "$name")
done

start=$(date +%s)
echo "=== Miri: panicqr-ffi unit tests"
cargo +nightly miri test -p panicqr-ffi
echo "=== Miri: panicqr on s390x-unknown-linux-gnu (big-endian)"
cargo +nightly miri test -p panicqr --target s390x-unknown-linux-gnu --test big_endian
cargo +nightly miri test -p panicqr --target s390x-unknown-linux-gnu --lib -- "${skip[@]}"
echo "miri: both runs clean, $(($(date +%s) - start)) s"
