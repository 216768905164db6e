#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Checks that the log recovered from the panic screen's code is a tail of
the serial log: it appears whole, starting on a line, and the console lines
after it are only those the kernel prints after the kmsg dump.

Usage: kernel-glue/linux/recovered-tail.py SERIAL_LOG RECOVERED_LOG
(SERIAL_LOG with \n line ends; kernel-glue/linux/e2e.sh runs it.)
"""
import sys

serial = open(sys.argv[1], "rb").read()
got = open(sys.argv[2], "rb").read()
if not got.endswith(b"\n"):
    got += b"\n"
at = serial.rfind(got)
if at < 0 or (at > 0 and serial[at - 1:at] != b"\n"):
    # Show where they part.
    lines = got.split(b"\n")
    for i in range(len(lines), 0, -1):
        if serial.find(b"\n".join(lines[:i])) >= 0:
            print(f"e2e.sh: first {i} of {len(lines)} lines match; then {lines[i]!r}", file=sys.stderr)
            break
    sys.exit(1)
after = serial[at + len(got):].decode("utf-8", "replace").splitlines()
allowed = ("Kernel Offset:", "---[ end Kernel panic")
for line in after:
    text = line.split("] ", 1)[-1] if line.startswith("[") else line
    if not text.startswith(allowed):
        print(f"e2e.sh: serial line after the recovered tail: {line!r}", file=sys.stderr)
        sys.exit(1)
nlines = got.count(b"\n")
print(f"e2e.sh: recovered {len(got)} bytes, {nlines} lines; "
      f"{len(after)} console lines follow the dump", file=sys.stderr)
