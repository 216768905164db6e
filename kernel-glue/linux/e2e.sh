#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# End-to-end test in a real kernel: Linux 6.12, patched to draw its panic QR
# code with panicqr (kernel-glue/), panics under QEMU; a screenshot of the
# panic screen is decoded by zbarimg, by ZXingReader (ZXing-C++) and by
# tools/examples/decode, and the log they read back must be an exact tail of
# what the serial console printed, with the test's marker line and "Kernel
# panic - not syncing" in it.
#
# Usage: kernel-glue/linux/e2e.sh [--arch ARCH] [--build KIND] [--config NAME]
#                                  [--vga MODES] [--out DIR] [--screenshot FILE]
#                                  [--kernel IMAGE] [--append ARGS]
#
#   --arch ARCH        the kernel's architecture: x86_64 (the default; QEMU's
#                      PC with its VESA framebuffer) or arm64 (QEMU's virt
#                      machine booted by EDK2, the UEFI firmware of Debian's
#                      qemu-efi-aarch64, whose GOP framebuffer on ramfb
#                      sysfb hands to simpledrm; the kernel cross-compiled
#                      with Debian's gcc-aarch64-linux-gnu, arm64.fragment
#                      merged after config.fragment)
#   --build KIND       how panicqr gets into the kernel: object (the
#                      default: patches/, the prebuilt encoder object) or
#                      rust (rust-patches/: Kbuild compiles the generated
#                      source with CONFIG_RUST and the toolchain of
#                      scripts/kernel-rust-toolchain.sh; config tiny only)
#   --config NAME      the kernel configuration: tinyconfig plus
#                      config.fragment (NAME tiny, the default), or plus
#                      hardened.fragment too (NAME hardened: retpolines,
#                      the return thunk, IBT, with objtool checking all of
#                      vmlinux.o; the run fails on any objtool warning
#                      about panicqr's code; and the glue's fast effort,
#                      DRM_PANIC_QR_PANICQR_FAST)
#   --vga MODES        the screen modes to boot in, comma-separated. On
#                      x86_64 VESA modes, each passed as vga=MODE: 0x318
#                      (1024x768), 0x315 (800x600), 0x314 (800x600, 16 bits
#                      a pixel), 0x312 (640x480), 0x311 (640x480, 16 bits);
#                      default 0x318,0x315. On arm64 the GOP modes of
#                      EDK2's ramfb driver, each passed as
#                      video=efifb:MODE to the kernel's EFI stub: 1024x768,
#                      800x600, 640x480; default 1024x768,800x600
#   --out DIR          where each mode's files go, in DIR/MODE (serial log,
#                      screenshot, decoded logs); default
#                      $CARGO_TARGET_DIR/kernel-e2e/NAME
#   --screenshot FILE  also copy the first mode's screenshot (PNG) to FILE
#   --kernel IMAGE     boot this image (bzImage, or Image on arm64) instead
#                      of building one (for work on the patches in a tree of
#                      one's own)
#   --append ARGS      more kernel command-line words, for example
#                      drm.panic_qr_modules_across=0 (the largest code)
#
# Runs non-interactively from a fresh clone, as root (it installs Debian's
# build packages when they are missing). The encoder object is built for
# the configured tree, with the Rust code generation that kernel gives its
# own Rust (scripts/build-kernel-object.sh --kernel-tree). The kernel build
# is cached outside the repository, in
# ${PANICQR_CACHE:-~/.cache/panicqr}/kernel-NAME-HASH, keyed by the Debian
# package, the patches, the config fragments, the glue, the C header, the
# encoder's sources and the Rust toolchain, so a warm run only boots the
# kernel. It prints the kernel version it builds or boots, and when a patch
# no longer applies, one line names the patch and that version.
# PANICQR_KEEP_TREE=1 keeps the patched source tree next to the image;
# PANICQR_KERNEL_OBJECT=FILE uses that encoder object instead of building
# one.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/scripts/lib.sh"
cache=$PANICQR_CACHE
jobs=$(nproc)

arch=x86_64
build=object
config=tiny
vga=
outdir=
shot=
kernel=
append=
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--config) config=$2; shift 2 ;;
	--vga) vga=$2; shift 2 ;;
	--out) outdir=$2; shift 2 ;;
	--screenshot) shot=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	-h | --help) sed -n '3,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "e2e.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
