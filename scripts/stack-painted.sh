#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Measures the stack each export of the kernel object uses, and checks that
# the static bound of scripts/stack-usage.py is never below it: a second
# measure, independent of the disassembly.
#
# The kernel object (scripts/build-kernel-object.sh) links into a non-PIE
# user-space program, scripts/tests/stack/painted.c, which runs every export
# on a stack painted with a pattern and reads how deep the pattern was
# overwritten. The logs: tools/examples/data/sample-kmsg.log alone and after the
# boot of a real Linux 6.12 (tools/benches/data/qemu-boot-6.12.log), as the
# kernel's buffer holds it at a panic; and, when ../shared/corpus is there,
# each of its crash logs alone and after that boot (up to 26 KB; the largest
# alone is a 16.9 KB arm64 boot and panic).
#
# The program also runs the glue's panic paths, panicqr_glue_draw() and
# panicqr_glue_draw_kmsg() (which reads the log through the stand-in
# kmsg_dump_get_buffer() of kernel-glue/compat), compiled
# for user space with kernel-glue/compat: it is checked against the static
# bound of that build (GCC's user-space flags, glibc's memcpy, memset and
# strlen and the test's set_pixel budgeted at 64 bytes each), the kernel
# build's bound being build-kernel-object.sh's.
#
# Prints the static bounds and the measurements side by side; fails when a
# measurement exceeds its bound, or an export goes unmeasured.
set -euo pipefail
cd "$(dirname "$0")/.."

object=$(scripts/build-kernel-object.sh | tail -n 1)
out=$(dirname "$object")
cflags=(-std=gnu11 -O2 -Wall -Wextra -Werror -Ikernel-glue/compat -Iinclude -Ikernel-glue)
cc "${cflags[@]}" -fstack-usage -c kernel-glue/panicqr_glue.c -o "$out/painted-glue.o"
# Bound at start-up, so that no lazy symbol lookup runs on the painted stack.
cc "${cflags[@]}" -no-pie -Wl,-z,now -o "$out/painted" scripts/tests/stack/painted.c \
	scripts/tests/stack/painted-call.S "$out/painted-glue.o" "$object"
python3 scripts/stack-usage.py "$object" "$out/painted-glue.o" --root panicqr_glue_draw \
	--root panicqr_glue_draw_kmsg --extern memcpy=64 --extern memset=64 --extern strlen=64 \
	--indirect panicqr_glue_draw=64 --indirect panicqr_glue_draw_kmsg=64 \
	--indirect __panicqr_glue_draw=64 --indirect panicqr_paint=64 --su "$out/painted-glue.su" \
	--json "$out/stack-painted-glue.json" >/dev/null

boot=tools/benches/data/qemu-boot-6.12.log
mkdir -p "$out/logs"
rm -f "$out/logs/"*
logs=(tools/examples/data/sample-kmsg.log "$out/logs/boot+sample-kmsg.log")
cat "$boot" tools/examples/data/sample-kmsg.log >"$out/logs/boot+sample-kmsg.log"
if [ -d ../shared/corpus ]; then
	for log in ../shared/corpus/*.log; do
		cat "$boot" "$log" >"$out/logs/boot+$(basename "$log")"
		logs+=("$log" "$out/logs/boot+$(basename "$log")")
	done
fi
"$out/painted" "${logs[@]}" >"$out/painted.txt"
grep -v '^panicqr_glue_draw' "$out/painted.txt" >"$out/painted-exports.txt"
grep '^panicqr_glue_draw' "$out/painted.txt" >"$out/painted-glue.txt"

missing=$(comm -23 "$out/exports.txt" <(awk '{print $1}' "$out/painted-exports.txt" | sort))
if [ -n "$missing" ]; then
	echo "stack-painted: exports not measured: $missing" >&2
	exit 1
fi
echo "stack-painted: ${#logs[@]} logs" >&2
echo "The kernel object (the glue as the kernel builds it: static bound only):"
python3 scripts/stack-usage.py --bounds "$out/stack.json" --measured "$out/painted-exports.txt"
echo
echo "The glue built for user space, with the same kernel object:"
python3 scripts/stack-usage.py --bounds "$out/stack-painted-glue.json" \
	--measured "$out/painted-glue.txt"
