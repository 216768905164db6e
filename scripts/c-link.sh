#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Links the C library the way its users do, with nothing but what
# pkg-config prints, and checks what they get:
#
# - `cargo cinstall` (cargo-c, pinned below, installed once into
#   $PANICQR_CACHE) installs the shared library with its soname, the static
#   archive, the committed include/panicqr.h byte for byte, and panicqr.pc,
#   into a temporary prefix; a second prefix holds the static archive alone,
#   as a static-only install does;
# - ffi/examples/qrtext.c builds from each prefix with
#   `cc qrtext.c $(pkg-config --cflags --libs [--static] panicqr)`, the
#   first against the shared library, the second against the archive, and
#   both print the same code for a real boot and crash log; the code is a
#   plausible QR code of the expected version (scripts/qr-text.py), and
#   zbarimg reads back exactly the log tail it reports, or the URL, which
#   tools/examples/decode inflates back to that tail;
# - plain `cc qrtext.c -L DIR -lpanicqr`, without --gc-sections, links
#   against either library, and so does the archive beside another
#   definition of rust_eh_personality (a Rust library with std would bring
#   one); the shared library loads with dlopen;
# - what the exports reach of the release archive references no panic
#   machinery, as scripts/build-kernel-object.sh checks for the kernel.
#
# Needs pkg-config, zbarimg and, to build cargo-c once, OpenSSL's headers
# (scripts/test-all.sh c_link installs them). Usage: scripts/c-link.sh
set -euo pipefail
trap 'echo "c-link: failed at line $LINENO" >&2' ERR
cd "$(dirname "$0")/.."
. scripts/lib.sh

# The newest cargo-c that builds with Rust 1.95 (0.10.25 wants 1.96). It
# is built unoptimised and without debug info: 4 minutes of CPU instead of
# 15 for the release build, and a cargo cinstall that takes a second more.
cargo_c=0.10.24+cargo-0.98.0
tools="$PANICQR_CACHE/cargo-c-$cargo_c"
if [ ! -x "$tools/bin/cargo-cinstall" ]; then
	build=$(mktemp -d)
	trap 'rm -rf "$build"' EXIT
	CARGO_PROFILE_DEV_DEBUG=0 CARGO_INCREMENTAL=0 cargo install --quiet cargo-c \
		--version "$cargo_c" --locked --debug --root "$tools" --target-dir "$build"
	rm -rf "$build"
fi
export PATH="$tools/bin:$PATH"

out="$CARGO_TARGET_DIR/c-link"
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
prefix="$out/prefix"
static_prefix="$out/prefix-static"
cargo cinstall -p panicqr-ffi --prefix "$prefix" --libdir lib
cargo cinstall -p panicqr-ffi --prefix "$static_prefix" --libdir lib \
	--library-type staticlib