done
case "$build" in
object) name=$config ;;
rust) name=rust-$config ;;
*) echo "e2e.sh: unknown build: $build (object or rust)" >&2; exit 2 ;;
esac
# What differs between the architectures: the make variables, the image
# make builds, the default screen modes.
case "$arch" in
x86_64)
	arch_vars=()
	target=bzImage
	boot=arch/x86/boot/bzImage
	vga=${vga:-0x318,0x315}
	;;
arm64)
	arch_vars=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	target=Image
	boot=arch/arm64/boot/Image
	vga=${vga:-1024x768,800x600}
	name=arm64-$name
	[ "$config" = tiny ] ||
		{ echo "e2e.sh: --arch arm64 has only the tiny configuration" >&2; exit 2; }
	;;
*) echo "e2e.sh: unknown architecture: $arch (x86_64 or arm64)" >&2; exit 2 ;;
esac
outdir="${outdir:-$CARGO_TARGET_DIR/kernel-e2e/$name}"
case "$config" in
tiny) fragments=("$here/config.fragment") ;;
hardened) fragments=("$here/config.fragment" "$here/hardened.fragment") ;;
*) echo "e2e.sh: unknown configuration: $config (tiny or hardened)" >&2; exit 2 ;;
esac
[ "$arch" = x86_64 ] || fragments+=("$here/$arch.fragment")
# Make variables for every make of the kernel: the architecture's, and the
# Rust toolchain of a rust build (scripts/kernel-rust-toolchain.sh's, below).
kvars=("${arch_vars[@]}")
if [ "$build" = rust ]; then
	[ "$config" = tiny ] ||
		{ echo "e2e.sh: --build rust has only the tiny configuration" >&2; exit 2; }
	# config.fragment with rust.fragment's names in place of its own.
	mkdir -p "$cache"
	grep -v -e '^# CONFIG_RUST is not set' -e 'CONFIG_DRM_PANIC_QR_PANICQR' \
		"$here/config.fragment" | cat - "$here/rust.fragment" >"$cache/rust-$config.fragment"
	fragments[0]="$cache/rust-$config.fragment"
fi
IFS=, read -r -a modes <<<"$vga"

log() { echo "e2e.sh: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }
start=$(date +%s)
elapsed() { echo "$(($(date +%s) - start)) s"; }

############################################################################
# Packages
############################################################################

apt_install flex bison bc libelf-dev libssl-dev cpio xz-utils zbar-tools zxing-cpp-tools \
	gcc make
case "$arch" in
x86_64) apt_install qemu-system-x86 busybox-static ;;
arm64) apt_install qemu-system-arm qemu-efi-aarch64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross ;;
esac

############################################################################
# Inputs: the kernel source, the encoder object, the glue
############################################################################

