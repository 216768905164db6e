#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Worst-case stack use of functions in x86_64 ELF relocatable objects.

Reads the objects' sections, symbols and relocations, and their disassembly
(objdump), and bounds the stack of each root function: its frame plus the
deepest path through the functions it may call.

- A function is a FUNC symbol with a size in an executable section. A call
  or jump that carries a relocation goes to the symbol's address plus the
  addend plus the bytes from the relocated field to the instruction's end,
  and is resolved through the symbol table to the function starting there.
  After `ld -r`, calls to local functions are relocations against a section
  symbol (`.text+0x2f7c`) and resolve the same way; a call or jump without
  a relocation goes where its displacement says, in its own section. Calls
  to an undefined symbol go to the object that defines it, or to --extern.
  A jump out of a function is a tail call, an edge like a call.
- A function's frame is the deepest its stack gets, return address
  included, found by following its control flow from the entry: pushes and
  pops, `sub`/`add`/`lea` on %rsp, `and` alignment (up to the alignment less
  8 bytes), and %rsp restored from a register or a pushed slot that holds a
  stack address (`leave`, GCC's realigned frames). Every `ret` must find the
  stack back at the return address, and two paths must not meet at
  different depths.
- A function's deepest path is its frame plus the deepest path among the
  functions it calls or jumps to.
- Errors, for anything a root reaches: a call or jump that lands inside a
  function or outside every one, an undefined function that --extern does
  not give, a change of %rsp it cannot bound (`sub %rax,%rsp`), an indirect
  call or jump that --indirect does not bound (`call *%reg` right after the
  register was loaded with a function's address, as relax-got.py writes
  library calls, is a direct call), and recursion. With the kernel's flags,
  a jump to __x86_return_thunk is a `ret` and a call to
  __x86_indirect_thunk_<reg> an indirect call.

Usage: scripts/stack-usage.py [options] OBJECT...
       scripts/stack-usage.py --bounds JSON --measured FILE

  --root NAME         a root function (repeatable); default: the global
                      functions named panicqr_* and drm_panic_qr_*
  --max BYTES         fail when a root's deepest path exceeds BYTES
  --extern NAME=BYTES a function defined outside the objects and the deepest
                      stack it needs, return address included (an
                      assumption, printed)
  --indirect NAME=BYTES  the deepest stack the indirect calls in function
                      NAME need (an assumption, printed)
  --su FILE           gcc -fstack-usage output: the frame of every function
                      it names that a root reaches must equal gcc's figure
  --stack-sizes       the frame of every function a root reaches must equal
                      the objects' .stack_sizes figure (rustc
                      -Z emit-stack-sizes) plus the return address
  --json FILE         write the roots' paths, the frames and the edges
  --frames N          also print the N largest frames a root reaches

