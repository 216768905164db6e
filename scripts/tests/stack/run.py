#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Checks scripts/stack-usage.py on crafted objects whose deepest paths are
known.

Each source in cases/ states its checks in its comments:

    check: ARGS => BYTES: ROOT > CALLEE > ...   the root's deepest path
    check: ARGS => su: ROOT > CALLEE > ...      the same, BYTES being the sum
                                                of gcc's -fstack-usage frames
    check: ARGS => error: TEXT                  the analysis fails, saying TEXT
    merged: a call relocation against the section .text

Assembly (.S) is assembled once; C (.c) is compiled at -O0 and at -O2 with
-fstack-usage (`{su}` in ARGS names the .su file). Every check runs on the
object as built and again after `ld -r -T scripts/merge.ld` has merged its
sections, as scripts/build-kernel-object.sh does; the `merged:` line asserts
that the merged object does call through a section symbol.

Usage: scripts/tests/stack/run.py
"""
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
SCRIPT = os.path.join(HERE, "..", "..", "stack-usage.py")
MERGE_LD = os.path.join(HERE, "..", "..", "merge.ld")


def load_analysis():
    spec = importlib.util.spec_from_file_location("stack_usage", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checks_of(source):
    checks, merged = [], False
    for line in open(source):
        m = re.search(r"check: (.*?) => (.*)$", line)
        if m:
            checks.append((m.group(1).split(), m.group(2).strip()))
        if "merged: a call relocation against the section .text" in line:
            merged = True
    return checks, merged


def read_su(path):
    out = {}
    for line in open(path):
        where, size, _ = line.rstrip("\n").split("\t")
        out[where.rsplit(":", 1)[1]] = int(size)
    return out


def calls_through_section(analysis, path):
    """Whether a call or jump in the object is relocated against the section
    symbol of .text."""
    obj = analysis.Object(path)
    for index, relocs in obj.relocs.items():
        if obj.sections[index].name != ".text":
            continue
        for kind, symbol, _ in relocs.values():
            if kind in analysis.CALL_RELOCS and symbol.kind == analysis.STT_SECTION \
                    and obj.sections[symbol.shndx].name == ".text":
                return True
    return False


def run_check(obj, su, args, expected, work):
    """Returns None when the check holds, or what went wrong."""
    out_json = os.path.join(work, "out.json")
    if os.path.exists(out_json):
        os.remove(out_json)
    args = [a.replace("{su}", su or "") for a in args]
    result = subprocess.run([sys.executable, SCRIPT, *args, obj, "--json", out_json],
                            capture_output=True, text=True)
    if expected.startswith("error: "):
        text = expected[len("error: "):]
        if result.returncode == 0:
            return f"passed, but the check wants the error: {text}"
        if text not in result.stderr:
            return f"failed with {result.stderr.strip()!r}, not {text!r}"
        return None
    if result.returncode != 0:
        return f"failed: {result.stderr.strip()}"
    m = re.match(r"^(\d+|su): (.+)$", expected)
    if not m:
        return f"cannot read the expectation {expected!r}"
    path = [p.strip() for p in m.group(2).split(">")]
    if m.group(1) == "su":
        frames = read_su(su)
        depth = sum(frames[p] for p in path)
    else:
        depth = int(m.group(1))
    root = json.load(open(out_json))["roots"][path[0]]
    if root["path"] != path or root["depth"] != depth:
        return (f"deepest path {root['depth']}: {' > '.join(root['path'])},"
                f" expected {depth}: {' > '.join(path)}")
    return None


def main():
    analysis = load_analysis()
    sources = sorted(f for f in os.listdir(CASES) if f.endswith((".S", ".c")))
    failures, passed = [], 0
    with tempfile.TemporaryDirectory() as work:
        for source in sources:
            checks, wants_section_call = checks_of(os.path.join(CASES, source))
            if not checks:
                failures.append(f"{source}: no check")
                continue
            base = os.path.splitext(source)[0]
            builds = []  # (label, object, .su file)
            if source.endswith(".S"):
                obj = os.path.join(work, base + ".o")
                subprocess.run(["cc", "-c", os.path.join(CASES, source), "-o", obj], check=True)
                builds.append((source, obj, None))
            else:
                for level in ("-O0", "-O2"):
                    obj = os.path.join(work, f"{base}{level}.o")
                    subprocess.run(["cc", level, "-fno-stack-protector", "-fstack-usage", "-c",
                                    os.path.join(CASES, source), "-o", obj], check=True)
                    builds.append((f"{source} {level}", obj, obj[:-2] + ".su"))
            for label, obj, su in list(builds):
                merged = obj[:-2] + "-merged.o"
                subprocess.run(["ld", "-r", "-T", MERGE_LD, "-o", merged, obj], check=True)
                builds.append((label + " merged", merged, su))
                if wants_section_call and not calls_through_section(analysis, merged):
                    failures.append(f"{label} merged: no call relocated against .text")
            for label, obj, su in builds:
                for args, expected in checks:
                    problem = run_check(obj, su, args, expected, work)
                    name = f"{label}: {' '.join(args)}"
                    if problem:
                        failures.append(f"{name}: {problem}")
                    else:
                        passed += 1
    for failure in failures:
        print("FAILED " + failure, file=sys.stderr)
    print(f"stack-usage checks: {passed} passed, {len(failures)} failed ({len(sources)} sources)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