if [ -z "$kernel" ]; then
	"$repo/scripts/linux-source.sh" >/dev/null
	tarball="$cache/debian/linux-source-6.12.tar.xz"
	[ -s "$tarball" ] || die "no $tarball after scripts/linux-source.sh"
	# The Debian package the tarball came from, e.g. 6.12.118-1~deb12u1.
	debian_version=$(sed -n 's/^linux-source-6\.12_\(.*\)_all\.deb$/linux-source-6.12 \1/p' \
		"$cache/debian/linux-source-6.12.version" 2>/dev/null)
	debian_version=${debian_version:-linux-source-6.12 from /usr/src}

	if [ "$build" = rust ]; then
		read -r -a rust_vars < <("$repo/scripts/kernel-rust-toolchain.sh" --no-check | tail -n 1)
		[ ${#rust_vars[@]} -gt 0 ] || die "scripts/kernel-rust-toolchain.sh failed"
		kvars+=("${rust_vars[@]}")
		patches=("$here"/rust-patches/*.patch)
	else
		patches=("$here"/patches/*.patch)
	fi
	[ -e "${patches[0]}" ] || die "no patch in ${patches[0]%/*}"
	glue=("$repo/kernel-glue/panicqr_glue.c" "$repo/kernel-glue/panicqr_glue.h"
		"$repo/include/panicqr.h")
	# What the encoder object is made from, as the working tree has it.
	mapfile -t sources < <(cd "$repo" && git ls-files core ffi Cargo.toml Cargo.lock \
		scripts/build-kernel-object.sh scripts/lib.sh scripts/merge.ld scripts/relax-got.py \
		kernel-glue/linux/rustflags.mk)

	# The cache key: everything that goes into the image, and the recipe.
	key=$(
		{
			echo "recipe 3 $config"
			[ "$build" = object ] || echo "build $build ${rust_vars[*]}"
			[ "$arch" = x86_64 ] || echo "arch $arch"
			cat "$cache/debian/linux-source-6.12.version" 2>/dev/null || true
			rustc -vV
			cat "${PANICQR_KERNEL_OBJECT:-/dev/null}"
			cd "$repo" && sha256sum "${patches[@]}" "${fragments[@]}" "${glue[@]}" \
				"${sources[@]}" | awk '{ print $1 }'
		} | sha256sum | cut -c1-16
	)
	kdir="$cache/kernel-$name-$key"
	image="$kdir/${boot##*/}"
fi

############################################################################
# The kernel: tinyconfig + fragment, patched, built once per key
############################################################################

build_kernel() {
	local src="$kdir/src" p line
	rm -rf "$kdir"
	mkdir -p "$kdir"
	log "extracting Linux into $src"
	xz -dc -T"$jobs" "$tarball" | tar -x -C "$kdir"
	mv "$kdir/linux-source-6.12" "$src"
	kversion="Linux $(make -C "$src" -s kernelversion) ($debian_version)"
	log "building $kversion"
	echo "$kversion" >"$kdir/version"

	# The glue; the patches wire it in (the rust series adds it itself).
	[ "$build" = rust ] || cp "${glue[@]}" "$src/drivers/gpu/drm/"
	# A stable update that moves a line the series touches shows here:
	# one line names the patch and the kernel, patch's own words go to a
	# file.
	for p in "${patches[@]}"; do
		log "applying $(basename "$p")"
		patch -d "$src" -p1 --batch --forward <"$p" >"$kdir/patch.log" 2>&1 ||
			die "$(basename "$p") does not apply to $kversion (rebase it; patch's output: $kdir/patch.log)"
	done

	if [ "$build" = rust ]; then
		# What Kconfig's RUST_IS_AVAILABLE runs, said plainly.
		make -C "$src" -s "${kvars[@]}" rustavailable >&2 ||
			die "make rustavailable fails with ${kvars[*]}"
	fi
	log "configuring $config (tinyconfig + ${fragments[*]##*/})"
	make -C "$src" -s "${kvars[@]}" tinyconfig >/dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "${fragments[@]}" >/dev/null
	make -C "$src" -s "${kvars[@]}" olddefconfig >/dev/null
	# merge_config drops what Kconfig refuses: check every line took.
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*) grep -qxF "$line" "$src/.config" || die "config lacks $line" ;;
		"# CONFIG_"*" is not set")
			line=${line#\# }
			! grep -q "^${line%% *}=" "$src/.config" || die "config sets ${line%% *}" ;;
		esac
	done < <(cat "${fragments[@]}")

	# The encoder, built as this configuration builds the kernel's own Rust.
	# In the rust build Kbuild compiles it from the generated source.
	if [ "$build" = rust ]; then
		object="$src/drivers/gpu/drm/drm_panic_qr.o"
	else
		if [ -n "${PANICQR_KERNEL_OBJECT:-}" ]; then
			object=$PANICQR_KERNEL_OBJECT
		else
			log "building the encoder object for this configuration"
			object=$("$repo/scripts/build-kernel-object.sh" --kernel-tree "$src" | tail -n 1) ||
				die "scripts/build-kernel-object.sh --kernel-tree failed"
		fi
		[ -s "$object" ] || die "no encoder object ($object)"
		# What the kernel's link would reject later, said early and clearly.
		if readelf -rW "$object" | grep -qE 'R_X86_64_(GOT|PC64|32 )|R_AARCH64_.*GOT'; then
			die "$object has GOT or non-kernel-model relocations"
		fi
		cp "$object" "$src/drivers/gpu/drm/panicqr.o_shipped"
	fi

	log "make -j$jobs $target (a few minutes)"
	local t0=$(date +%s)
	if ! make -C "$src" -j"$jobs" "${kvars[@]}" "$target" >"$kdir/build.log" 2>&1; then
		tail -n 40 "$kdir/build.log" >&2
		die "kernel build failed (log: $kdir/build.log)"
	fi
	log "kernel built in $(($(date +%s) - t0)) s"
	# objtool checks all of vmlinux.o where IBT or LTO delay it to the
	# link: none of its warnings may name panicqr's code.
	python3 "$here/objtool-check.py" "$kdir/build.log" "$object" ||
		die "objtool warns about panicqr's code (log: $kdir/build.log)"
	# Built with the configuration's overflow checks, the encoder reaches
	# no panic: its object neither defines nor references panic machinery.
	local panics
	panics=$(panic_symbols "$object")
	[ -z "$panics" ] || die "$object reaches panic machinery: $(echo $panics)"
	log "$(basename "$object") reaches no panic machinery" \
		"($(grep -E '^CONFIG_RUST_OVERFLOW_CHECKS=' "$src/.config" || echo 'CONFIG_RUST not set'))"
	cp "$src/.config" "$kdir/config"
	cp "$src/$boot" "$image.part"
	if [ "${PANICQR_KEEP_TREE:-0}" != 1 ]; then
		rm -rf "$src"
	fi
	mv "$image.part" "$image"
}

if [ -n "$kernel" ]; then
	image=$kernel
	log "using $image"
elif [ -s "$image" ]; then
	log "cached kernel $image: $(cat "$kdir/version" 2>/dev/null)"
else
	build_kernel
	# Keep the cache small: the two newest images of each configuration.
	ls -1dt "$cache"/kernel-"$name"-* 2>/dev/null | tail -n +3 | xargs -r rm -rf
fi

# One boot, screenshot and decode for the VESA mode $1; exits non-zero on
# failure. Runs in a subshell of its own.
run_mode() {
vga=$1
############################################################################
# The initramfs: busybox, a marker in the log, then a crash
############################################################################

out="$outdir/$vga"
rm -rf "$out"
mkdir -p "$out"
boot_start=$(date +%s)
marker="panicqr-e2e-marker-$(date +%s)-$$-$RANDOM"
root="$out/initramfs"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys"
if [ "$arch" = x86_64 ]; then
	cp /bin/busybox "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cat >"$root/init" <<EOF
#!/bin/sh
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
echo "$marker" >/dev/kmsg
echo c >/proc/sysrq-trigger
EOF
	chmod 755 "$root/init"
else
	# No busybox for arm64 here: a small static init does the same, with
	# the marker from the command line.
	aarch64-linux-gnu-gcc -static -O2 -Wall -Werror -o "$root/init" "$here/crash-init.c"
fi
(cd "$root" && find . | sort | cpio -o -H newc --quiet -R 0:0 | gzip -9) >"$out/initramfs.cpio.gz"

############################################################################
# Boot, wait for the panic, take the screenshot
############################################################################

serial="$out/serial.log"
mon="$out/monitor"
mkfifo "$mon.in" "$mon.out"
cat "$mon.out" >"$out/monitor.log" &
reader=$!
log "booting ($arch, vga=$vga)"
cmdline="ignore_loglevel panic=0 drm.panic_screen=qr_code${append:+ $append}"
common=(-m 256 -smp 1 -kernel "$image" -initrd "$out/initramfs.cpio.gz" -display none
	-serial "file:$serial" -monitor "pipe:$mon" -no-reboot -nodefaults -no-user-config)
case "$arch" in
x86_64)
	qemu-system-x86_64 "${common[@]}" -vga std \
		-append "console=ttyS0 vga=$vga $cmdline" &
	;;
arm64)
	# EDK2 loads the kernel and initramfs QEMU hands it and boots the
	# kernel's EFI stub, which sets the GOP mode video=efifb: asks for on
	# ramfb, a linear framebuffer (virtio-gpu's GOP is blit-only). Without
	# ACPI tables EDK2 passes QEMU's device tree on, which the kernel
	# (no CONFIG_ACPI) needs.
	qemu-system-aarch64 "${common[@]}" -machine virt,acpi=off -cpu cortex-a57 \
		-bios /usr/share/qemu-efi-aarch64/QEMU_EFI.fd -device ramfb \
		-append "console=ttyAMA0 video=efifb:$vga panicqr_marker=$marker $cmdline" &
	;;