Prints a Markdown table of each root's deepest path, deepest first. The
second form compares stack use measured at run time (FILE: lines of
`function bytes`) with the bounds of an earlier --json, prints both side by
side, and fails when a measurement exceeds its bound.
"""
import json
import re
import struct
import subprocess
import sys

SHT_SYMTAB = 2
SHT_RELA = 4
SHF_EXECINSTR = 0x4
STT_FUNC = 2
STT_SECTION = 3
STB_LOCAL = 0
SHN_UNDEF = 0
R_X86_64_64 = 1
R_X86_64_PC32 = 2
R_X86_64_PLT32 = 4
R_X86_64_32S = 11
CALL_RELOCS = (R_X86_64_PC32, R_X86_64_PLT32)
RETURN_ADDRESS = 8
# The kernel's return thunk (a `jmp` to it is a `ret`) and retpolines (a call
# to one is an indirect call through the register it names).
RETURN_THUNK = "__x86_return_thunk"
INDIRECT_THUNK = ("__x86_indirect_thunk_", "__x86_indirect_call_thunk_")


class AnalysisError(Exception):
    pass


# ELF
class Section:
    def __init__(self, index, name, kind, flags, offset, size, link, info):
        self.index, self.name, self.kind, self.flags = index, name, kind, flags
        self.offset, self.size, self.link, self.info = offset, size, link, info


class Symbol:
    def __init__(self, name, bind, kind, shndx, value, size):
        self.name, self.bind, self.kind = name, bind, kind
        self.shndx, self.value, self.size = shndx, value, size


class Object:
    """The parts of an ELF64 little-endian relocatable object used here."""

    def __init__(self, path):
        self.path = path
        data = open(path, "rb").read()
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise AnalysisError(f"{path}: not a little-endian ELF64 object")
        if struct.unpack_from("<H", data, 0x12)[0] != 62:
            raise AnalysisError(f"{path}: not an x86_64 object")
        self.data = data
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        raw = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        names = raw[shstrndx]
        self.sections = []
        for i, h in enumerate(raw):
            name = self._string(names[4], h[0])
            self.sections.append(Section(i, name, h[1], h[2], h[4], h[5], h[6], h[7]))
        self.symbols = []
        for s in self.sections:
            if s.kind != SHT_SYMTAB:
                continue
            strtab = self.sections[s.link].offset
            for k in range(s.size // 24):
                name, info, _, shndx, value, size = struct.unpack_from("<IBBHQQ", data, s.offset + k * 24)
                self.symbols.append(Symbol(self._string(strtab, name), info >> 4, info & 0xF, shndx, value, size))
        # Relocations by the section they apply to: offset -> (type, symbol, addend).
        self.relocs = {}
        for s in self.sections:
            if s.kind != SHT_RELA:
                continue
            table = self.relocs.setdefault(s.info, {})
            for k in range(s.size // 24):
                offset, info, addend = struct.unpack_from("<QQq", data, s.offset + k * 24)
                table[offset] = (info & 0xFFFFFFFF, self.symbols[info >> 32], addend)

    def _string(self, table_offset, index):
        end = self.data.index(b"\0", table_offset + index)
        return self.data[table_offset + index:end].decode()

    def section_bytes(self, index):
        s = self.sections[index]
        return self.data[s.offset:s.offset + s.size]


# Disassembly
PREFIXES = {"addr32", "data16", "rep", "repz", "repe", "repnz", "repne", "lock", "notrack", "bnd",
            "cs", "ds", "ss", "es", "fs", "gs"}
SUFFIXED = {"callq": "call", "retq": "ret", "jmpq": "jmp", "pushq": "push", "popq": "pop",
            "pushfq": "pushf", "popfq": "popf", "leaveq": "leave", "subq": "sub", "addq": "add",
            "leaq": "lea", "movq": "mov", "andq": "and"}


class Insn:
    def __init__(self, address, op, args):
        self.address, self.op, self.args = address, op, args
        self.end = None  # the next instruction's address
        self.relocs = []  # (offset, type, symbol, addend) inside the instruction

    def text(self):
        return f"{self.op} {self.args}" if self.args else self.op


def split_operands(args):
    """AT&T operands, split on the commas outside parentheses."""
    out, depth, cur = [], 0, ""
    for ch in args:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def disassemble(obj):
    """Executable sections' instructions: {section index: [Insn, ...]}."""
    text = subprocess.run(["objdump", "-d", "-w", "--no-show-raw-insn", obj.path],
                          check=True, capture_output=True, text=True).stdout
    pending = [s for s in obj.sections if s.flags & SHF_EXECINSTR and s.size]
    out, current = {}, None
    for line in text.splitlines():
        header = re.match(r"^Disassembly of section (.+):$", line)
        if header:
            match = [s for s in pending if s.name == header.group(1)]
            if not match:
                raise AnalysisError(f"{obj.path}: objdump printed an unknown section {header.group(1)}")
            current = match[0]
            pending.remove(current)
            out[current.index] = []
            continue
        insn = re.match(r"^\s*([0-9a-f]+):\s+(.*?)\s*$", line)
        if not insn or current is None:
            continue
        words = insn.group(2).split("#")[0].split()
        while words and words[0] in PREFIXES:
            words = words[1:]
        if not words:
            continue
        op = SUFFIXED.get(words[0], words[0])
        out[current.index].append(Insn(int(insn.group(1), 16), op, " ".join(words[1:])))
    for index, insns in out.items():
        relocs = sorted(obj.relocs.get(index, {}).items())
        size = obj.sections[index].size
        k = 0
        for i, insn in enumerate(insns):
            insn.end = insns[i + 1].address if i + 1 < len(insns) else size
            while k < len(relocs) and relocs[k][0] < insn.address:
                k += 1
            while k < len(relocs) and relocs[k][0] < insn.end:
                offset, (kind, symbol, addend) = relocs[k]
                insn.relocs.append((offset, kind, symbol, addend))
                k += 1
    return out


# Names
DEMANGLED = {}


