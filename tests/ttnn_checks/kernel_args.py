"""Do a kernel's argument reads match the argument lists the Program hands it? Read from its C++ source.

Kernels hard-code where things sit: `get_compile_time_arg_val(3)`, `TensorAccessorArgs<9>()`,
`get_arg_val<uint32_t>(4)`. On a device a wrong index reads a neighbour's value silently, and an
accessor placed at the wrong offset decodes another argument as its configuration. So, per kernel and
per Program (defines select #ifdef branches):

* each `TensorAccessorArgs<E>` starts where the Program's lowered compile-time args put that tensor's
  accessor words: E is evaluated from integer literals, named constants and
  `other.next_compile_time_args_offset()`, which on the device is `other`'s offset plus its own word
  count, the length of what the host's `TensorAccessorArgs(tensor).get_compile_time_args()` returned;
  the k-th accessor in the source is the k-th `AccessorArgs` in the Program;
* each literal `get_compile_time_arg_val(i)` lands on an integer arg, never inside accessor words;
* each literal `get_arg_val<T>(i)` is below every core's runtime-arg count, and each
  `get_common_arg_val<T>(i)` below the common runtime-arg count (reads of an empty list are errors).

A light reader, not a compiler: `#ifdef`, `#ifndef`, `#if` over `defined(X)` with `!`, `&&`, `||`,
`#else` and `#endif` are followed; any other conditional is refused by name, so nothing is silently
mis-read. A quoted `#include` that names a file next to the including one (an op's shared kernel body in
operations/kernel_lib, say) is read in its place, folded onto the include's line so line numbers stay the
kernel file's; includes found on the include path (the kernel API) are not ours to read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from program import AccessorArgs, Kernel, Program
from tests.ttnn_checks.kernel_surface import strip_comments_only

LOCAL_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"[ \t]*$')
CONDITIONAL = re.compile(r"^[ \t]*#[ \t]*(ifdef|ifndef|if|elif|else|endif|define)\b[ \t]*([^\n]*)$", re.M)
DEFINED = re.compile(r"\bdefined\s*(?:\(\s*(\w+)\s*\)|\s(\w+))")
BOOLEAN = re.compile(r"[\s()]*(?:(?:True|False|and|or|not)\b[\s()]*)+")
REPO = Path(__file__).resolve().parents[2]


def source_file(kernel: Kernel) -> Path:
    """The kernel's source on disk: descriptors name sources relative to the repository root."""
    return REPO / kernel.source
CONSTANT = re.compile(r"constexpr\s+(?:auto|(?:std::)?u?int(?:32|64)_t|(?:std::)?size_t|int|unsigned)\s+(\w+)\s*="
                      r"\s*([^;]+);")
ACCESSOR = re.compile(r"TensorAccessorArgs\s*<\s*([^<>,]+?)\s*(?:,[^<>]*)?>\s*\(\s*\)")
CT_READ = re.compile(r"\bget_compile_time_arg_val\s*\(\s*(\d+)\s*\)")
RT_READ = re.compile(r"\bget_arg_val\s*<[^<>]*>\s*\(\s*(\d+)\s*\)")
COMMON_READ = re.compile(r"\bget_common_arg_val\s*<[^<>]*>\s*\(\s*(\d+)\s*\)")
NEXT_OFFSET = re.compile(r"^(\w+)\s*\.\s*next_compile_time_args_offset\s*\(\s*\)$")


@dataclass
class Accessor:
    line: int
    expression: str
    name: str | None


@dataclass
class ArgReads:
    """What one kernel source, with one set of defines, reads (line numbers 1-based)."""

    path: Path
    accessors: list[Accessor] = field(default_factory=list)
    compile_time: list[tuple[int, int]] = field(default_factory=list)  # (line, index)
    runtime: list[tuple[int, int]] = field(default_factory=list)
    common: list[tuple[int, int]] = field(default_factory=list)
    events: list[tuple[int, str, Any]] = field(default_factory=list)  # source order: constants and accessors


