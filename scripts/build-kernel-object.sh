#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Builds the C ABI as one relocatable object for the Linux kernel's code
# model and checks what it links against:
#
# - target x86_64-unknown-none, whose defaults are the kernel code model
#   (passing -C code-model=kernel again trips an LLVM error), no red zone, no SSE,
#   soft float, panic=abort; plus a static relocation model;
# - one object, `panicqr.o`, holding only the code the exported functions
#   reach, in one .text, .rodata, .data and .bss section each (the kernel's
#   linker script places no per-function sections), with every symbol but the
#   drm_panic_qr_* and panicqr_* exports made local, no jump tables (objtool
#   and IBT want none) and no GOT references;
# - no reference to, or definition of, any panic machinery
#   (core::panicking, panic_bounds_check, panic handlers, the unwinding
#   personality the host library defines), and no malloc or free: the check
#   fails the build otherwise;
# - the deepest stack of every export and of the glue's panic path
#   (kernel-glue, built as a module with the kernel's flags), by
#   scripts/stack-usage.py, at most 3 KiB; the table goes to stack.md and
#   stack.json beside the object.
#
# With `--kernel-tree DIR`, a configured x86_64 or arm64 Linux tree, the
# object is built as that kernel builds its own Rust: for the target it
# names (on x86_64 the specification its scripts/generate_rust_target.rs
# makes for the configuration, with target features such as the retpoline
# thunks; on arm64 rustc's aarch64-unknown-none or -softfloat), with the
# code generation flags of its KBUILD_RUSTFLAGS (the return thunk, IBT's
# -Zcf-protection, function padding, the code model, branch protection,
# the optimisation level, ...), and with `core` and `compiler_builtins`
# compiled from source with the same flags, as Kbuild compiles them
# (RUSTC_BOOTSTRAP=1 and -Zbuild-std, with rustup's rust-src). Only lints,
# the edition and -Zfunction-sections=n are left out: the object is made of
# per-function sections so that the link keeps only what the exports reach,
# then merged into one section each as above. An arm64 tree is linked with
# the cross binutils of CROSS_COMPILE (default aarch64-linux-gnu-).
#
# The stack gate runs on the default build: a tree's build calls the
# kernel's thunks, which the analysis does not model, so it is checked by
# objtool in the kernel build instead (kernel-glue/linux/e2e.sh).
#
# `--overflow-checks` and `--opt-level LEVEL` build the default object as
# Linux 6.12 builds its Rust with its default configuration instead:
# CONFIG_RUST_OVERFLOW_CHECKS=y, a default, gives `-Coverflow-checks=y`;
# `-Copt-level=2` (CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE) or `s`
# (CONFIG_CC_OPTIMIZE_FOR_SIZE); debug assertions off and one codegen unit,
# as the top-level Makefile's KBUILD_RUSTFLAGS say.
# Such a build gets its own folder and the same symbol checks, so that no
# arithmetic the kernel checks can reach a panic either; the stack gate
# runs on the default build.
#
# Prints the object's path. `--report` also prints its section sizes and
# stack table. `--stack-sizes` builds it with the nightly toolchain instead
# (into kernel-object-nightly), the standard library included, with
# `-Z emit-stack-sizes`, and checks every frame the stack analysis finds
# against the compiler's own .stack_sizes; without nightly and its rust-src
# it says so and does nothing.
#
# Usage: scripts/build-kernel-object.sh [--report]
#            [--stack-sizes | --kernel-tree DIR | [--overflow-checks] [--opt-level LEVEL]]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

report=0
stack_sizes=0
tree=
overflow_checks=0
opt_level=
while [ $# -gt 0 ]; do
	case "$1" in
	--report) report=1; shift ;;
	--stack-sizes) stack_sizes=1; shift ;;
	--kernel-tree) tree=$(cd "$2" && pwd); shift 2 ;;
	--overflow-checks) overflow_checks=1; shift ;;
	--opt-level)
		case "${2:-}" in
		0 | 1 | 2 | 3 | s | z) opt_level=$2; shift 2 ;;
		*) echo "build-kernel-object.sh: --opt-level takes 0, 1, 2, 3, s or z" >&2; exit 2 ;;
		esac
		;;
	*) echo "build-kernel-object.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
