#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Worst-case stack use of each export of the kernel object.

Reads the x86_64 disassembly of the object that scripts/build-kernel-object.sh
builds, takes each function's frame from its prologue (pushes, `sub $N, %rsp`,
and the return address), builds the call graph from direct calls and tail
jumps, and prints, for each exported function, the deepest path through it.
Indirect calls would make the bound unsound, so any is an error, as is
recursion.

Usage: scripts/stack-usage.py OBJECT [--max BYTES]
"""
import re
import subprocess
import sys


def main():
    global pending_call, pending_load, loaded
    path = sys.argv[1]
    limit = None
    if "--max" in sys.argv:
        limit = int(sys.argv[sys.argv.index("--max") + 1])
    text = subprocess.run(
        ["objdump", "-dr", "--no-show-raw-insn", path],
        check=True, capture_output=True, text=True).stdout
    frames, calls, indirect = {}, {}, []
    current = None
    prologue = True
    for line in text.splitlines():
        header = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if header:
            current = header.group(1)
            loaded = {}
            frames[current] = 8  # the return address
            calls[current] = set()
            prologue = True
            continue
        if current is None:
            continue
        reloc = re.search(r"R_X86_64_(PLT32|PC32|32S)\s+(\S+?)(?:[-+]0x[0-9a-f]+)?$", line)
        if reloc and calls.get(current) is not None:
            if pending_call and reloc.group(1) != "32S":
                calls[current].add(reloc.group(2))
            elif pending_load is not None and reloc.group(1) == "32S":
                # `mov $sym, %reg`, then `call *%reg`: a library call made
                # through a register.
                loaded[pending_load] = reloc.group(2)
            continue
        insn = re.match(r"^\s+[0-9a-f]+:\s+(\S+)\s*(.*)$", line)
        if not insn:
            continue
        op, args = insn.group(1), insn.group(2)
        pending_call = op in ("call", "jmp") and "*" not in args
        load = re.match(r"^\$0x0,(%r\w+)$", args) if op == "mov" else None
        pending_load = load.group(1) if load else None
        if op == "call" and "*" in args:
            target = loaded.get(args.lstrip("*"))
            if target:
                calls[current].add(target)
            else:
                indirect.append(current)
        if prologue and op == "push":
            frames[current] += 8
        elif prologue and op == "sub" and args.endswith(",%rsp"):
            frames[current] += int(args.split(",")[0].lstrip("$"), 16)
            prologue = False
        elif op not in ("push", "mov", "sub", "lea", "xor", "endbr64"):
            prologue = False
    if indirect:
        sys.exit("indirect calls in: " + ", ".join(sorted(set(indirect))))

    memo = {}

    def deepest(name, seen=()):
        if name in seen:
            sys.exit("recursion through " + name)
        if name in memo:
            return memo[name]
        below = max((deepest(c, seen + (name,)) for c in calls.get(name, ()) if c in frames),
                    default=0)
        memo[name] = frames.get(name, 0) + below
        return memo[name]

    exports = sorted(n for n in frames if re.match(r"^(panicqr_|drm_panic_qr_)", n))
    worst = 0
    print("| export | deepest stack (bytes) |")
    print("|---|---|")
    for name in exports:
        depth = deepest(name)
        worst = max(worst, depth)
        print(f"| `{name}` | {depth} |")
    if limit is not None and worst > limit:
        sys.exit(f"stack use {worst} exceeds {limit} bytes")


pending_call = False
pending_load = None
loaded = {}
if __name__ == "__main__":
    main()