def active_text(path: Path, defines: dict[str, str], _seen: frozenset[Path] = frozenset()) -> str:
    """The source with comments and the inactive branches of #ifdef-style conditionals blanked (lines kept);
    local quoted includes are read in place (each at most once along an include chain)."""
    text = strip_comments_only(path.read_text())
    defined = set(defines)
    lines = text.split("\n")
    stack: list[tuple[bool, bool]] = []  # (this branch active, some branch of this #if taken)
    out = []
    for number, line in enumerate(lines, 1):
        m = CONDITIONAL.match(line)
        parent = all(active for active, _ in stack)
        if not m:
            out.append(_included(path, line, defines, _seen) if parent else "")
            continue
        word, rest = m.group(1), m.group(2).strip()
        if word == "define":
            if parent:
                defined.add(re.match(r"\w+", rest).group(0))
        elif word in ("ifdef", "ifndef", "if"):
            taken = _condition(path, number, word, rest, defined)
            stack.append((taken, taken))
        elif word == "elif":
            raise ValueError(f"{path}:{number}: #elif is not followed by this reader; use #else / nested #if")
        elif word == "else":
            _, any_taken = _top(path, number, stack)
            stack[-1] = (not any_taken, True)
        else:
            _top(path, number, stack)
            stack.pop()
        out.append("")
    if stack:
        raise ValueError(f"{path}: {len(stack)} #if without #endif")
    return "\n".join(out)


def _included(path: Path, line: str, defines: dict[str, str], seen: frozenset[Path]) -> str:
    """`line` itself, or, for `#include "x"` naming a file beside `path`, that file's active text on one line."""
    m = LOCAL_INCLUDE.match(line)
    header = (path.parent / m.group(1)).resolve() if m else None
    if header is None or not header.is_file() or header in seen:
        return line
    return " ".join(active_text(header, defines, seen | {header}).split("\n"))


def _top(path: Path, number: int, stack: list[tuple[bool, bool]]) -> tuple[bool, bool]:
    if not stack:
        raise ValueError(f"{path}:{number}: #else or #endif without #if")
    return stack[-1]


def _condition(path: Path, number: int, word: str, rest: str, defined: set[str]) -> bool:
    if word == "ifdef":
        return rest.split()[0] in defined
    if word == "ifndef":
        return rest.split()[0] not in defined
    expression = DEFINED.sub(lambda m: f" {(m.group(1) or m.group(2)) in defined} ", rest)
    expression = expression.replace("&&", " and ").replace("||", " or ").replace("!", " not ")
    if not BOOLEAN.fullmatch(expression):
        raise ValueError(f"{path}:{number}: #if {rest}: only #ifdef, #ifndef and #if over defined(NAME) with "
                         f"!, && and || are followed")
    return bool(eval(expression, {"__builtins__": {}}))  # only True/False/and/or/not/parentheses, checked above


def read_args(path: Path, defines: dict[str, str]) -> ArgReads:
    text = active_text(path, defines)
    line_of = lambda pos: text.count("\n", 0, pos) + 1  # noqa: E731
    reads = ArgReads(path)
    events: list[tuple[int, str, Any]] = []
    for m in ACCESSOR.finditer(text):
        prefix = re.search(r"(\w+)\s*=\s*$", text[:m.start()][-200:])
        events.append((m.start(), "accessor", Accessor(line_of(m.start()), m.group(1), prefix and prefix.group(1))))
    for m in CONSTANT.finditer(text):
        if "TensorAccessorArgs" not in m.group(2):
            events.append((m.start(), "constant", (m.group(1), m.group(2).strip())))
    reads.events = sorted(events, key=lambda e: e[0])
    reads.accessors = [e[2] for e in reads.events if e[1] == "accessor"]
    reads.compile_time = [(line_of(m.start()), int(m.group(1))) for m in CT_READ.finditer(text)]
    reads.runtime = [(line_of(m.start()), int(m.group(1))) for m in RT_READ.finditer(text)]
    reads.common = [(line_of(m.start()), int(m.group(1))) for m in COMMON_READ.finditer(text)]
    return reads


@dataclass(frozen=True)
class Word:
    """One lowered compile-time arg: an integer, or word `index` of `tensor`'s accessor args."""

    tensor: str | None
    index: int = 0


