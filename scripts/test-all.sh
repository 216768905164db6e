#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Runs every test of panicqr, from a fresh machine: installs what it needs
# (apt packages, rustup targets and toolchains, cargo tools, npm packages),
# then runs each step and prints a summary. `.ci/run` calls this script.
#
# Builds are cached outside the repository, in $PANICQR_CACHE (by default
# ~/.cache/panicqr): the cargo target directory, the Linux source, the
# reference encoder and the kernel build (scripts/lib.sh).
#
# Each step runs in a subshell that stops at its first error; a failed step
# does not stop the others.
#
# Usage: scripts/test-all.sh [STEP...]   (no argument: every step)
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
export CARGO_TERM_COLOR=never

CROSS_TARGETS=(thumbv7em-none-eabi x86_64-unknown-none aarch64-unknown-none
	riscv64gc-unknown-none-elf powerpc64-unknown-linux-gnu s390x-unknown-linux-gnu)
MSRV=1.78.0

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
	scripts/gen-header.sh --check
	python3 scripts/tests/gen-kernel-rust/run.py
	scripts/gen-kernel-rust.sh --check
	python3 scripts/build-dictionary.py ../shared/corpus | cmp - core/dict/kmsg-2.bin
	echo "core/dict/kmsg-2.bin is fresh"
	# docs/panic-screen.png: tools/tests/render.rs draws it again and compares.
}

# With every feature, as step cargo_test builds: the dependencies are
# checked once. The core without features is built, warnings denied, by step
# cross.
step_clippy() {
	cargo clippy --workspace --all-targets --all-features -- -D warnings
}

step_cargo_test() {
	local reference
	reference=$(scripts/linux-reference.sh)
	PANICQR_LINUX_REF="$reference" cargo test --workspace --all-features
}

step_cross() {
	local target
	for target in "${CROSS_TARGETS[@]}"; do
		echo "core for $target"
		RUSTFLAGS="-D warnings" cargo build --quiet -p panicqr --target "$target"
	done
	RUSTFLAGS="-D warnings" cargo build --quiet -p panicqr --target thumbv7em-none-eabi \
		--features embedded-graphics
}

step_msrv() {
	# scripts/msrv/ is a committed workspace of core and ffi alone, with
	# its own lockfile, so that the tools' dependencies (which need newer
	# Rust) stay out of the 1.78 build. The package mirror here has 1.78's
	# standard library for the host only, so the cross targets are checked
	# with the current toolchain (step cross).
	local msrv=(--locked --manifest-path scripts/msrv/Cargo.toml --target-dir "$CARGO_TARGET_DIR/msrv")
	cargo "+$MSRV" build --quiet "${msrv[@]}"
	cargo "+$MSRV" build --quiet --release "${msrv[@]}"
	echo "core and ffi build with Rust $MSRV"
}

# The published crates as crates.io would get them: `cargo package` builds
# each one alone from its .crate file. panicqr-ffi depends on panicqr by
# version, and that version is not on crates.io: packaged in one command,
# ffi is verified against the panicqr just packaged (cargo puts both in a
# local registry of its own). A packaged crate carries no workspace
# profile, and ffi's C library needs panic = "abort" (no_std, so no
# unwinding): the verification build gets the profile through --config,
# as any build of the C library must set it. --allow-dirty: the step checks
# the tree as it is, like every other step.
step_package() {
	local abort=(--config 'profile.dev.panic="abort"')
	cargo package --quiet --allow-dirty -p panicqr -p panicqr-ffi "${abort[@]}"
	echo "panicqr and panicqr-ffi package and build from their .crate files"
}

# The core and C ABI test suites on big-endian targets, compiled natively
# with Debian's cross gcc as the linker and run under qemu-user, as cross-rs
# does: byte order at native speed. Miri keeps the unsafe code (step miri).
BIG_ENDIAN_TARGETS=(s390x-unknown-linux-gnu powerpc64-unknown-linux-gnu)