done
# The kernel's defaults: a build of its own, checked for symbols only.
kernel_defaults=0
if [ "$overflow_checks" = 1 ] || [ -n "$opt_level" ]; then
	if [ "$stack_sizes" = 1 ] || [ -n "$tree" ]; then
		echo "build-kernel-object.sh: --overflow-checks and --opt-level go without --stack-sizes and --kernel-tree" >&2
		exit 2
	fi
	kernel_defaults=1
fi

target_dir=$(mkdir -p "$CARGO_TARGET_DIR" && cd "$CARGO_TARGET_DIR" && pwd)
tree_arch=x86_64
ld=ld
objcopy=objcopy
if [ -z "$tree" ]; then
	target=x86_64-unknown-none
	flags="-C relocation-model=static -C embed-bitcode=no -C jump-tables=no"
	cargo=(cargo)
	build_std=()
	suffix=
	profile=()
	if [ "$kernel_defaults" = 1 ]; then
		suffix=-o${opt_level:-3}
		profile=(CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
			CARGO_PROFILE_RELEASE_OPT_LEVEL="${opt_level:-3}")
		if [ "$overflow_checks" = 1 ]; then
			suffix=$suffix-overflow-checks
			profile+=(CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true)
		fi
	fi
	if [ "$stack_sizes" = 1 ]; then
		if ! rustup component list --toolchain nightly --installed 2>/dev/null |
			grep -q '^rust-src'; then
			echo "build-kernel-object: no nightly toolchain with rust-src, no .stack_sizes check" >&2
			exit 0
		fi
		cargo=(cargo +nightly)
		build_std=(-Z build-std=core,compiler_builtins -Z build-std-features=compiler-builtins-mem)
		flags="$flags -Z emit-stack-sizes"
		suffix=-nightly
	else
		rustup target add "$target" >/dev/null 2>&1 || true
	fi
	out="$target_dir/kernel-object$suffix"
	env "${profile[@]}" RUSTFLAGS="$flags" "${cargo[@]}" build --quiet --release -p panicqr-ffi --target "$target" \
		"${build_std[@]}" --target-dir "$target_dir/kernel-build$suffix"
	lib="$target_dir/kernel-build$suffix/$target/release/libpanicqr.a"
