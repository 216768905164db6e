#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Builds every fuzz target once (AddressSanitizer, optimised, debug
# assertions on) and runs each for SECONDS (default 20) from its committed
# seeds, one after the other. Fails on any crash, leak, timeout or failed
# property; the crashing input is left in fuzz/artifacts/<target>/.
#
# Installs what it needs: the nightly toolchain and cargo-fuzz.
# The build goes to $PANICQR_CACHE/target-fuzz-<checkout> (see lib.sh),
# the growing corpus to fuzz/corpus/<target>/ (ignored by git).
#
# Usage: fuzz/smoke.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
. ../scripts/lib.sh

seconds="${1:-20}"
targets=(encode_any differential_reference ffi_abi payload_roundtrip paint_rows)
cache=$PANICQR_CACHE
target_dir="$cache/target-fuzz-$PANICQR_CHECKOUT"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
	rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
	CARGO_TARGET_DIR="$cache/target-cargo-fuzz" cargo install cargo-fuzz --locked
fi

# Flags shared by the build and the runs, so the runs reuse the build.
flags=(--release --debug-assertions --target-dir "$target_dir")

start=$(date +%s)
cargo +nightly fuzz build "${flags[@]}"
echo "fuzz build: $(($(date +%s) - start)) s"

summary=()
for target in "${targets[@]}"; do
	mkdir -p "corpus/$target" "artifacts/$target"
	log=$(mktemp)
	echo "=== $target for $seconds s"
	if ! cargo +nightly fuzz run "${flags[@]}" "$target" "corpus/$target" "seeds/$target" -- \
		-max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="artifacts/$target/" >"$log" 2>&1; then
		tail -n 60 "$log"
		echo "FAILED: $target (input in fuzz/artifacts/$target/)"
		rm -f "$log"
		exit 1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
	summary+=("$target: ${execs:-?} runs, ${cov:-no coverage line}, no crash")
	rm -f "$log"
done
printf '%s\n' "${summary[@]}"
echo "fuzz smoke: all ${#targets[@]} targets clean, $(($(date +%s) - start)) s"
