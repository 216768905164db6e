#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Runs every test of panicqr, from a fresh machine: installs what it needs
# (apt packages, rustup targets and toolchains, cargo tools, npm packages),
# then runs each step and prints a summary. `.ci/run` calls this script.
#
# Builds are cached outside the repository, in $PANICQR_CACHE (by default
# ~/.cache/panicqr): the cargo target directory, the Linux source, the
# reference encoder and the kernel build.
#
# Usage: scripts/test-all.sh [STEP...]   (no argument: every step)
set -uo pipefail
cd "$(dirname "$0")/.."

export PANICQR_CACHE="${PANICQR_CACHE:-$HOME/.cache/panicqr}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PANICQR_CACHE/target}"
export CARGO_TERM_COLOR=never
mkdir -p "$PANICQR_CACHE"

CROSS_TARGETS=(thumbv7em-none-eabi x86_64-unknown-none aarch64-unknown-none
	riscv64gc-unknown-none-elf powerpc64-unknown-linux-gnu s390x-unknown-linux-gnu)
MSRV=1.78.0

apt_install() {
	local missing=()
	for pkg in "$@"; do
		dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ ! -e "$PANICQR_CACHE/.apt-updated" ]; then
		apt-get update -qq && touch "$PANICQR_CACHE/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

step_setup() {
	apt_install build-essential python3
	rustup component add rustfmt clippy >/dev/null 2>&1 || true
	rustup target add "${CROSS_TARGETS[@]}" >/dev/null
	rustup toolchain install "$MSRV" --profile minimal >/dev/null 2>&1
}

step_fmt() {
	cargo fmt --all --check
}

step_generated() {
	scripts/gen-header.sh --check &&
		python3 scripts/build-dictionary.py ../shared/corpus | cmp - core/dict/kmsg-2.bin &&
		echo "core/dict/kmsg-2.bin is fresh" &&
		cargo run --quiet --release --example render -- --out "$PANICQR_CACHE/panic-screen.png" >/dev/null &&
		cmp "$PANICQR_CACHE/panic-screen.png" docs/panic-screen.png &&
		echo "docs/panic-screen.png is fresh (the README's first command draws it)"
}

step_clippy() {
	cargo clippy --workspace --all-targets -- -D warnings &&
		cargo clippy -p panicqr --all-targets --features embedded-graphics -- -D warnings
}

step_cargo_test() {
	local reference
	reference=$(scripts/linux-reference.sh) || return 1
	PANICQR_LINUX_REF="$reference" cargo test --workspace --all-features
}

step_cross() {
	local target
	for target in "${CROSS_TARGETS[@]}"; do
		echo "core for $target"
		cargo build --quiet -p panicqr --target "$target" || return 1
	done
	cargo build --quiet -p panicqr --target thumbv7em-none-eabi --features embedded-graphics
}

step_msrv() {
	# A workspace of just core and ffi, so that the tools' dependencies
	# (which need newer Rust) stay out of the 1.78 build. The package mirror
	# here has 1.78's standard library for the host only, so the cross
	# targets are checked with the current toolchain (step cross).
	local dir="$PANICQR_CACHE/msrv"
	rm -rf "$dir/core" "$dir/ffi" "$dir/include"
	mkdir -p "$dir"
	cp -r core ffi include "$dir/"
	cat >"$dir/Cargo.toml" <<-EOF
		[workspace]
		members = ["core", "ffi"]
		resolver = "2"
		[workspace.package]
		edition = "2021"
		license = "MIT OR Apache-2.0"
		repository = "https://example.invalid/panicqr"
		[profile.dev]
		panic = "abort"
		[profile.release]
		panic = "abort"
	EOF
	(cd "$dir" && rm -f Cargo.lock &&
		CARGO_TARGET_DIR="$PANICQR_CACHE/target-msrv" cargo "+$MSRV" build --quiet --workspace &&
		CARGO_TARGET_DIR="$PANICQR_CACHE/target-msrv" cargo "+$MSRV" build --quiet --release \
			--workspace &&
		echo "core and ffi build with Rust $MSRV")
}

step_c_abi() {
	scripts/c-tests.sh
}

step_kernel_object() {
	scripts/tests/stack/run.py &&
		scripts/build-kernel-object.sh --report &&
		scripts/stack-painted.sh &&
		scripts/build-kernel-object.sh --stack-sizes
}

step_kernel_glue() {
	scripts/checkpatch.sh kernel-glue/panicqr_glue.c kernel-glue/panicqr_glue.h &&
		scripts/kernel-module-check.sh kernel-glue
}

step_miri() {
	scripts/miri.sh
}

step_fuzz() {
	fuzz/smoke.sh 20
}

step_web() {
	web/test.sh
}

step_kernel_e2e() {
	kernel-glue/linux/e2e.sh
}

ALL=(setup fmt generated clippy cargo_test cross msrv c_abi kernel_object kernel_glue miri fuzz
	web kernel_e2e)
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=("${ALL[@]}")

passed=0
failed=0
failures=()
for step in "${steps[@]}"; do
	echo "=== $step"
	start=$(date +%s)
	if "step_$step"; then
		result=ok
		passed=$((passed + 1))
	else
		result=FAILED
		failed=$((failed + 1))
		failures+=("$step")
	fi
	echo "=== $step: $result in $(($(date +%s) - start)) s"
done
[ $failed -eq 0 ] || echo "failed steps: ${failures[*]}"
echo "steps: $passed passed, $failed failed"
[ $failed -eq 0 ]
