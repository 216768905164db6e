#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The long fuzz run behind the reliability table: builds every target as
# fuzz/smoke.sh does (AddressSanitizer, optimised, debug assertions on),
# then runs the five in parallel for SECONDS each (default 3600) from their
# committed seeds, each under /usr/bin/time, and prints the table in
# Markdown: executions, wall and CPU time, coverage, corpus growth, crashes.
#
# A failed property in a check panics, so a mismatch is a crash; the inputs
# of crashes, leaks and timeouts are left in $out/artifacts/<target>/.
#
# Everything goes to $out (default $PANICQR_CACHE/fuzz-long, outside the
# repository): bin/ (copies of the binaries, so a rebuild does not disturb
# the run), corpus/, artifacts/, <target>.log.
#
# Usage: fuzz/long.sh [SECONDS]     (fuzz/long.sh --table: the table only)
set -euo pipefail
cd "$(dirname "$0")"
. ../scripts/lib.sh

targets=(encode_any differential_reference ffi_abi payload_roundtrip paint_rows)
cache=$PANICQR_CACHE
out="${PANICQR_FUZZ_LONG:-$cache/fuzz-long}"

table() {
	echo "| Target | Executions | Wall | CPU (user + sys) | Coverage (cov / ft) | Corpus (start → end) | Crashes |"
	echo "|---|---|---|---|---|---|---|"
	local t execs cov corpus wall user sys cpu crashes
	for t in "${targets[@]}"; do
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
		cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$out/$t.log" | tail -n 1 |
			sed 's/cov: \([0-9]*\) ft: \([0-9]*\)/\1 \/ \2/')
		corpus=$(grep -oE 'corp: [0-9]+' "$out/$t.log" | tail -n 1 | cut -d' ' -f2)
		wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/$t.log")
		user=$(sed -n 's/.*User time (seconds): //p' "$out/$t.log")
		sys=$(sed -n 's/.*System time (seconds): //p' "$out/$t.log")
		cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f min", (u + s) / 60 }')
		crashes=$(find "$out/artifacts/$t" -type f | wc -l)
		echo "| \`$t\` | $execs | $wall | $cpu | $cov | $(cat "$out/$t.corpus-start") → $corpus | $crashes |"
	done
}

if [ "${1:-}" = --table ]; then
	table
	exit 0
fi
seconds="${1:-3600}"

# Build (and install the tools) through the smoke script, running nothing.
./smoke.sh 1 >/dev/null
mkdir -p "$out/bin"
for t in "${targets[@]}"; do
	cp "$cache/target-fuzz-$PANICQR_CHECKOUT/x86_64-unknown-linux-gnu/release/$t" "$out/bin/"
	rm -rf "$out/corpus/$t" "$out/artifacts/$t"
	mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
	cp "seeds/$t"/* "$out/corpus/$t/"
	find "$out/corpus/$t" -type f | wc -l >"$out/$t.corpus-start"
done

apt_install time
echo "fuzzing ${targets[*]} in parallel for $seconds s each; logs in $out"
pids=()
for t in "${targets[@]}"; do
	/usr/bin/time -v "$out/bin/$t" "$out/corpus/$t" -max_total_time="$seconds" \
		-timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t/" >"$out/$t.log" 2>&1 &
	pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
	wait "$pid" || status=1
done
table
exit "$status"
