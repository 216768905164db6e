#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Fails when objtool warns about panicqr's code in a kernel build log.

objtool names the function it warns about (`vmlinux.o: warning: objtool:
FUNC+0x12: ...`). panicqr's code is every function symbol of the encoder
object, local ones included, and the glue's `panicqr_*` functions. Every
objtool warning is printed; the exit status is 1 when one names our code.

Usage: objtool-check.py BUILD_LOG OBJECT
"""
import re
import subprocess
import sys


def functions(obj):
    out = subprocess.run(["readelf", "-sW", obj], check=True, capture_output=True, text=True)
    names = set()
    for line in out.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[3] == "FUNC" and fields[6] != "UND":
            names.add(fields[7])
    return names


def main():
    log, obj = sys.argv[1], sys.argv[2]
    ours = functions(obj)
    if not ours:
        sys.exit(f"objtool-check: no function symbols in {obj}")
    warnings = [l.rstrip() for l in open(log, errors="replace") if "objtool: " in l and "warning" in l]
    bad = []
    for line in warnings:
        print(f"objtool-check: {line}", file=sys.stderr)
        m = re.search(r"objtool: ([^\s+:]+)", line)
        name = m.group(1) if m else ""
        if name in ours or name.startswith(("panicqr_", "drm_panic_qr_")):
            bad.append(line)
    print(f"objtool-check: {len(warnings)} objtool warnings in the build, "
          f"{len(bad)} about panicqr's {len(ours)} functions", file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
