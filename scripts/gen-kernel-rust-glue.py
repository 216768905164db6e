#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Wires panicqr's glue into a Linux tree whose drm_panic_qr.rs is panicqr.

Usage: scripts/gen-kernel-rust-glue.py TREE

For the in-tree series (scripts/gen-kernel-rust.sh), patch 0002: in TREE,

- copies kernel-glue/panicqr_glue.c, panicqr_glue.h and include/panicqr.h
  into drivers/gpu/drm/, and builds the glue beside drm_panic_qr.o;
- replaces the body of drm_panic.c's `#if
  defined(CONFIG_DRM_PANIC_SCREEN_QR_CODE)` with the QR screen that the
  object series draws through the glue, taken from
  kernel-glue/linux/patches/0002 (its `CONFIG_DRM_PANIC_QR_PANICQR`
  branch), so that both series draw the same screen from one text;
- drops zlib, which only that body used, and adds the option
  DRM_PANIC_QR_PANICQR_DICTIONARY, again from that patch.
"""

import glob
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class GenError(Exception):
    pass


def added_block(patch, first, last=None):
    """The lines the patch adds from the one matching `first` up to, not
    including, the one matching `last` (or to the end of the added run),
    without their '+'."""
    out, inside = [], False
    for line in patch.splitlines():
        if not line.startswith("+") or line.startswith("+++"):
            if inside and last is None:
                return out
            if inside:
                break
            continue
        text = line[1:]
        if not inside and re.match(first, text):
            inside = True
        if inside:
            if last is not None and re.match(last, text):
                return out
            out.append(text)
    raise GenError(f"no block from {first!r} to {last!r} in the object series' 0002")


def edit(path, old, new, count=1):
    with open(path, encoding="utf-8") as f:
        s = f.read()
    if s.count(old) != count:
        raise GenError(f"{path}: expected {count} of {old!r}, found {s.count(old)}")
    with open(path, "w", encoding="utf-8") as f:
        f.write(s.replace(old, new))


def main(argv):
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    drm = os.path.join(argv[1], "drivers/gpu/drm")
    (object_patch,) = glob.glob(os.path.join(ROOT, "kernel-glue/linux/patches/0002-*.patch"))
    with open(object_patch, encoding="utf-8") as f:
        patch = f.read()

    for src in ("kernel-glue/panicqr_glue.c", "kernel-glue/panicqr_glue.h", "include/panicqr.h"):
        shutil.copyfile(os.path.join(ROOT, src), os.path.join(drm, os.path.basename(src)))

    edit(
        os.path.join(drm, "Makefile"),
        "drm-$(CONFIG_DRM_PANIC_SCREEN_QR_CODE) += drm_panic_qr.o\n",
        "drm-$(CONFIG_DRM_PANIC_SCREEN_QR_CODE) += drm_panic_qr.o panicqr_glue.o\n",
    )

    # The QR screen, as the object series draws it.
    screen = added_block(
        patch, r"#if defined\(CONFIG_DRM_PANIC_QR_PANICQR\)", r"#elif defined"
    )[1:]
    c = os.path.join(drm, "drm_panic.c")
    with open(c, encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = lines.index("#if defined(CONFIG_DRM_PANIC_SCREEN_QR_CODE)")
    depth, end = 0, None
    for i in range(start, len(lines)):
        if lines[i].startswith("#if"):
            depth += 1
        elif lines[i].startswith("#endif"):
            depth -= 1
        elif lines[i].startswith(("#else", "#elif")) and depth == 1:
            end = i
            break
    if end is None:
        raise GenError("drm_panic.c: no #else after #if defined(CONFIG_DRM_PANIC_SCREEN_QR_CODE)")
    body = "\n".join(lines[start + 1 : end])
    if "zlib_deflate" not in body or "drm_panic_qr_generate" not in body:
        raise GenError("drm_panic.c: the QR screen is not where it was")
    lines[start + 1 : end] = screen
    text = "\n".join(lines)
    if "zlib" in text.replace("#include <linux/zlib.h>\n", ""):
        raise GenError("drm_panic.c still uses zlib outside the QR screen")
    with open(c, "w", encoding="utf-8") as f:
        f.write(text)
    edit(c, "#include <linux/zlib.h>\n", "")

    # Kconfig: no zlib; the dictionary option, under the QR screen.
    kconfig = os.path.join(drm, "Kconfig")
    edit(kconfig, "\tdepends on DRM_PANIC && RUST\n\tselect ZLIB_DEFLATE\n", "\tdepends on DRM_PANIC && RUST\n")
    option = added_block(patch, r"config DRM_PANIC_QR_PANICQR_DICTIONARY$")
    option = "\n".join(option).rstrip("\n").replace(
        "depends on DRM_PANIC_QR_PANICQR\n", "depends on DRM_PANIC_SCREEN_QR_CODE\n"
    )
    if "depends on DRM_PANIC_SCREEN_QR_CODE\n" not in option:
        raise GenError("the dictionary option no longer depends on DRM_PANIC_QR_PANICQR")
    edit(
        kconfig,
        "config DRM_PANIC_SCREEN_QR_CODE_URL\n",
        option + "\n\nconfig DRM_PANIC_SCREEN_QR_CODE_URL\n",
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except GenError as e:
        print(f"gen-kernel-rust-glue.py: {e}", file=sys.stderr)
        sys.exit(1)