esac
qemu=$!
exec 3>"$mon.in"
cleanup() {
	kill "$qemu" 2>/dev/null || true
	wait "$qemu" 2>/dev/null || true
	kill "$reader" 2>/dev/null || true
}
trap cleanup EXIT

# drm_panic draws from the panic's kmsg dump, before the final
# "---[ end Kernel panic" line.
for _ in $(seq 1200); do
	grep -q -- '---\[ end Kernel panic' "$serial" 2>/dev/null && break
	kill -0 "$qemu" 2>/dev/null || die "QEMU exited before the panic"
	sleep 0.1
done
grep -q -- '---\[ end Kernel panic' "$serial" || die "no panic within 120 s (log: $serial)"
log "panicked $(($(date +%s) - boot_start)) s after boot"
sleep 2
screen="$out/screen.png"
echo "screendump $screen -f png" >&3
# The PNG is complete once its IEND chunk is written.
for _ in $(seq 200); do
	[ -s "$screen" ] && tail -c 8 "$screen" | grep -q IEND && break
	sleep 0.1
done
echo quit >&3
exec 3>&-
wait "$qemu" 2>/dev/null || true
[ -s "$screen" ] || die "no screenshot"
[ -z "$shot" ] || [ "$vga" != "${modes[0]}" ] || cp "$screen" "$shot"

