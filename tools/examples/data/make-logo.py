#!/usr/bin/env python3
"""Draws examples/data/logo.bmp: an 80x80 one-bit penguin for the panic screen.

Linux's panic screen draws the kernel's monochrome boot logo (80x80 on most
configurations) in the foreground colour where its bits are set. This script
draws a simple penguin from ellipses, so the repository carries no copy of
the kernel's logo. Run it from the repository root to regenerate the file:

    python3 examples/data/make-logo.py
"""
import struct

W = H = 80


def inside(x, y, cx, cy, rx, ry):
    return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0


def lit(x, y):
    # Add the outline, then cut the details out of it.
    px, py = x + 0.5, y + 0.5
    body = inside(px, py, 40, 50, 25, 27) or inside(px, py, 40, 22, 16, 17)
    feet = inside(px, py, 26, 76, 11, 4) or inside(px, py, 54, 76, 11, 4)
    if not (body or feet):
        return False
    if feet:
        return True
    # The belly is an outlined window: a ring, dark inside.
    belly = inside(px, py, 40, 54, 15, 19)
    belly_edge = belly and not inside(px, py, 40, 54, 13, 17)
    if belly and not belly_edge:
        return False
    # Eyes: dark ovals with a lit pupil.
    for ex in (33, 47):
        if inside(px, py, ex, 18, 4, 5.5):
            return inside(px, py, ex + 1, 19, 1.6, 2.2)
    # The beak: a dark triangle under the eyes.
    if 25 <= py <= 31 and abs(px - 40) <= (31 - py) * 1.3:
        return False
    # The wings are parted from the body by a dark stroke each side.
    for side in (-1, 1):
        if inside(px, py, 40 + side * 21, 52, 2, 15):
            return False
    return True


rows = []
for y in range(H):
    bits = 0
    for x in range(W):
        bits = bits << 1 | lit(x, y)
    row = bits.to_bytes(W // 8, "big")
    rows.append(row + b"\0" * (-len(row) % 4))

pixels = b"".join(reversed(rows))  # BMP rows go bottom-up.
palette = struct.pack("<II", 0x000000, 0xFFFFFF)  # index 0 dark, 1 lit
offset = 14 + 40 + len(palette)
header = struct.pack("<2sIHHI", b"BM", offset + len(pixels), 0, 0, offset)
info = struct.pack("<IiiHHIIiiII", 40, W, H, 1, 1, 0, len(pixels), 2835, 2835, 2, 2)
with open("examples/data/logo.bmp", "wb") as f:
    f.write(header + info + palette + pixels)
