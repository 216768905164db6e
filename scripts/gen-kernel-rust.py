#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Turns core/src and ffi/src into the Rust source Linux builds in tree.

Usage: scripts/gen-kernel-rust.py OUT

Writes, below OUT (the root of a kernel tree, or an empty folder):

- drivers/gpu/drm/drm_panic_qr.rs: the crate root, in place of Linux's own
  encoder. Kbuild compiles it as it compiles the file it replaces
  (`drm-$(CONFIG_DRM_PANIC_SCREEN_QR_CODE) += drm_panic_qr.o`), with the
  kernel's flags: `-Zcrate-attr=no_std`, its lints, `--extern kernel`.
- drivers/gpu/drm/panicqr/: core's modules, as in core/src, and the C ABI
  in panicqr/ffi/, from ffi/src. The root names each folder with
  `#[path]`; rustc records every file it reads in the dependency file, so
  Kbuild rebuilds the object when any of them changes.

What changes on the way, and nothing else:

- items under a `#[cfg(...)]` that is false in the kernel are dropped: the
  unit tests (`test`, `doctest`, `miri`), the `std` and
  `embedded-graphics` features, `target_os = "linux"` (user space); so is
  ffi's `#[panic_handler]`, since the kernel crate has the kernel's;
- `#![no_std]` goes (Kbuild adds it), core's `#![forbid(unsafe_code)]`
  becomes an outer attribute of each of core's modules, so that only
  panicqr/ffi/ may hold unsafe code, as in the repository;
- in ffi, `panicqr::` (core, another crate there) becomes `crate::`, and
  `crate::` becomes `crate::ffi::`;
- `include_bytes!` becomes the byte string it reads (the preset
  dictionary), so that the series has no binary file.

Comments, `// SAFETY:` included, are kept as they are. Each file starts
with its SPDX line and says where it comes from.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPDX = "// SPDX-License-Identifier: MIT OR Apache-2.0\n"
GENERATOR = "scripts/gen-kernel-rust.py"

# What each cfg name or name-value pair is in the kernel build. A name not
# here (such as `doc`) is left to rustc, with its attribute.
CFG = {
    "test": False,
    "doctest": False,
    "miri": False,
    ("feature", "std"): False,
    ("feature", "embedded-graphics"): False,
    ("feature", "capi"): False,
    ("target_os", "linux"): False,
    ("target_os", "none"): True,
}


class GenError(Exception):
    pass


# ---------------------------------------------------------------------------
# A lexer just good enough to find where an item ends: it skips comments,
# strings, raw strings, byte and char literals, and tells lifetimes apart.
# ---------------------------------------------------------------------------


def skip_literal(s, i):
    """If a comment or literal starts at s[i], returns the index after it."""
    if s.startswith("//", i):
        j = s.find("\n", i)
        return len(s) if j < 0 else j
    if s.startswith("/*", i):
        depth, j = 1, i + 2
        while depth:
            if s.startswith("/*", j):
                depth, j = depth + 1, j + 2
            elif s.startswith("*/", j):
                depth, j = depth - 1, j + 2
            elif j >= len(s):
                raise GenError("unterminated block comment")
            else:
                j += 1
        return j
    m = re.compile(r'b?r(#*)"').match(s, i)
    if m and (i == 0 or not (s[i - 1].isalnum() or s[i - 1] == "_")):
        end = '"' + m.group(1)
        j = s.find(end, m.end())
        if j < 0:
            raise GenError("unterminated raw string")
        return j + len(end)
    if s[i] == '"' or s.startswith('b"', i) and (i == 0 or not s[i - 1].isalnum()):
        j = s.index('"', i) + 1
        while s[j] != '"':
            j += 2 if s[j] == "\\" else 1
        return j + 1
    if s[i] == "'":
        # A char literal ('x', '\n', '\u{..}'), else a lifetime or label.
        if s[i + 1] == "\\":
            return s.index("'", i + 3) + 1
        if i + 2 < len(s) and s[i + 2] == "'":
            return i + 3
        return i + 1
    return None


