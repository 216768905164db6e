#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Turns GOT-indirect references in an x86_64 relocatable object into direct
ones, as GNU ld's relaxation does for non-PIC links.

rustc marks library calls (memcpy, memset, memcmp) as going through the GOT
and emits R_X86_64_GOTPCREL, which ld cannot relax; the kernel's linker
script refuses any GOT entry. This rewrites, in place:

- `call *sym@GOTPCREL(%rip)` (ff 15) into `addr32 call sym` (67 e8), PLT32;
- `jmp *sym@GOTPCREL(%rip)` (ff 25) into `nop; jmp sym` (90 e9), PLT32;
- `mov sym@GOTPCREL(%rip), %reg` (REX 8b) into `mov $sym, %reg` (REX c7),
  R_X86_64_32S, valid in the kernel code model.

Any other GOT reference is an error. Usage: scripts/relax-got.py OBJECT
"""
import struct
import sys

R_X86_64_PLT32 = 4
R_X86_64_GOTPCREL = 9
R_X86_64_32S = 11
SHT_RELA = 4


def main():
    path = sys.argv[1]
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("not a little-endian ELF64 object")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    rewritten = 0
    for sh in sections:
        if sh[1] != SHT_RELA:
            continue
        target = sections[sh[7]]
        base = target[4]  # file offset of the section the relocations apply to
        for k in range(sh[5] // 24):
            at = sh[4] + k * 24
            offset, info, addend = struct.unpack_from("<QQq", data, at)
            if info & 0xffffffff != R_X86_64_GOTPCREL:
                continue
            p = base + offset
            if addend != -4:
                sys.exit(f"GOTPCREL with addend {addend} at {offset:#x}")
            if data[p - 2:p] == b"\xff\x15":
                data[p - 2:p] = b"\x67\xe8"
                kind, new_addend = R_X86_64_PLT32, addend
            elif data[p - 2:p] == b"\xff\x25":
                data[p - 2:p] = b"\x90\xe9"
                kind, new_addend = R_X86_64_PLT32, addend
            elif data[p - 2] == 0x8b and data[p - 1] & 0xc7 == 0x05 and data[p - 3] & 0xf8 == 0x48:
                rex, modrm = data[p - 3], data[p - 1]
                reg = (modrm >> 3) & 7
                # REX.R (the register) becomes REX.B (the r/m operand).
                data[p - 3] = (rex & 0xf8) | 0x08 | ((rex >> 2) & 1)
                data[p - 2] = 0xc7
                data[p - 1] = 0xc0 | reg
                kind, new_addend = R_X86_64_32S, 0
            else:
                sys.exit(f"unknown GOT reference {bytes(data[p - 3:p]).hex()} at {offset:#x}")
            struct.pack_into("<QQq", data, at, offset, (info & ~0xffffffff) | kind, new_addend)
            rewritten += 1
    open(path, "wb").write(data)
    print(f"relax-got: {rewritten} GOT references made direct", file=sys.stderr)


if __name__ == "__main__":
    main()
