#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Measures CI cold: clones the committed HEAD into a new folder and runs
# scripts/test-all.sh there with an empty cache ($PANICQR_CACHE), target
# folder and cargo home, so that every build, download and `cargo install`
# happens again, as on a fresh machine. Prints each step's time and the
# total; the log is kept in the folder.
#
# What it cannot make cold: Debian packages already installed, and rustup
# toolchains and components (their own installs take about a minute on a
# fresh machine, in the step setup).
#
# Usage: scripts/cold-run.sh [DIR] [STEP...]   (DIR: default a new temporary
#        folder; it must not exist)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

dir=${1:-}
[ $# -eq 0 ] || shift
if [ -z "$dir" ]; then
	dir=$(mktemp -d /tmp/panicqr-cold.XXXXXX)
	rmdir "$dir"
fi
[ ! -e "$dir" ] || { echo "cold-run.sh: $dir exists" >&2; exit 2; }
mkdir -p "$dir"

git clone --quiet "$repo" "$dir/panicqr"
# The suite reads the crash corpus from ../shared, as CI lays it.
ln -s "$(cd "$repo/../shared" && pwd)" "$dir/shared"

# A cargo home of its own: the registry and every `cargo install` start
# empty; only the rustup proxies (cargo, rustc, ...) are linked in.
home="$dir/cargo-home"
mkdir -p "$home/bin"
for tool in cargo rustc rustdoc rustup rustfmt cargo-fmt cargo-clippy clippy-driver cargo-miri; do
	ln -s "$(command -v rustup)" "$home/bin/$tool"
done
path=$(tr ':' '\n' <<<"$PATH" | grep -vxF "$(dirname "$(command -v rustup)")" | paste -sd:)

echo "cold-run.sh: $(git -C "$repo" log -1 --format='%h %s') in $dir"
start=$(date +%s)
set +e
(
	cd "$dir/panicqr"
	env PATH="$home/bin:$path" CARGO_HOME="$home" PANICQR_CACHE="$dir/cache" \
		CARGO_TARGET_DIR="$dir/cache/target" CI=true scripts/test-all.sh "$@"
) 2>&1 | tee "$dir/log" | grep --line-buffered -E '^(=== |steps: |failed steps: )'
status=${PIPESTATUS[0]}
set -e
echo "cold-run.sh: $(($(date +%s) - start)) s in all, exit $status (log: $dir/log)"
exit "$status"