def item_end(s, i):
    """Returns the index just after the item that starts at s[i]."""
    depth = 0
    while i < len(s):
        j = skip_literal(s, i)
        if j is not None:
            i = j
            continue
        c = s[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0 and c == "}":
                k = i + 1
                while k < len(s) and s[k] in " \t":
                    k += 1
                return k + 1 if k < len(s) and s[k] == ";" else i + 1
        elif c == ";" and depth == 0:
            return i + 1
        i += 1
    raise GenError("item without end")


# ---------------------------------------------------------------------------
# cfg predicates
# ---------------------------------------------------------------------------


def eval_cfg(pred):
    """True, False, or None when the kernel's value is not known here."""
    pred = pred.strip()
    m = re.fullmatch(r"(all|any|not)\s*\((.*)\)", pred, re.S)
    if m:
        args, depth, cur = [], 0, ""
        for c in m.group(2):
            if c == "," and depth == 0:
                args.append(cur)
                cur = ""
                continue
            depth += c == "("
            depth -= c == ")"
            cur += c
        if cur.strip():
            args.append(cur)
        vals = [eval_cfg(a) for a in args]
        if m.group(1) == "not":
            return None if vals[0] is None else not vals[0]
        if m.group(1) == "all":
            if False in vals:
                return False
            return None if None in vals else True
        if True in vals:
            return True
        return None if None in vals else False
    m = re.fullmatch(r'(\w+)\s*=\s*"([^"]*)"', pred)
    if m:
        key = (m.group(1), m.group(2))
        if key in CFG:
            return CFG[key]
        if m.group(1) == "target_os":
            return False
        return None
    return CFG.get(pred)


# ---------------------------------------------------------------------------
# One source file
# ---------------------------------------------------------------------------

ATTR = re.compile(r"#\[")
OUTER_START = re.compile(r"(?m)^([ \t]*)#\[(cfg|panic_handler)\b")


def attr_end(s, i):
    """s[i] is '#' of an outer attribute: returns the index after its ']'."""
    depth = 0
    j = i + 1
    while True:
        k = skip_literal(s, j)
        if k is not None:
            j = k
            continue
        if s[j] == "[":
            depth += 1
        elif s[j] == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1


def item_start(s, i):
    """The start of the line block of doc comments and attributes above s[i]."""
    start = s.rfind("\n", 0, i) + 1
    while start > 0:
        prev = s.rfind("\n", 0, start - 1) + 1
        line = s[prev:start].strip()
        # Doc comments, attributes and plain comments belong to the item.
        if line.startswith("#[") or line.startswith("//") and not line.startswith("//!"):
            start = prev
        else:
            break
    return start


def strip_cfg(s, path):
    """Drops the items whose cfg is false, and the cfg attribute of those
    whose cfg is true."""
    pos = 0
    while True:
        m = OUTER_START.search(s, pos)
        if not m:
            return s
        a = m.start() + len(m.group(1))
        b = attr_end(s, a)
        if m.group(2) == "panic_handler":
            value = False
        else:
            inner = s[a:b]
            value = eval_cfg(inner[len("#[cfg("):-2])
        if value is None:
            pos = b
            continue
        if value:
            # Always compiled in the kernel: the attribute only.
            nl = b + 1 if s[b : b + 1] == "\n" else b
            s = s[: m.start()] + s[nl:]
            pos = m.start()
            continue
        # Skip the item's other attributes after this one.
        j = b
        while True:
            while j < len(s) and s[j] in " \t\n":
                j += 1
            if s.startswith("#[", j):
                j = attr_end(s, j)
            else:
                break
        end = item_end(s, j)
        start = item_start(s, m.start())
        if s[end : end + 1] == "\n":
            end += 1
        # One blank line where the item was, none at the end of the file.
        s = s[:start] + s[end:]
        s = re.sub(r"\n{3,}", "\n\n", s)
        pos = start
        if not s.endswith("\n"):
            s += "\n"


def drop_empty_banners(s):
    """Drops a `/*---- ... ----*/` banner left with nothing under it."""
    return re.sub(r"(?m)^/\*----[^\n]*----\*/\n\s*(?=/\*----|\Z)", "", s)


# The longest source line of a byte string, within checkpatch's 100 columns.
BYTE_STRING_COLUMNS = 96


def byte_string(data):
    """A Rust byte string literal of `data`: one source line per line of
    the data, a long one split over several (each piece ends in `\\`,
    which also skips the next piece's leading whitespace, so a piece that
    starts with a space or tab escapes it)."""
    out = ['b"\\\n']
    for line in data.split(b"\n"):
        tokens = []
        for c in line:
            ch = chr(c)
            if ch == "\\" or ch == '"':
                tokens.append("\\" + ch)
            elif 32 <= c < 127:
                tokens.append(ch)
            else:
                tokens.append("\\x%02x" % c)
        pieces, text = [], ""
        for token in tokens:
            if text and len(text) + len(token) > BYTE_STRING_COLUMNS - len("\\n\\"):
                pieces.append(text)
                text = ""
            if not text and token == " ":
                token = "\\x%02x" % ord(token)
            text += token
        pieces.append(text)
        out.extend(piece + "\\\n" for piece in pieces[:-1])
        out.append(pieces[-1] + "\\n\\\n")
    # The last piece has no newline after it in the data.
    out[-1] = out[-1][: -len("\\n\\\n")] + '"'
    return "".join(out)


def inline_bytes(s, src_dir):
    def repl(m):
        with open(os.path.join(src_dir, m.group(1)), "rb") as f:
            return byte_string(f.read())

    return re.sub(r'include_bytes!\("([^"]+)"\)', repl, s)


def transform(src, rel, ffi):
    with open(src, encoding="utf-8") as f:
        s = f.read()
    s = drop_empty_banners(strip_cfg(s, src)).rstrip("\n") + "\n"
    s = inline_bytes(s, os.path.dirname(src))
    s = re.sub(r"(?m)^#!\[no_std\]\n", "", s)
    if ffi:
        s = re.sub(r"\bcrate::", "crate::ffi::", s)
        s = re.sub(r"\bpanicqr::", "crate::", s)
    if re.search(r"(?m)^\s*#\[cfg\((test|doctest)\)\]", s) or "extern crate std" in s:
        raise GenError(f"{rel}: test code left")
    head = SPDX + f"// Generated by {GENERATOR} from {rel}: do not edit.\n\n"
    return head + s


# ---------------------------------------------------------------------------
# The crate root
# ---------------------------------------------------------------------------


def module_path(src_dir, name, prefix):
    if os.path.exists(os.path.join(src_dir, name, "mod.rs")):
        return f"{prefix}/{name}/mod.rs"
    if os.path.exists(os.path.join(src_dir, name + ".rs")):
        return f"{prefix}/{name}.rs"
    raise GenError(f"no module {name} in {src_dir}")


def crate_root(core_lib):
    """core's lib.rs as the crate root, with #[path] on each module and
    the C ABI as the module `ffi`."""
    s = transform(core_lib, "core/src/lib.rs", ffi=False)
    if not re.search(r"(?m)^#!\[forbid\(unsafe_code\)\]\n", s):
        raise GenError("core/src/lib.rs has no #![forbid(unsafe_code)]")
    s = re.sub(r"(?m)^#!\[forbid\(unsafe_code\)\]\n", "", s)
    src_dir = os.path.dirname(core_lib)

    def repl(m):
        vis, name = m.group(1) or "", m.group(2)
        path = module_path(src_dir, name, "panicqr")
        return f'#[forbid(unsafe_code)]\n#[path = "{path}"]\n{vis}mod {name};'

    s, n = re.subn(r"(?m)^(pub )?mod (\w+);", repl, s)
    if n == 0:
        raise GenError("core/src/lib.rs declares no module")
    s = s.replace(
        "//! A QR code encoder for kernel panic screens.\n",
        "//! A QR code encoder for kernel panic screens: panicqr, with its C ABI,\n"
        "//! which `drm_panic.c` and `panicqr_glue.c` call.\n",
        1,
    )
    s = s.rstrip("\n") + "\n\n" + (
        "/// The C ABI: `drm_panic_qr_generate()` and `drm_panic_qr_max_data_size()`\n"
        "/// for `drm_panic.c`, and the `panicqr_*` functions of `panicqr.h` for\n"
        "/// `panicqr_glue.c`. The only module with unsafe code.\n"
        '#[path = "panicqr/ffi/mod.rs"]\n'
        "pub mod ffi;\n"
    )
    return s


def main(argv):
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    out = os.path.join(argv[1], "drivers/gpu/drm")
    files = {}
    files["drm_panic_qr.rs"] = crate_root(os.path.join(ROOT, "core/src/lib.rs"))
    for crate, dest in (("core", "panicqr"), ("ffi", "panicqr/ffi")):
        src_root = os.path.join(ROOT, crate, "src")
        for dirpath, _, names in os.walk(src_root):
            for name in sorted(names):
                if not name.endswith(".rs"):
                    continue
                src = os.path.join(dirpath, name)
                rel = os.path.relpath(src, src_root)
                if crate == "core" and rel == "lib.rs":
                    continue
                if crate == "ffi" and rel == "tests.rs":
                    continue
                if crate == "core" and rel == "screen/graphics.rs":
                    # The embedded-graphics feature, off in the kernel.
                    continue
                target = "mod.rs" if rel == "lib.rs" else rel
                files[f"{dest}/{target}"] = transform(
                    src, f"{crate}/src/{rel}", ffi=crate == "ffi"
                )
    for rel, text in sorted(files.items()):
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(os.path.join("drivers/gpu/drm", rel))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except GenError as e:
        print(f"gen-kernel-rust.py: {e}", file=sys.stderr)
        sys.exit(1)