############################################################################
# Decode with zbarimg, ZXingReader and tools/examples/decode, compare with the
# serial log
############################################################################

grep -q "Registered 1 planes with drm panic" "$serial" ||
	die "simpledrm did not register with drm_panic"
if grep -q 'panicqr: ' "$serial"; then
	grep 'panicqr: ' "$serial" | tr -d '\r' | sed 's/^/e2e.sh: kernel: /' >&2
fi

# The test profile's build (optimised dependencies), which step cargo_test
# has already made: no second profile of every dependency.
log "building tools/examples/decode"
cargo build --quiet --manifest-path "$repo/Cargo.toml" -p panicqr-tools --example decode
decode="$CARGO_TARGET_DIR/debug/examples/decode"

# zbarimg reads the QR code; its text is the URL, which our decoder
# decompresses. --raw prints the decoded text only; byte segments are
# passed through as text, digits as digits.
if ! zbarimg --raw -q "$screen" >"$out/zbar.txt" 2>"$out/zbar.err"; then
	die "zbarimg found no code in $screen"
fi
url=$(head -n 1 "$out/zbar.txt")
"$decode" "$url" >"$out/log-zbar.txt" 2>"$out/decode-zbar.err" ||
	die "tools/examples/decode could not read zbarimg's URL: $(cat "$out/decode-zbar.err")"
# Our scanner reads the picture itself.
"$decode" "$screen" >"$out/log-decode.txt" 2>"$out/decode.err" ||
	die "tools/examples/decode found no code: $(cat "$out/decode.err")"
cmp -s "$out/log-zbar.txt" "$out/log-decode.txt" ||
	die "zbarimg and tools/examples/decode read different logs"
# ZXing-C++, a second decoder independent of ours and of zbar; -bytes prints
# the symbol's bytes and nothing else.
ZXingReader -format QRCode -bytes "$screen" >"$out/zxing.txt" 2>"$out/zxing.err" ||
	die "ZXingReader failed on $screen: $(cat "$out/zxing.err")"
[ -s "$out/zxing.txt" ] || die "ZXingReader found no code in $screen"
"$decode" "$(head -n 1 "$out/zxing.txt")" >"$out/log-zxing.txt" 2>"$out/decode-zxing.err" ||
	die "tools/examples/decode could not read ZXingReader's URL: $(cat "$out/decode-zxing.err")"
cmp -s "$out/log-zxing.txt" "$out/log-decode.txt" ||
	die "ZXingReader and tools/examples/decode read different logs"

recovered="$out/log-decode.txt"
grep -qF "$marker" "$recovered" || die "the recovered log lacks the marker $marker"
grep -qF 'Kernel panic - not syncing' "$recovered" || die "the recovered log lacks the panic line"

# The serial console writes each kmsg line as kmsg_dump does, with the same
# "[seconds.micros] " prefix, but ends lines with \r\n. The recovered log
# must appear in it whole, starting on a line, and the console lines after
# it must be those printed after the dump.
tr -d '\r' <"$serial" >"$out/serial-lf.log"
python3 "$here/recovered-tail.py" "$out/serial-lf.log" "$recovered" ||
	die "the recovered log is not a tail of the serial log"

size=$(python3 "$here/png-size.py" "$screen")
log "PASS vga=$vga screen=$size marker=$marker (files: $out)"
}

passed=0
failed=0
for vga in "${modes[@]}"; do
	# Not in an `if`: errexit must hold inside run_mode.
	set +e
	(set -e; run_mode "$vga")
	status=$?
	set -e
	if [ "$status" = 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
log "done in $(elapsed)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