def lowered_layout(program: Program, kernel: Kernel, words_of: Any) -> list[Word]:
    out: list[Word] = []
    for arg in kernel.compile_time_args:
        if isinstance(arg, AccessorArgs):
            # RuntimePageSize: the config word alone, on any host (0.81.1 tensor_accessor_args.h, NumArgsCT)
            count = 1 if arg.runtime_page_size else len(words_of(program.tensor_index(arg.tensor)))
            out += [Word(arg.tensor, j) for j in range(count)]
        else:
            out.append(Word(None))
    return out


def accessor_offsets(reads: ArgReads, lengths: list[int]) -> list[int | None]:
    """Each accessor's first compile-time arg as the device computes it; None where unknowable."""
    values: dict[str, int | None] = {}
    ends: dict[str, int | None] = {}
    offsets: list[int | None] = []

    def evaluate(expression: str) -> int | None:
        terms = [_term_value(t.strip(), values, ends) for t in expression.split("+")]
        return None if None in terms else sum(terms)  # type: ignore[arg-type]

    for _, kind, item in reads.events:
        if kind == "constant":
            values[item[0]] = evaluate(item[1])
            continue
        offset = evaluate(item.expression)
        k = len(offsets)
        offsets.append(offset)
        if item.name:
            ends[item.name] = None if offset is None or k >= len(lengths) else offset + lengths[k]
    return offsets


def _term_value(term: str, values: dict[str, int | None], ends: dict[str, int | None]) -> int | None:
    m = NEXT_OFFSET.match(term)
    if m:
        return ends.get(m.group(1))
    m = re.fullmatch(r"(\d+)[uU]?", term)
    if m:
        return int(m.group(1))
    return values.get(term)


def arg_mismatches(program: Program, kernel: Kernel, words_of: Any) -> list[str]:
    """Every argument read of `kernel`'s source that does not match `program`'s lists, with file and line.
    `words_of(io_index)` gives a tensor's accessor words (a resolver's accessor_args)."""
    reads = read_args(source_file(kernel), kernel.defines)
    layout = lowered_layout(program, kernel, words_of)
    src = source_file(kernel).name
    problems = _accessor_problems(src, reads, layout)
    for line, i in reads.compile_time:
        if i >= len(layout):
            problems.append(f"{src}:{line}: reads compile-time arg {i}; the Program passes {len(layout)}")
        elif layout[i].tensor is not None:
            problems.append(f"{src}:{line}: reads compile-time arg {i}, which is word {layout[i].index} of "
                            f"{layout[i].tensor!r}'s accessor args, not an integer arg")
    counts = [len(args) for args in kernel.runtime_args.values()] or [0]
    for line, i in reads.runtime:
        if i >= min(counts):
            problems.append(f"{src}:{line}: reads runtime arg {i}; some core gets only {min(counts)}")
    for line, i in reads.common:
        if i >= len(kernel.common_runtime_args):
            problems.append(f"{src}:{line}: reads common runtime arg {i}; the Program passes "
                            f"{len(kernel.common_runtime_args)}")
    return problems


def _accessor_problems(src: str, reads: ArgReads, layout: list[Word]) -> list[str]:
    starts = [(i, w.tensor) for i, w in enumerate(layout) if w.tensor is not None and w.index == 0]
    lengths = [sum(1 for w in layout[i:end] if w.tensor is not None)
               for (i, _), end in zip(starts, [s for s, _ in starts[1:]] + [len(layout)])]
    problems = []
    if len(reads.accessors) != len(starts):
        problems.append(f"{src}: declares {len(reads.accessors)} TensorAccessorArgs; the Program passes "
                        f"accessor args of {len(starts)} tensors ({[t for _, t in starts]})")
    for accessor, offset, (position, tensor) in zip(reads.accessors, accessor_offsets(reads, lengths), starts):
        integers = sum(1 for w in layout[:position] if w.tensor is None)
        if offset is None:
            problems.append(f"{src}:{accessor.line}: TensorAccessorArgs<{accessor.expression}>: offset not "
                            f"evaluable from literals, constants and next_compile_time_args_offset()")
        elif offset != position:
            problems.append(f"{src}:{accessor.line}: TensorAccessorArgs<{accessor.expression}> starts at "
                            f"compile-time arg {offset}; the Program puts {tensor!r}'s accessor words at "
                            f"{position} (after {integers} integer args)")
    return problems