def demangle_all(names):
    """Demangles Rust (legacy and v0) and C++ names with c++filt, shortened
    for tables: no crate hashes, no `::h...` suffix, `<T>::f` as `T::f`."""
    names = [n for n in names if n not in DEMANGLED]
    if not names:
        return
    plain = [re.sub(r"\.llvm\.\d+$", "", n) for n in names]
    try:
        lines = subprocess.run(["c++filt"], input="\n".join(plain) + "\n", check=True,
                               capture_output=True, text=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        lines = plain
    for name, text in zip(names, lines):
        text = re.sub(r"\[[0-9a-f]+\]", "", text)
        text = re.sub(r"::h[0-9a-f]{16}$", "", text)
        text = re.sub(r"^<([^<>]*)>::", r"\1::", text)
        DEMANGLED[name] = text


# The analysis
class Function:
    def __init__(self, obj, section, symbol, name):
        self.obj, self.section, self.symbol, self.name = obj, section, symbol, name
        self.start, self.size = symbol.value, symbol.size
        self.frame = None
        self.callees = []  # names of functions, externs or pseudo-nodes
        self.error = None
        # The most bytes of stack arguments popped by an `add $N,%rsp`
        # right after a call: pushed for that call, outside the frame that
        # compilers report.
        self.arguments = 0


class Program:
    def __init__(self, paths, externs, indirect):
        self.objects = [Object(p) for p in paths]
        self.functions = {}  # name -> Function, or int for an extern's depth
        self.by_place = {}  # (object index, section, address) -> name
        self.externs = dict(externs)
        self.indirect = dict(indirect)
        self.assumed = {}  # pseudo-node name -> bytes
        globals_seen = {}
        for k, obj in enumerate(self.objects):
            places = {}
            for sym in obj.symbols:
                if sym.kind != STT_FUNC or sym.shndx == SHN_UNDEF or sym.shndx >= len(obj.sections):
                    continue
                if not obj.sections[sym.shndx].flags & SHF_EXECINSTR or not sym.size:
                    continue
                # Aliases: one function, named by its global symbol if any.
                key = (sym.shndx, sym.value)
                if key in places and (places[key].bind != STB_LOCAL or sym.bind == STB_LOCAL):
                    continue
                places[key] = sym
            for (shndx, value), sym in places.items():
                name = sym.name
                if sym.bind == STB_LOCAL:
                    if name in self.functions or any(
                            s.name == name and s is not sym for s in places.values()):
                        name = f"{name}@{obj.path}:{value:#x}"
                elif name in globals_seen:
                    raise AnalysisError(f"{name} is defined in {globals_seen[name]} and {obj.path}")
                else:
                    globals_seen[name] = obj.path
                self.functions[name] = Function(k, shndx, sym, name)
                self.by_place[(k, shndx, value)] = name
        for name in self.externs:
            if name in globals_seen:
                raise AnalysisError(f"--extern {name}, but the objects define it")
        self.code = [disassemble(obj) for obj in self.objects]
        demangle_all([n.partition("@")[0] for n in self.functions])
        for f in self.functions.values():
            try:
                self.analyse(f)
            except AnalysisError as e:
                f.error = str(e)

    def global_name(self, name):
        """A call to an undefined symbol: a global function of another object, or an extern."""
        if name in self.functions and "@" not in name:
            return name
        if name in self.externs:
            return name
        return None

    def target_of(self, f, insn):
        """Where a direct call or jump goes: (object, section, address) or an extern name."""
        relocs = [r for r in insn.relocs if r[1] in CALL_RELOCS]
        if len(insn.relocs) > 1 or (insn.relocs and not relocs):
            raise AnalysisError(f"{insn.address:#x}: unexpected relocation on `{insn.text()}`")
        if relocs:
            offset, _, symbol, addend = relocs[0]
            obj = self.objects[f.obj]
            if symbol.shndx == SHN_UNDEF:
                if addend != offset - insn.end:
                    raise AnalysisError(f"{insn.address:#x}: call to {symbol.name}{addend:+#x}")
                if symbol.name == RETURN_THUNK or symbol.name.startswith(INDIRECT_THUNK):
                    return symbol.name
                name = self.global_name(symbol.name)
                if name is None:
                    raise AnalysisError(f"{insn.address:#x}: call to undefined {symbol.name}"
                                        " (no object defines it and no --extern gives it)")
                return name
            if symbol.shndx >= len(obj.sections):
                raise AnalysisError(f"{insn.address:#x}: call relocation against {symbol.name}")
            base = 0 if symbol.kind == STT_SECTION else symbol.value
            return (f.obj, symbol.shndx, base + addend + (insn.end - offset))
        m = re.match(r"^([0-9a-f]+)(\s|$)", insn.args)
        if not m:
            raise AnalysisError(f"{insn.address:#x}: cannot read the target of `{insn.text()}`")
        return (f.obj, f.section, int(m.group(1), 16))

    def resolve(self, place, insn):
        """The function a call or tail jump enters."""
        if isinstance(place, str):
            return place
        name = self.by_place.get(place)
        if name is None:
            k, shndx, address = place
            inside = [g.name for g in self.functions.values()
                      if (g.obj, g.section) == (k, shndx) and g.start <= address < g.start + g.size]
            section = self.objects[k].sections[shndx].name
            where = f"inside {inside[0]}" if inside else "outside every function"
            raise AnalysisError(f"{insn.address:#x}: `{insn.op}` to {section}+{address:#x}, {where}")
        return name

    def loaded_register(self, f, insns, i, register, targets):
        """The function whose address `call *%reg` at insns[i] calls, when the
        register was loaded with it in the same straight run of code."""
        aliases = register_aliases(register)
        for k in range(i - 1, -1, -1):
            insn = insns[k]
            if insns[k + 1].address in targets:
                return None  # a jump lands between the load and the call
            if insn.op in ("call", "ret", "jmp") or insn.op.startswith("j"):
                return None
            operands = split_operands(insn.args)
            if not any(re.search(r"%(" + "|".join(aliases) + r")\b", o) for o in operands):
                if insn.op in IMPLICIT_WRITERS:
                    return None
                continue
            rip = re.match(r"^(-?0x[0-9a-f]+)\(%rip\)$", operands[0]) if insn.op == "lea" else None
            if rip and operands[-1] == "%" + register and not insn.relocs:
                # Resolved by the assembler, within the section.
                return self.by_place.get((f.obj, f.section, insn.end + int(rip.group(1), 16)))
            if insn.op in ("mov", "lea") and operands[-1] == "%" + register and len(insn.relocs) == 1:
                offset, kind, symbol, addend = insn.relocs[0]
                if insn.op == "mov" and kind == R_X86_64_32S and operands[0].startswith("$"):
                    extra = 0
                elif insn.op == "lea" and kind == R_X86_64_PC32 and "(%rip)" in operands[0]:
                    extra = insn.end - offset
                else:
                    return None
                if symbol.shndx == SHN_UNDEF:
                    return self.global_name(symbol.name)
                base = 0 if symbol.kind == STT_SECTION else symbol.value
                return self.by_place.get((f.obj, symbol.shndx, base + addend + extra))
            return None
        return None

    def analyse(self, f):
        """f's frame (the deepest its stack gets, return address included) and callees."""
        all_insns = self.code[f.obj].get(f.section, [])
        insns = [x for x in all_insns if f.start <= x.address < f.start + f.size]
        if not insns:
            raise AnalysisError("no instructions")
        index = {x.address: i for i, x in enumerate(insns)}
        targets = set()
        for insn in insns:
            if insn.op.startswith("j") and "*" not in insn.args and not insn.relocs:
                m = re.match(r"^([0-9a-f]+)", insn.args)
                if m:
                    targets.add(int(m.group(1), 16))
        callees = set()
        frame = RETURN_ADDRESS
        seen = {}  # instruction index -> the State it was reached with
        work = [(0, State(RETURN_ADDRESS, {}, {}))]
        while work:
            i, state = work.pop()
            while i < len(insns):
                old = seen.get(i)
                if old is not None:
                    if old.depth != state.depth:
                        raise AnalysisError(f"{insns[i].address:#x}: reached with {old.depth} and"
                                            f" {state.depth} bytes on the stack")
                    state = old.meet(state)
                    if state == old:
                        break
                seen[i] = state
                frame = max(frame, state.depth)
                insn = insns[i]
                op, args = insn.op, insn.args
                what = f"{insn.address:#x}: `{insn.text()}`"
                if op == "ret":
                    state.returns(what)
                    break
                if op in ("ud2", "int3", "hlt"):
                    break
                jump = op.startswith("j") or op in ("loop", "loope", "loopne")
                if op != "call" and not jump:
                    state = state.after(insn, split_operands(args))
                    i += 1
                    continue
                conditional = jump and op != "jmp"
                if "*" in args:
                    if op != "call" and (conditional or state.depth != RETURN_ADDRESS):
                        # Not a tail call: a jump table, whose targets are
                        # this function's own code.
                        raise AnalysisError(f"{what}: an indirect jump with {state.depth} bytes"
                                            " on the stack")
                    target = None
                    m = re.match(r"^\*%(\w+)$", args)
                    if m and op == "call":
                        target = self.loaded_register(f, insns, i, m.group(1), targets)
                    if target is None:
                        target = self.indirect_node(f, f"{insn.address:#x}: indirect `{insn.text()}`")
                    callees.add(target)
                    if op != "call":
                        break
                    state = state.after_call()
                    i += 1
                    continue
                place = self.target_of(f, insn)
                if place == RETURN_THUNK and op != "call":
                    # The kernel's `ret`, with return thunks.
                    state.returns(what)
                    if conditional:
                        i += 1
                        continue
                    break
                if isinstance(place, str) and place.startswith(INDIRECT_THUNK):
                    # The kernel's `call *%reg`, with retpolines.
                    callees.add(self.indirect_node(f, f"{insn.address:#x}: indirect call through {place}"))
                    if op != "call":
                        if conditional:
                            raise AnalysisError(what)
                        break
                    state = state.after_call()
                    i += 1
                    continue
                if op == "call":
                    callees.add(self.resolve(place, insn))
                    state = state.after_call()
                    i += 1
                    continue
                if isinstance(place, tuple) and place[:2] == (f.obj, f.section) and place[2] in index:
                    if conditional:
                        work.append((index[place[2]], state))
                        i += 1
                        continue
                    i = index[place[2]]
                    continue
                # A jump out of the function: a tail call.
                name = self.resolve(place, insn)
                if name == f.name:
                    raise AnalysisError(f"{what} jumps to its own start")
                callees.add(name)
                if not conditional:
                    break
                i += 1
        f.frame = frame
        f.callees = sorted(callees)
        for k, insn in enumerate(insns[:-1]):
            after = insns[k + 1]
            amount = immediate(split_operands(after.args)[0]) if after.op == "add" else None
            if insn.op == "call" and after.args.endswith(",%rsp") and amount is not None:
                f.arguments = max(f.arguments, amount)

    def indirect_node(self, f, what):
        """The callee of an indirect call: what --indirect assumes for f."""
        if f.name in self.indirect:
            node = f"(indirect call in {f.name})"
            self.assumed[node] = self.indirect[f.name]
            return node
        raise AnalysisError(what + " (no --indirect bounds it)")

    # The graph
    def deepest(self, roots):
        memo = {}

        def visit(name, path):
            if name in path:
                cycle = path[path.index(name):] + [name]
                raise AnalysisError("recursion: " + " -> ".join(short(n) for n in cycle))
            if name in memo:
                return memo[name]
            if name in self.assumed:
                memo[name] = (self.assumed[name], [name])
                return memo[name]
            if name in self.externs:
                memo[name] = (self.externs[name], [name])
                return memo[name]
            f = self.functions.get(name)
            if f is None:
                raise AnalysisError(f"no function {name}")
            if f.error:
                raise AnalysisError(f"{short(name)}: {f.error} (reached by "
                                    + " -> ".join(short(n) for n in path + [name]) + ")")
            best = (0, [])
            for callee in f.callees:
                below = visit(callee, path + [name])
                if below[0] > best[0]:
                    best = below
            memo[name] = (f.frame + best[0], [name] + best[1])
            return memo[name]

        return {root: visit(root, []) for root in roots}, memo


IMPLICIT_WRITERS = {"mul", "imul", "div", "idiv", "cqto", "cltq", "cltd", "cwtl", "cpuid", "rdtsc",
                    "rdtscp", "xchg", "cmpxchg", "xadd", "syscall", "movs", "movsb", "movsq",
                    "stos", "stosb", "stosq", "lods", "scas", "cmps", "xlat", "pop", "leave"}


def register_aliases(register):
    base = {"rax": "a", "rbx": "b", "rcx": "c", "rdx": "d"}
    if register in base:
        c = base[register]
        return [f"r{c}x", f"e{c}x", f"{c}x", f"{c}l", f"{c}h"]
    if register in ("rsi", "rdi", "rbp", "rsp"):
        r = register[1:]
        return [register, "e" + r, r, r + "l"]
    m = re.match(r"^r(\d+)$", register)
    if m:
        return [register, register + "d", register + "w", register + "b"]
    return [register]


def immediate(text):
    """An AT&T immediate, as a signed 64-bit number."""
    if not text.startswith("$"):
        return None
    value = int(text[1:], 16) if text[1:].startswith("0x") else int(text[1:])
    return value - (1 << 64) if value >= 1 << 63 else value


STACK_REGISTERS = ("%rsp", "%esp", "%sp", "%spl")
CALLER_SAVED = ("rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11")


def full_register(operand):
    """The 64-bit register an operand names (%eax -> rax), or None."""
    m = re.match(r"^%(\w+)$", operand)
    if not m:
        return None
    name = m.group(1)
    for full in ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp") + tuple(f"r{n}" for n in range(8, 16)):
        if name in register_aliases(full):
            return full
    return None


class State:
    """What is known at an instruction: the stack depth (bytes below the
    caller's %rsp, return address included; an upper bound after an `and`
    alignment), the registers that hold a stack address (reg -> its depth),
    and the pushed slots that hold one (depth after the push -> its depth).
    """

    def __init__(self, depth, known, slots):
        self.depth, self.known, self.slots = depth, dict(known), dict(slots)

    def __eq__(self, other):
        return (self.depth, self.known, self.slots) == (other.depth, other.known, other.slots)

    def meet(self, other):
        """What holds on both paths into an instruction."""
        known = {r: d for r, d in self.known.items() if other.known.get(r) == d}
        slots = {s: d for s, d in self.slots.items() if other.slots.get(s) == d}
        return State(self.depth, known, slots)

    def returns(self, what):
        if self.depth != RETURN_ADDRESS:
            raise AnalysisError(f"{what} with {self.depth} bytes on the stack")

    def after_call(self):
        known = {r: d for r, d in self.known.items() if r not in CALLER_SAVED}
        return State(self.depth, known, self.slots)

    def moved(self, depth):
        """%rsp moved to depth: the slots above it are gone."""
        slots = {s: d for s, d in self.slots.items() if s <= depth}
        return State(depth, self.known, slots)

    def after(self, insn, operands):
        """The state after an instruction that is not a call, jump or return."""
        op = insn.op
        what = f"{insn.address:#x}: `{insn.text()}`"
        known = dict(self.known)
        if op in ("push", "pushf"):
            slots = dict(self.slots)
            depth = self.depth + 8
            reg = full_register(operands[0]) if op == "push" else None
            if reg in known:
                slots[depth] = known[reg]
            else:
                slots.pop(depth, None)
            return State(depth, known, slots)
        if op in ("pop", "popf"):
            if op == "pop":
                reg = full_register(operands[0])
                if reg == "rsp" or reg is None and "%rsp" in insn.args:
                    raise AnalysisError(what + " changes %rsp by an amount it cannot bound")
                if self.depth in self.slots and reg is not None:
                    known[reg] = self.slots[self.depth]
                else:
                    known.pop(reg, None)
            return State(self.depth, known, self.slots).moved(self.depth - 8)
        if op == "leave":
            if "rbp" not in known:
                raise AnalysisError(what + " without a known frame pointer")
            restored = State(known["rbp"], known, self.slots).moved(known["rbp"])
            return restored.after(Insn(insn.address, "pop", "%rbp"), ["%rbp"])
        if op == "enter":
            raise AnalysisError(what + " is not supported")
        if operands and operands[-1] in STACK_REGISTERS:
            source = operands[0]
            amount = immediate(source)
            if op in ("sub", "add") and amount is not None:
                return self.moved(self.depth + amount if op == "sub" else self.depth - amount)
            if op == "and" and amount is not None and amount < 0:
                # Aligning down moves %rsp by at most the alignment less 8:
                # %rsp is a multiple of 8 on the way in.
                return self.moved(self.depth - amount - 8)
            m = re.match(r"^(-?0x[0-9a-f]+|-?\d+)?\(%(\w+)\)$", source) if op == "lea" else None
            base = m.group(2) if m else (full_register(source) if op == "mov" else None)
            offset = int(m.group(1), 0) if m and m.group(1) else 0
            if base == "rsp":
                return self.moved(self.depth - offset)
            if base in known:
                return self.moved(known[base] - offset)
            raise AnalysisError(what + " changes %rsp by an amount it cannot bound")
        if any(o in STACK_REGISTERS for o in operands) and op in ("xchg", "xadd", "cmpxchg"):
            raise AnalysisError(what + " changes %rsp by an amount it cannot bound")
        # Registers that now hold a stack address, or no longer do.
        written = set()
        if operands:
            written.add(full_register(operands[-1]))
        if op in ("xchg", "xadd", "cmpxchg"):
            written.update(full_register(o) for o in operands)
        if op in IMPLICIT_WRITERS or op.startswith(("rep", "stos", "movs", "lods", "scas", "cmps")):
            written.update(("rax", "rbx", "rcx", "rdx", "rsi", "rdi"))
        for reg in written:
            known.pop(reg, None)
        if len(operands) == 2 and full_register(operands[1]) is not None:
            dest = full_register(operands[1])
            if op == "mov" and operands[0] == "%rsp":
                known[dest] = self.depth
            elif op == "mov" and full_register(operands[0]) in self.known and operands[0].startswith("%r"):
                known[dest] = self.known[full_register(operands[0])]
            elif op == "lea" and operands[1].startswith("%r"):
                m = re.match(r"^(-?0x[0-9a-f]+|-?\d+)?\(%(\w+)\)$", operands[0])
                if m and (m.group(2) == "rsp" or m.group(2) in self.known):
                    at = self.depth if m.group(2) == "rsp" else self.known[m.group(2)]
                    known[dest] = at - (int(m.group(1), 0) if m.group(1) else 0)
        return State(self.depth, known, self.slots)


def short(name):
    base, _, where = name.partition("@")
    demangle_all([base])
    return DEMANGLED.get(base, base) + ("@" + where if where else "")


def read_su(path):
    """gcc -fstack-usage: {function: (bytes, qualifiers)}."""
    out = {}
    for line in open(path):
        where, size, qualifiers = line.rstrip("\n").split("\t")
        out[where.rsplit(":", 1)[1]] = (int(size), qualifiers)
    return out


def read_stack_sizes(program):
    """rustc -Z emit-stack-sizes: ({function: bytes}, the indices of the
    objects that have any), from the .stack_sizes sections (an address, by
    relocation, then a ULEB128)."""
    out, covered = {}, set()
    for k, obj in enumerate(program.objects):
        for s in obj.sections:
            if s.name != ".stack_sizes":
                continue
            covered.add(k)
            data = obj.section_bytes(s.index)
            relocs = obj.relocs.get(s.index, {})
            at = 0
            while at < len(data):
                kind, symbol, addend = relocs[at]
                if kind != R_X86_64_64:
                    raise AnalysisError(f".stack_sizes relocation of type {kind}")
                base = 0 if symbol.kind == STT_SECTION else symbol.value
                name = program.by_place.get((k, symbol.shndx, base + addend))
                at += 8
                size, shift = 0, 0
                while True:
                    byte = data[at]
                    at += 1
                    size |= (byte & 0x7F) << shift
                    shift += 7
                    if byte < 0x80:
                        break
                if name is not None:
                    out[name] = size
    return out, covered


def named_values(items, option):
    out = {}
    for item in items:
        m = re.match(r"^(.+)=(\d+)$", item)
        if not m:
            sys.exit(f"{option} wants NAME=BYTES, not {item}")
        out[m.group(1)] = int(m.group(2))
    return out


def parse_args(argv):
    opts = {"objects": [], "root": [], "extern": [], "indirect": [], "su": [], "max": None,
            "json": None, "frames": 0, "stack_sizes": False, "bounds": None, "measured": None}
    i = 0
    while i < len(argv):
        a = argv[i]
        key = a[2:].replace("-", "_")
        if a in ("--root", "--extern", "--indirect", "--su", "--max", "--json", "--frames",
                 "--bounds", "--measured"):
            if i + 1 >= len(argv):
                sys.exit(f"{a} wants a value")
            value = argv[i + 1]
            if key in ("max", "frames"):
                opts[key] = int(value)
            elif isinstance(opts[key], list):
                opts[key].append(value)
            else:
                opts[key] = value
            i += 2
        elif a == "--stack-sizes":
            opts["stack_sizes"] = True
            i += 1
        elif a.startswith("-"):
            sys.exit(__doc__)
        else:
            opts["objects"].append(a)
            i += 1
    if opts["bounds"] is None and not opts["objects"]:
        sys.exit(__doc__)
    if (opts["bounds"] is None) != (opts["measured"] is None):
        sys.exit("--bounds and --measured go together")
    return opts


def compare(bounds_path, measured_path):
    """Each measured stack against the static bound: a table, and failure
    when a measurement exceeds its bound or names no root."""
    roots = json.load(open(bounds_path))["roots"]
    measured = {}
    for line in open(measured_path):
        if line.strip():
            name, size = line.split()[:2]
            measured[name] = max(measured.get(name, 0), int(size))
    failures = []
    print("| function | static bound (bytes) | painted stack (bytes) |")
    print("|---|---|---|")
    for name in sorted(roots, key=lambda r: (-roots[r]["depth"], r)):
        bound = roots[name]["depth"]
        print(f"| `{name}` | {bound} | {measured.get(name, '-')} |")
        if measured.get(name, 0) > bound:
            failures.append(f"{name} used {measured[name]} bytes, above its static bound of {bound}")
    for name in measured:
        if name not in roots:
            failures.append(f"{name} was measured but has no static bound")
    if failures:
        sys.exit("stack-usage: " + "\nstack-usage: ".join(failures))


def main():
    opts = parse_args(sys.argv[1:])
    if opts["bounds"] is not None:
        compare(opts["bounds"], opts["measured"])
        return
    try:
        program = Program(opts["objects"], named_values(opts["extern"], "--extern"),
                          named_values(opts["indirect"], "--indirect"))
        roots = opts["root"] or sorted(
            n for n, f in program.functions.items()
            if "@" not in n and f.symbol.bind != STB_LOCAL and re.match(r"^(panicqr_|drm_panic_qr_)", n))
        if not roots:
            raise AnalysisError("no root function")
        for r in roots:
            if r not in program.functions:
                raise AnalysisError(f"no function {r} in the objects")
        result, memo = program.deepest(roots)
    except AnalysisError as e:
        sys.exit(f"stack-usage: {e}")

    failures = []
    reachable = [n for n in memo if n in program.functions]
    for su in opts["su"]:
        compared = 0
        for name, (size, qualifiers) in read_su(su).items():
            if name not in reachable:
                continue
            compared += 1
            if qualifiers not in ("static", "dynamic,bounded"):
                failures.append(f"{su}: {name} has a {qualifiers} frame")
            if program.functions[name].frame != size:
                failures.append(f"{name}: frame {program.functions[name].frame} bytes,"
                                f" gcc -fstack-usage says {size}")
        if not compared:
            failures.append(f"{su}: names no function the roots reach")
        print(f"{su}: {compared} frames compared", file=sys.stderr)
    if opts["stack_sizes"]:
        sizes, covered = read_stack_sizes(program)
        compared, differ = 0, []
        for name in reachable:
            f = program.functions[name]
            if f.obj not in covered:
                continue
            if name not in sizes:
                differ.append(f"{short(name)}: not in .stack_sizes")
                continue
            compared += 1
            # The compiler's figure leaves out the return address and the
            # arguments pushed for a call.
            if not sizes[name] + RETURN_ADDRESS <= f.frame <= sizes[name] + RETURN_ADDRESS + f.arguments:
                differ.append(f"{short(name)}: frame {f.frame} bytes, .stack_sizes says"
                              f" {sizes[name]} + {RETURN_ADDRESS} + up to {f.arguments} of arguments")
        if not covered:
            differ.append("--stack-sizes: the objects have no .stack_sizes section")
        print(f".stack_sizes: {compared - len(differ)} of {compared} frames agree", file=sys.stderr)
        failures += differ

    print("| function | deepest stack (bytes) | deepest path (frames in bytes) |")
    print("|---|---|---|")
    for root in sorted(roots, key=lambda r: (-result[r][0], r)):
        depth, path = result[root]
        steps = []
        for n in path:
            size = program.functions[n].frame if n in program.functions else memo[n][0]
            steps.append(f"{short(n)} {size}")
        print(f"| `{root}` | {depth} | " + " → ".join(steps) + " |")
    assumed = {**program.assumed, **{n: s for n, s in program.externs.items() if n in memo}}
    if assumed:
        print("\nAssumed (--extern, --indirect): " + ", ".join(
            f"{name} {size}" for name, size in sorted(assumed.items())) + ".")
    if opts["frames"]:
        print("\n| function | frame (bytes) |\n|---|---|")
        for name in sorted(reachable, key=lambda n: -program.functions[n].frame)[:opts["frames"]]:
            print(f"| `{short(name)}` | {program.functions[name].frame} |")

    if opts["json"]:
        with open(opts["json"], "w") as out:
            json.dump({
                "roots": {r: {"depth": result[r][0], "path": result[r][1]} for r in roots},
                "frames": {n: program.functions[n].frame for n in reachable},
                "callees": {n: program.functions[n].callees for n in reachable},
                "assumed": assumed,
            }, out, indent=1, sort_keys=True)
    worst = max(result[r][0] for r in roots)
    if opts["max"] is not None and worst > opts["max"]:
        failures.append(f"stack use {worst} bytes exceeds {opts['max']}")
    if failures:
        sys.exit("stack-usage: " + "\nstack-usage: ".join(failures))


if __name__ == "__main__":
    main()
