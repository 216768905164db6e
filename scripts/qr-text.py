#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Reads a QR code printed as text by ffi/examples/qrtext.c ("##" a dark
module, "  " a light one, a quiet zone of 4 modules) from standard input.

- `check [--version N]`: checks that it is a plausible QR code: a square of
  17 + 4v modules (v = N when given) inside a light quiet zone, the three
  finder patterns with their light separators, both timing patterns, and
  the dark module beside the bottom-left finder. Prints the version.
- `pbm SCALE`: writes it as a PBM image, SCALE pixels a module, for zbarimg.

Exits non-zero, saying why, when the text is not such a code.
"""
import argparse
import sys

QUIET_ZONE = 4
FINDER = [
    "#######",
    "#.....#",
    "#.###.#",
    "#.###.#",
    "#.###.#",
    "#.....#",
    "#######",
]


def read_modules(text):
    """Returns the rows of modules (True for dark), quiet zone included."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    side = len(lines)
    rows = []
    for y, line in enumerate(lines):
        if len(line) != 2 * side:
            sys.exit(f"row {y} has {len(line)} characters, not {2 * side}")
        pairs = [line[i : i + 2] for i in range(0, len(line), 2)]
        if any(p not in ("##", "  ") for p in pairs):
            sys.exit(f"row {y} holds something other than '##' and '  '")
        rows.append([p == "##" for p in pairs])
    return rows


def check(rows, version):
    side = len(rows)
    width = side - 2 * QUIET_ZONE
    if width < 21 or width > 177 or (width - 17) % 4:
        sys.exit(f"{width} modules across is no QR version")
    v = (width - 17) // 4
    if version is not None and v != version:
        sys.exit(f"version {v}, expected {version}")
    for y in range(side):
        for x in range(side):
            inside = QUIET_ZONE <= x < side - QUIET_ZONE and QUIET_ZONE <= y < side - QUIET_ZONE
            if not inside and rows[y][x]:
                sys.exit(f"quiet zone module ({x}, {y}) is dark")

    def module(x, y):
        return rows[y + QUIET_ZONE][x + QUIET_ZONE]

    for name, (x0, y0) in (("top left", (0, 0)), ("top right", (width - 7, 0)),
                           ("bottom left", (0, width - 7))):
        for dy in range(-1, 8):
            for dx in range(-1, 8):
                x, y = x0 + dx, y0 + dy
                if not (0 <= x < width and 0 <= y < width):
                    continue
                inner = 0 <= dx < 7 and 0 <= dy < 7
                want = inner and FINDER[dy][dx] == "#"
                if module(x, y) != want:
                    sys.exit(f"{name} finder pattern or separator differs at ({x}, {y})")
    for i in range(8, width - 8):
        if module(i, 6) != (i % 2 == 0) or module(6, i) != (i % 2 == 0):
            sys.exit(f"timing pattern differs at {i}")
    if not module(8, width - 8):
        sys.exit("the dark module beside the bottom-left finder is light")
    print(f"a plausible version {v} QR code: {width} modules, quiet zone, finders, timing")


def pbm(rows, scale):
    side = len(rows) * scale
    out = [f"P1\n{side} {side}\n"]
    for row in rows:
        line = " ".join("1" if dark else "0" for dark in row for _ in range(scale))
        out.extend(line + "\n" for _ in range(scale))
    sys.stdout.write("".join(out))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check_parser = sub.add_parser("check")
    check_parser.add_argument("--version", type=int)
    pbm_parser = sub.add_parser("pbm")
    pbm_parser.add_argument("scale", type=int)
    args = parser.parse_args()
    rows = read_modules(sys.stdin.read())
    if args.command == "check":
        check(rows, args.version)
    else:
        pbm(rows, args.scale)


if __name__ == "__main__":
    main()
