#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# C tests of the C ABI: builds the release static library, checks that the
# header compiles as C99 and as C++ with every warning an error, that the
# drm_panic_qr_* prototypes match Linux 6.12's drm_panic.c, and runs
# ffi/tests/c/abi_test.c under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

target="$CARGO_TARGET_DIR"
out="$target/c-tests"
mkdir -p "$out"
cargo build --quiet --release -p panicqr-ffi
lib="$target/release/libpanicqr.a"
warn=(-Wall -Wextra -Werror)

# The header alone, as C99 and as C++.
echo '#include "panicqr.h"' | cc -std=c99 -pedantic "${warn[@]}" -Iinclude -x c -c -o /dev/null -
c++ -std=c++11 "${warn[@]}" -Iinclude -c -o "$out/header.o" ffi/tests/c/header.cpp

# The prototypes Linux's C side declares.
src=$(scripts/linux-source.sh)
grep -A1 '^extern .*drm_panic_qr_' "$src/drivers/gpu/drm/drm_panic.c" >"$out/linux_externs.h"
grep -q drm_panic_qr_generate "$out/linux_externs.h"
cc -std=gnu11 "${warn[@]}" -Iinclude -I"$out" -o "$out/linux_prototypes" \
	ffi/tests/c/linux_prototypes.c "$lib"
"$out/linux_prototypes"

# The ABI tests under the sanitizers.
cc -std=c99 -g -O1 "${warn[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Iinclude -o "$out/abi_test" ffi/tests/c/abi_test.c "$lib"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/abi_test"