else
	if grep -qx 'CONFIG_X86_64=y' "$tree/.config"; then
		tree_arch=x86_64
		make_vars=()
	elif grep -qx 'CONFIG_ARM64=y' "$tree/.config"; then
		tree_arch=arm64
		cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
		make_vars=(ARCH=arm64 CROSS_COMPILE="$cross")
		ld=${cross}ld
		objcopy=${cross}objcopy
	else
		echo "build-kernel-object.sh: $tree is not a configured x86_64 or arm64 tree" >&2
		exit 1
	fi
	rustup component add rust-src >/dev/null
	# The kernel's flags for this configuration, read from its Makefiles.
	kbuild_flags=$(make -C "$tree" -s --no-print-directory "${make_vars[@]}" -f Makefile \
		-f "$PWD/kernel-glue/linux/rustflags.mk" panicqr-rustflags)
	flags=()
	kernel_target=
	for flag in $kbuild_flags; do
		# arm64 quotes its target feature: -Ctarget-feature="-neon".
		flag=${flag//\"/}
		case "$flag" in
		--target=*) kernel_target=${flag#--target=} ;;
		--edition=* | -A* | -D* | -W* | -Zbinary_dep_depinfo=* | -Zfunction-sections=n) ;;
		-C* | -Z*) flags+=("$flag") ;;
		*) echo "build-kernel-object.sh: unexpected kernel Rust flag $flag" >&2; exit 1 ;;
		esac
	done
	spec=$(printf '%s\n' "$tree_arch" "${flags[@]}" | cat - "$tree/include/config/auto.conf" \
		"$tree/scripts/generate_rust_target.rs" | sha256sum | cut -c1-16)
	build="$target_dir/kernel-build-$spec"
	out="$target_dir/kernel-object-$spec"
	mkdir -p "$build"
	echo "build-kernel-object.sh: kernel Rust flags: ${flags[*]}" >&2
	if [ "$tree_arch" = x86_64 ]; then
		# The target specification, from the kernel's own generator.
		if [ ! -s "$build/target.json" ]; then
			rustc --edition 2021 -O -o "$build/generate_rust_target" \
				"$tree/scripts/generate_rust_target.rs"
			"$build/generate_rust_target" <"$tree/include/config/auto.conf" >"$build/target.json.part"
			mv "$build/target.json.part" "$build/target.json"
		fi
		echo "build-kernel-object.sh: target features: $(grep -o '"features": *"[^"]*"' "$build/target.json")" >&2
		target_args=(--target "$build/target.json" -Zjson-target-spec)
		lib="$build/target/release/libpanicqr.a"
	else
		# A target rustc knows, as the tree's Makefile names it.
		case "$kernel_target" in
		aarch64-unknown-none | aarch64-unknown-none-softfloat) ;;
		*) echo "build-kernel-object.sh: unexpected arm64 target: '$kernel_target'" >&2; exit 1 ;;
		esac
		echo "build-kernel-object.sh: target $kernel_target" >&2
		target_args=(--target "$kernel_target")
		lib="$build/$kernel_target/release/libpanicqr.a"
	fi
	RUSTC_BOOTSTRAP=1 RUSTFLAGS="${flags[*]}" cargo build --quiet --release -p panicqr-ffi \
		"${target_args[@]}" \
		-Zbuild-std=core,compiler_builtins -Zbuild-std-features=compiler-builtins-mem \
		--target-dir "$build" 2> >(grep -v "dropping unsupported crate type" >&2)
fi
mkdir -p "$out"

# The exports, from the header the C side compiles against.
grep -oE '\b(panicqr_[a-z_]+|drm_panic_qr_[a-z_]+)\(' include/panicqr.h | tr -d '(' | sort -u >"$out/exports.txt"
undefined=()
while read -r symbol; do
	undefined+=("-u" "$symbol")
done <"$out/exports.txt"
$ld -r --gc-sections "${undefined[@]}" -o "$out/panicqr-reachable.o" "$lib"
# One section each for code, constants and data: the kernel's linker script
# places .text, .rodata and .data, not the compiler's per-function sections.
$ld -r -T "$PANICQR_MERGE_LD" -o "$out/panicqr-full.o" "$out/panicqr-reachable.o"
$objcopy --keep-global-symbols="$out/exports.txt" --strip-debug \
	--remove-section=.eh_frame --remove-section=.rela.eh_frame \
	--remove-section=.llvmbc --remove-section=.llvmcmd \
	"$out/panicqr-full.o" "$out/panicqr.o"
# The kernel's linker script refuses GOT entries; make library calls direct
# (arm64's static relocation model makes none).
[ "$tree_arch" != x86_64 ] || python3 scripts/relax-got.py "$out/panicqr.o"

# Symbols are read with readelf: nm may hand Rust objects to an LTO plugin.
symbols() {
	readelf -s --wide "$out/panicqr.o" | awk 'NR > 3 && $8 != "" {print $5, $7, $8}'
}
fail=0
# Every export is defined, and nothing else is global.
globals=$(symbols | awk '($1 == "GLOBAL" || $1 == "WEAK") && $2 != "UND" {print $3}' | sort -u)
if [ "$globals" != "$(cat "$out/exports.txt")" ]; then
	echo "build-kernel-object: exported symbols differ from the header:" >&2
	diff <(echo "$globals") "$out/exports.txt" >&2 || true
	fail=1
fi
# No panic machinery, defined or referenced, and no allocator.
if [ -n "$(panic_symbols "$out/panicqr.o")" ] ||
	symbols | awk '{print $3}' | grep -E '^malloc$|^free$|__rust_alloc|__rust_dealloc'; then
	panic_symbols "$out/panicqr.o" >&2
	echo "build-kernel-object: the object references panic machinery or an allocator" >&2
	fail=1