step_big_endian() {
	local target triple qemu env
	apt_install qemu-user gcc-s390x-linux-gnu libc6-dev-s390x-cross \
		gcc-powerpc64-linux-gnu libc6-dev-ppc64-cross
	rustup target add "${BIG_ENDIAN_TARGETS[@]}" >/dev/null
	for target in "${BIG_ENDIAN_TARGETS[@]}"; do
		triple=${target/-unknown/}
		case $target in
		powerpc64-*) qemu=qemu-ppc64 ;;
		*) qemu=qemu-${target%%-*} ;;
		esac
		env=${target//-/_}
		env=${env^^}
		echo "core and ffi tests on $target ($qemu)"
		export "CARGO_TARGET_${env}_LINKER=$triple-gcc"
		export "CARGO_TARGET_${env}_RUNNER=$qemu -L /usr/$triple"
		cargo test --quiet -p panicqr -p panicqr-ffi --all-features --target "$target"
	done
}

step_c_abi() {
	scripts/c-tests.sh
}

step_c_link() {
	# pkg-config and zbarimg for the checks, OpenSSL's headers to build cargo-c.
	apt_install pkg-config libssl-dev zbar-tools
	scripts/c-link.sh
}

step_kernel_object() {
	scripts/tests/stack/run.py
	scripts/build-kernel-object.sh --report
	# Linux's defaults: overflow checks on, at -O2 and at -Os.
	scripts/build-kernel-object.sh --overflow-checks --opt-level 2
	scripts/build-kernel-object.sh --overflow-checks --opt-level s
	scripts/stack-painted.sh
	scripts/build-kernel-object.sh --stack-sizes
}

step_kernel_glue() {
	scripts/checkpatch.sh kernel-glue/panicqr_glue.c kernel-glue/panicqr_glue.h
	# Both series as a maintainer checks them before sending. The in-tree
	# series adds files under drivers/gpu/drm/, which the DRM entries of
	# MAINTAINERS cover; an entry of its own needs a real maintainer.
	scripts/checkpatch.sh --strict kernel-glue/linux/patches/*.patch
	PANICQR_CHECKPATCH_OPTS="--ignore FILE_PATH_CHANGES" \
		scripts/checkpatch.sh --strict kernel-glue/linux/rust-patches/*.patch
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
	kernel-glue/linux/e2e.sh --config tiny
}

step_kernel_e2e_hardened() {
	kernel-glue/linux/e2e.sh --config hardened --vga 0x318
}

# The in-tree series: Kbuild compiles the generated source with CONFIG_RUST
# and the toolchain 6.12 asks for (scripts/kernel-rust-toolchain.sh). The
# object alone first: no rustc warning, no panic machinery, Kbuild's
# dependency tracking, and Kbuild's clippy lints.
step_kernel_rust_object() {
	kernel-glue/linux/rust-object.sh
}

step_kernel_e2e_rust() {
	kernel-glue/linux/e2e.sh --build rust --config tiny
}

# arm64, cross-compiled, booted by EDK2 in QEMU's virt machine: the
# prebuilt object built for the tree (a kernel without Rust), and the
# in-tree series.
step_kernel_e2e_arm64() {
	kernel-glue/linux/e2e.sh --arch arm64 --config tiny
}

step_kernel_e2e_arm64_rust() {
	kernel-glue/linux/e2e.sh --arch arm64 --build rust --config tiny
}

ALL=(setup fmt generated clippy cargo_test cross msrv package big_endian c_abi c_link kernel_object
	kernel_glue miri fuzz web kernel_e2e kernel_e2e_hardened kernel_rust_object kernel_e2e_rust
	kernel_e2e_arm64 kernel_e2e_arm64_rust)
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=("${ALL[@]}")

passed=0
failed=0
failures=()
for step in "${steps[@]}"; do
	echo "=== $step"
	start=$(date +%s)
	# Each step in a subshell that stops at its first error; not in an
	# `if`, where errexit would be off.
	(
		set -e
		shopt -s inherit_errexit
		"step_$step"
	)
	if [ $? -eq 0 ]; then
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