# What was installed.
soname=$(readelf -d "$prefix/lib/libpanicqr.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
echo "installed: $(cd "$prefix" && find . -type f -o -type l | sort | tr '\n' ' ')"
echo "soname: $soname"
[ "$soname" = libpanicqr.so.0.1 ]
[ -e "$prefix/lib/$soname" ]
[ -e "$prefix/lib/libpanicqr.a" ]
cmp include/panicqr.h "$prefix/include/panicqr.h"
cmp include/panicqr.h "$static_prefix/include/panicqr.h"
[ ! -e "$static_prefix/lib/libpanicqr.so" ]
# What the exports reach of the release archive calls no panic: the link
# keeps the sections they reach, whose symbols must name no panic path.
exports=$(grep -oE '\b(panicqr_[a-z_]+|drm_panic_qr_[a-z_]+)\(' include/panicqr.h | tr -d '(' | sort -u)
keep=()
for symbol in $exports; do
	keep+=(-u "$symbol")
done
ld -r --gc-sections "${keep[@]}" -o "$out/reachable.o" "$static_prefix/lib/libpanicqr.a"
panics=$(panic_symbols "$out/reachable.o")
if [ -n "$panics" ]; then
	echo "c-link: the release library reaches panic machinery: $panics" >&2
	exit 1
fi
echo "the release library reaches no panic machinery from its exports"
# Only the exports, and libc's functions, cross the shared library's edge.
undefined=$(nm -D --undefined-only "$prefix/lib/libpanicqr.so" | awk '$1 == "U" {print $2}' |
	grep -v '@GLIBC_' || true)
if [ -n "$undefined" ]; then
	echo "c-link: the shared library needs symbols libc does not give: $undefined" >&2
	exit 1
fi

pc() {
	PKG_CONFIG_PATH="$1/lib/pkgconfig" pkg-config "${@:2}" panicqr
}
echo "pkg-config --cflags --libs panicqr: $(pc "$prefix" --cflags --libs)"
echo "pkg-config --cflags --libs --static panicqr: $(pc "$static_prefix" --cflags --libs --static)"
example=ffi/examples/qrtext.c
warn=(-std=c99 -Wall -Wextra -Werror -pedantic)
# shellcheck disable=SC2046 # pkg-config's output is words.
cc "${warn[@]}" $(pc "$prefix" --cflags) -o "$out/qrtext-shared" "$example" $(pc "$prefix" --libs)
# shellcheck disable=SC2046
cc "${warn[@]}" $(pc "$static_prefix" --cflags) -o "$out/qrtext-static" "$example" \
	$(pc "$static_prefix" --libs --static)
# Outputs are captured before grep reads them: with pipefail, a writer cut
# off by `grep -q` would fail the script.
needed=$(readelf -d "$out/qrtext-shared" | grep NEEDED)
grep -q "\[$soname\]" <<<"$needed"
needed=$(readelf -d "$out/qrtext-static" | grep NEEDED)
if grep -q libpanicqr <<<"$needed"; then
	echo "c-link: the static build needs the shared library" >&2
	exit 1
fi

# A real panic's log: the boot, then the crash. The code carries its tail.
cat tools/benches/data/qemu-boot-6.12.log tools/examples/data/sample-kmsg.log >"$out/kmsg.log"
run_shared() {
	LD_LIBRARY_PATH="$prefix/lib" "$out/qrtext-shared" "$@"
}
run_shared "$out/kmsg.log" >"$out/raw.txt" 2>"$out/raw.report"
"$out/qrtext-static" "$out/kmsg.log" >"$out/raw-static.txt" 2>"$out/raw-static.report"
cat "$out/raw.report"
cmp "$out/raw.txt" "$out/raw-static.txt"
cmp "$out/raw.report" "$out/raw-static.report"
python3 scripts/qr-text.py check --version 40 <"$out/raw.txt"
tail_start=$(sed -n 's/.*log bytes \([0-9]*\) to .*/\1/p' "$out/raw.report")
[ "$tail_start" -gt 0 ]
# It starts on a line.
[ "$(head -c "$tail_start" "$out/kmsg.log" | tail -c 1 | od -An -tx1)" = " 0a" ]

# zbarimg, which shares no code with ours, reads the code back.
decode() {
	python3 scripts/qr-text.py pbm 4 <"$1" >"$out/code.pbm"
	if ! zbarimg --raw -q "$out/code.pbm" 2>"$out/zbarimg.err" | head -c -1; then
		cat "$out/zbarimg.err" >&2
		return 1
	fi
}
decode "$out/raw.txt" >"$out/raw.decoded"
tail -c +"$((tail_start + 1))" "$out/kmsg.log" | cmp - "$out/raw.decoded"
echo "zbarimg reads back the log from byte $tail_start to the end"

url=https://panic.example/r
run_shared --url "$url" --arch x86_64 --release 6.12.0 --dictionary "$out/kmsg.log" \
	>"$out/url.txt" 2>"$out/url.report"
"$out/qrtext-static" --url "$url" --arch x86_64 --release 6.12.0 --dictionary \
	"$out/kmsg.log" >"$out/url-static.txt" 2>/dev/null
cat "$out/url.report"
cmp "$out/url.txt" "$out/url-static.txt"
python3 scripts/qr-text.py check --version 40 <"$out/url.txt"
decode "$out/url.txt" >"$out/url.decoded"
grep -qE "^$url\?a=x86_64&v=6\.12\.0(&zd=2)?&z=[0-9]+\$" "$out/url.decoded"
echo "zbarimg reads the URL: $(head -c 60 "$out/url.decoded")..."
# The project's decoder inflates what the URL carries: the reported tail.
if ! cargo run --quiet --example decode -- "$(cat "$out/url.decoded")" \
	>"$out/url.log" 2>"$out/decode.err"; then
	cat "$out/decode.err" >&2
	exit 1
fi
tail_start=$(sed -n 's/.*log bytes \([0-9]*\) to .*/\1/p' "$out/url.report")
tail -c +"$((tail_start + 1))" "$out/kmsg.log" | cmp - "$out/url.log"
echo "tools/examples/decode inflates the URL back to the log from byte $tail_start"

# Plain -L and -l, no --gc-sections: the shared library, then the archive
# alone in its directory.
cc "${warn[@]}" -I"$prefix/include" -o "$out/plain-shared" "$example" \
	-L"$prefix/lib" -lpanicqr
cc "${warn[@]}" -I"$static_prefix/include" -o "$out/plain-static" "$example" \
	-L"$static_prefix/lib" -lpanicqr
LD_LIBRARY_PATH="$prefix/lib" "$out/plain-shared" "$out/kmsg.log" 2>/dev/null |
	cmp - "$out/raw.txt"
"$out/plain-static" "$out/kmsg.log" 2>/dev/null | cmp - "$out/raw.txt"
echo "plain cc -L... -lpanicqr links against the shared library and the archive"
# The archive's personality is weak: another definition wins, no clash.
cc "${warn[@]}" -I"$static_prefix/include" -o "$out/own-personality" "$example" \
	ffi/tests/c/own_personality.c -L"$static_prefix/lib" -lpanicqr
symbols=$(nm "$out/own-personality")
grep -q ' T rust_eh_personality$' <<<"$symbols"
"$out/own-personality" "$out/kmsg.log" 2>/dev/null | cmp - "$out/raw.txt"
echo "beside another rust_eh_personality, the archive's gives way"

cc "${warn[@]}" -o "$out/dlopen_test" ffi/tests/c/dlopen_test.c -ldl
"$out/dlopen_test" "$prefix/lib/libpanicqr.so"
