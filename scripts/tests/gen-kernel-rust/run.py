#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Checks scripts/gen-kernel-rust.py on crafted sources: which items the
kernel build drops, that the lexer finds their ends past braces in
literals and comments, the path rewriting of ffi, and the byte strings
(compiled by rustc and compared with their bytes).

Usage: scripts/tests/gen-kernel-rust/run.py
"""

import importlib.util
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
spec = importlib.util.spec_from_file_location(
    "gen", os.path.join(ROOT, "scripts/gen-kernel-rust.py")
)
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)

failures = 0


def strip(source):
    """What transform() keeps of `source`: strip_cfg, one newline at the end."""
    return gen.strip_cfg(source, "test").rstrip("\n") + "\n"


def check(name, got, want):
    global failures
    if got != want:
        failures += 1
        print(f"FAIL {name}:\n--- got\n{got}--- want\n{want}", file=sys.stderr)
    else:
        print(f"ok   {name}")


check(
    "a test module, its comments and attributes go",
    strip(
        "fn a() {}\n\n// The tests.\n#[cfg(test)]\n#[allow(x)]\nmod tests {\n"
        "    fn b() { let c = '}'; let s = \"}\"; /* } */ let r = r#\"}\"#; }\n}\n"
    ),
    "fn a() {}\n",
)
check(
    "a true cfg loses its attribute, an unknown one stays",
    strip(
        '#[cfg(all(not(test), not(feature = "std")))]\nfn a() {}\n'
        "#[cfg(doc)]\nuse b::c;\n"
    ),
    "fn a() {}\n#[cfg(doc)]\nuse b::c;\n",
)
check(
    "std, user space, the panic handler",
    strip(
        '#[cfg(any(test, feature = "std"))]\nextern crate std;\n'
        '#[cfg(all(target_os = "linux", not(test)))]\n'
        'core::arch::global_asm!(".weak x", "{p}", p = sym f);\n'
        "/// Doc.\n#[panic_handler]\nfn panic(_: &PanicInfo<'_>) -> ! {\n    loop {}\n}\n"
        "impl<'a> A<'a> {}\n"
    ),
    "impl<'a> A<'a> {}\n",
)
check(
    "a test-only impl with a const generic",
    strip(
        "struct T;\n\n#[cfg(test)]\nimpl<'a, const N: usize> T<'a, N> {\n"
        "    fn f(&self) -> [u8; 2] { [0; 2] }\n}\n"
    ),
    "struct T;\n",
)
check(
    "an empty banner goes",
    gen.drop_empty_banners("fn a() {}\n\n/*---- Linking ----*/\n\n"),
    "fn a() {}\n\n",
)

with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "lib.rs")
    with open(src, "w") as f:
        f.write("use panicqr::{a, b};\nuse crate::status::x;\nfn f() -> panicqr::Error {}\n")
    out = gen.transform(src, "ffi/src/lib.rs", ffi=True)
    check(
        "ffi's paths",
        out.split("\n\n", 1)[1],
        "use crate::{a, b};\nuse crate::ffi::status::x;\nfn f() -> crate::Error {}\n",
    )

    # Byte strings: rustc reads back exactly the bytes.
    # Long lines are split; pieces that start with a space keep it.
    data = b' leading space\n\ttab\n"quote" \\ back\x01\x7f\n\nend'
    for width in range(85, 100):
        data += b"\n" + b"x" * width + b"    y" + b" \x02" * 40 + b"\\" * 60
    literal = gen.byte_string(data)
    check(
        "byte string width",
        "".join(f"{line}\n" for line in literal.split("\n") if len(line) > 100),
        "",
    )
    prog = os.path.join(tmp, "bytes.rs")
    with open(prog, "w") as f:
        f.write(
            "fn main() {\n    let d: &[u8] = " + literal + ";\n"
            "    std::io::Write::write_all(&mut std::io::stdout(), d).unwrap();\n}\n"
        )
    exe = os.path.join(tmp, "bytes")
    subprocess.run(["rustc", "-o", exe, prog], check=True)
    got = subprocess.run([exe], check=True, capture_output=True).stdout
    check("byte string", repr(got) + "\n", repr(data) + "\n")

print(f"{failures} failed" if failures else "all passed")
sys.exit(1 if failures else 0)