fi
if readelf -r --wide "$out/panicqr.o" | grep -qE 'GOTPCREL|R_AARCH64_.*GOT'; then
	echo "build-kernel-object: GOT references remain" >&2
	fail=1
fi
# Built for a kernel tree, the object calls the return and indirect branch
# thunks of arch/x86/lib/retpoline.S, as the kernel's own code does.
provided='^$'
[ -z "$tree" ] || [ "$tree_arch" != x86_64 ] ||
	provided='^(__x86_return_thunk|__x86_indirect_thunk_[a-z0-9]+)$'
undefined_refs=$(symbols | awk '$2 == "UND" {print $3}' | grep -Ev "$provided" || true)
if [ -n "$undefined_refs" ]; then
	echo "build-kernel-object: undefined references (the kernel provides none of them):" >&2
	echo "$undefined_refs" >&2
	fail=1
fi
[ "$fail" = 0 ] || exit 1

if [ -n "$tree" ] || [ "$kernel_defaults" = 1 ]; then
	[ "$report" = 0 ] || size -A "$out/panicqr.o" >&2
	echo "$out/panicqr.o"
	exit 0
fi

# The glue, compiled as a module against Debian's 6.12 headers with the
# kernel's own flags (scripts/kernel-module-check.sh), plus -fstack-usage:
# its panic paths, panicqr_glue_draw and panicqr_glue_draw_kmsg, are roots
# of the stack analysis too.
glue="$out/glue"
rm -rf "$glue"
mkdir -p "$glue/kernel-glue"
cp kernel-glue/Kbuild kernel-glue/*.c kernel-glue/*.h "$glue/kernel-glue/"
cp -r include "$glue/"
echo 'ccflags-y += -fstack-usage' >>"$glue/kernel-glue/Kbuild"
if ! scripts/kernel-module-check.sh --keep "$glue/kernel-glue" >"$glue/build.log" 2>&1; then
	cat "$glue/build.log" >&2
	echo "build-kernel-object: the glue does not build" >&2
	exit 1
fi

# The deepest stack of each export and of the glue's panic path, from the
# frames and the call graph: at most 3 KiB, so that a panic on an exception
# stack leaves room for the kernel's own frames. The kernel functions the
# glue calls are budgeted, not analysed: memcpy and strlen are leaves,
# memcpy_toio a small loop; __fentry__ is a NOP unless a tracer is attached;
# __stack_chk_fail and __fortify_panic never return (they panic).
# kmsg_dump_get_buffer, called before the encoder and not beside it, reads
# the printk ring buffer and formats each record's prefix: 1 KiB covers it
# and its vsnprintf. The driver's set_pixel, the glue's only indirect call,
# gets the budget of --indirect, in panicqr_paint or in whichever entry
# point GCC inlines it.
analysis=(--root panicqr_glue_draw --root panicqr_glue_draw_kmsg
	--extern memcpy=64 --extern strlen=64 --extern memcpy_toio=128 --extern __fentry__=0
	--extern __stack_chk_fail=0 --extern __fortify_panic=0
	--extern kmsg_dump_rewind=64 --extern kmsg_dump_get_buffer=1024
	--indirect panicqr_paint=512 --indirect panicqr_glue_draw=512
	--indirect panicqr_glue_draw_kmsg=512 --indirect __panicqr_glue_draw=512
	--su "$glue/kernel-glue/panicqr_glue.su" --max 3072 --json "$out/stack.json")
while read -r symbol; do
	analysis+=(--root "$symbol")
done <"$out/exports.txt"
if [ "$stack_sizes" = 1 ]; then
	analysis+=(--stack-sizes)
fi
python3 scripts/stack-usage.py "$out/panicqr.o" "$glue/kernel-glue/panicqr_glue.o" \
	"${analysis[@]}" >"$out/stack.md"

if [ "$report" = 1 ]; then
	size -A "$out/panicqr.o" >&2
	cat "$out/stack.md" >&2
fi
echo "$out/panicqr.o"
