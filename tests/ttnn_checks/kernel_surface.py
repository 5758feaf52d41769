"""Does our C++ surface exist in tt-metal 0.81? Checked against the ttnn wheel's own headers.

Two directions:
* kernels (the op's, the builder's stubs): every #include resolves in the wheel's include roots, and
  every kernel-API function they call is declared there with a parameter count that fits the call;
* the emulator: every function its API headers offer is declared in the wheel with a compatible
  parameter count, so nothing that runs on the emulator is missing on hardware.

A light parser, not a compiler: comments and directives are blanked, declarations are found by
`<type> name(` and `#define name(`, and parameters counted at the top nesting level, defaults
included (both branches of an #ifdef are checked). Good enough for these headers, and every failure
names the file, the line and what was expected.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EMULATOR_INCLUDE = REPO / "emulator" / "include"
KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "static_cast", "reinterpret_cast", "const_cast",
            "dynamic_cast", "static_assert", "decltype", "alignof", "defined", "catch", "noexcept", "operator",
            "__builtin_memcpy", "__builtin_LINE", "__asm__", "__attribute__"}
TYPE_WORDS = r"(?:void|bool|float|double|int|auto|u?int(?:8|16|32|64)_t|std::u?int(?:8|16|32|64)_t|std::size_t|size_t|" \
             r"DataFormat|uint64_t|[A-Z]\w*(?:<[^;{}()]*>)?)"
DECL = re.compile(r"(?:^|[\s;{}>])" + TYPE_WORDS + r"\s*[*&]?\s+(\w+)\s*\(", re.M)
CALL = re.compile(r"\b([A-Za-z_]\w*)\s*(?:<[^;{}()]*(?:\([^()]*\)[^;{}()]*)*>)?\s*\(")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
MACRO = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)", re.M)
LOCAL_CALLABLE = re.compile(r"\b(\w+)\s*=\s*\[|\bauto\s*&{0,2}\s*(\w+)\s*=")
C_LIBRARY = {"memcpy", "memset", "memmove"}  # newlib's, callable unqualified in device code
VARIADIC = 1 << 16


def wheel_roots(ttnn_dir: Path) -> list[Path]:
    """Include roots tt-metal's kernel JIT build passes, inside the installed ttnn package."""
    return [ttnn_dir / "tt_metal" / "hw" / "inc", ttnn_dir / "tt_metal", ttnn_dir / "ttnn" / "cpp", ttnn_dir,
            ttnn_dir / "tt_metal" / "include", ttnn_dir / "tt_metal" / "hostdevcommon" / "api"]


def strip_comments_only(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def strip_comments(text: str) -> str:
    """Comments and preprocessor directives blanked, line numbers kept. Directives must go: after
    `#ifdef FUSE_GAMMA` a call `cb_pop_front(...)` reads like a declaration of type FUSE_GAMMA."""
    return re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", lambda m: "\n" * m.group(0).count("\n"),
                  strip_comments_only(text), flags=re.M)


def params_in(text: str, open_paren: int) -> tuple[int, int, int]:
    """(parameters, of which defaulted, index after the closing paren) of the list opening at open_paren."""
    depth, count, defaults, has_content, i = 0, 0, 0, False, open_paren
    while i < len(text):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return (count + 1 if has_content else 0), defaults, i + 1
        elif depth == 1 and ch == ",":
            count += 1
        elif depth == 1 and ch == "=" and text[i + 1] != "=" and text[i - 1] not in "=!<>":
            defaults += 1
        if depth >= 1 and not ch.isspace() and not (depth == 1 and ch == "("):
            has_content = True
        i += 1
    return count, defaults, len(text)


@dataclass(frozen=True)
class Declaration:
    name: str
    low: int
    high: int
    where: str


def declarations_in(text: str, where: str) -> list[Declaration]:
    text = strip_comments(text)
    out = []
    for m in DECL.finditer(text):
        name = m.group(1)
        if name in KEYWORDS:
            continue
        n, defaults, _ = params_in(text, m.end() - 1)
        line = text.count("\n", 0, m.start(1)) + 1
        if n == 1 and re.match(r"\(\s*void\s*\)", text[m.end() - 1:m.end() + 8]):
            n = 0
        out.append(Declaration(name, n - defaults, n, f"{where}:{line}"))
    return out


def macros_in(text: str, where: str) -> list[Declaration]:
    """Function-like macros: tt-metal spells some kernel API this way (get_compile_time_arg_val)."""
    out = []
    for m in MACRO.finditer(text):
        params = [p.strip() for p in m.group(2).split(",") if p.strip()]
        variadic = bool(params) and params[-1].endswith("...")
        low = len(params) - variadic
        line = text.count("\n", 0, m.start(1)) + 1
        out.append(Declaration(m.group(1), low, VARIADIC if variadic else low, f"{where}:{line}"))
    return out


@lru_cache(maxsize=4)
def wheel_index(ttnn_dir: Path) -> dict[str, list[Declaration]]:
    """Every function and function-like macro the wheel's kernel-side headers declare, by name. The
    Wormhole LLK library is included: compute kernels reach it (ttnn's kernel_lib names its types, e.g.
    llk_defs.h's ReluConfig::none())."""
    index: dict[str, list[Declaration]] = {}
    for root in (ttnn_dir / "tt_metal" / "hw" / "inc", ttnn_dir / "ttnn" / "cpp" / "ttnn" / "kernel_lib",
                 ttnn_dir / "ttnn" / "cpp" / "ttnn" / "kernel",
                 ttnn_dir / "tt_metal" / "tt-llk" / "tt_llk_wormhole_b0" / "llk_lib"):
        for path in root.rglob("*"):
            if path.suffix in {".h", ".hpp", ".inl"} and path.is_file():
                rel, text = path.relative_to(ttnn_dir).as_posix(), path.read_text(errors="replace")
                for d in declarations_in(text, rel) + macros_in(strip_comments_only(text), rel):
                    index.setdefault(d.name, []).append(d)
    return index


@lru_cache(maxsize=4)
def wheel_types(ttnn_dir: Path) -> frozenset[str]:
    names: set[str] = set()
    pattern = re.compile(r"\b(?:class|struct|enum(?:\s+class)?|using)\s+(\w+)")
    for root in (ttnn_dir / "tt_metal" / "hw" / "inc", ttnn_dir / "ttnn" / "cpp" / "ttnn"):
        for path in root.rglob("*"):
            if path.suffix in {".h", ".hpp", ".inl"} and path.is_file():
                names.update(pattern.findall(path.read_text(errors="replace")))
    return frozenset(names)


def fits(decls: list[Declaration], count: int) -> bool:
    return any(d.low <= count <= d.high for d in decls)


def check_includes(source: Path, ttnn_dir: Path) -> list[str]:
    problems = []
    roots = wheel_roots(ttnn_dir) + [source.parent]
    text = source.read_text()
    for m in INCLUDE.finditer(text):
        if not any((root / m.group(1)).is_file() for root in roots):
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"{source}:{line}: #include \"{m.group(1)}\" does not resolve in the ttnn 0.81 wheel "
                            f"(roots: tt_metal/hw/inc, tt_metal, ttnn/cpp, the package root)")
    return problems


def own_names(text: str, source: Path) -> set[str]:
    """What the kernel defines itself: its functions, macros and local callables (lambdas, auto)."""
    names = {d.name for d in declarations_in(text, str(source))}
    names |= {d.name for d in macros_in(strip_comments_only(source.read_text()), str(source))}
    return names | {a or b for a, b in LOCAL_CALLABLE.findall(text)}


def is_outside_the_api(text: str, m: re.Match) -> bool:
    """Keywords, std:: calls, compiler builtins and the C library are no tt-metal API."""
    name = m.group(1)
    return (name in KEYWORDS or name in C_LIBRARY or name.startswith("__builtin")
            or text[:m.start(1)].rstrip().endswith("std::"))


def local_headers(source: Path) -> list[Path]:
    """Headers a kernel includes from beside it (transitively): tt-metal's JIT build puts the kernel's own
    folder on the include path, so these compile with the kernel on hardware too."""
    found: list[Path] = []
    pending = [source]
    while pending:
        current = pending.pop()
        for m in INCLUDE.finditer(current.read_text()):
            header = (current.parent / m.group(1)).resolve()
            if header.is_file() and header not in found:
                found.append(header)
                pending.append(header)
    return found


def check_kernel_calls(source: Path, ttnn_dir: Path) -> list[str]:
    """Every call names a function (or function-like macro) the wheel declares, with an arity it accepts;
    a type's name is a constructor call. Unknown names fail: that is the API tt-metal lacks. Headers the
    kernel includes from beside it are checked the same way, and what they define counts as the kernel's."""
    files = [source] + local_headers(source)
    texts = {f: strip_comments(f.read_text()) for f in files}
    own = set().union(*(own_names(text, f) for f, text in texts.items()))
    index, types = wheel_index(ttnn_dir), wheel_types(ttnn_dir)
    problems = []
    for f, text in texts.items():
        for m in CALL.finditer(text):
            name = m.group(1)
            if is_outside_the_api(text, m) or name in own:
                continue
            n, _, _ = params_in(text, m.end() - 1)
            line = text.count("\n", 0, m.start(1)) + 1
            decls = index.get(name, [])
            if not decls and name not in types:
                problems.append(f"{f}:{line}: calls {name}(), which tt-metal 0.81 does not declare "
                                f"(no function, function-like macro or type of that name in the wheel's kernel headers)")
            elif decls and not fits(decls, n):
                shapes = ", ".join(f"{d.low}..{d.high} at {d.where}" for d in decls[:4])
                problems.append(f"{f}:{line}: calls {name} with {n} arguments; tt-metal 0.81 declares {shapes}")
    return problems


@lru_cache(maxsize=1)
def emulator_declarations() -> tuple[Declaration, ...]:
    """Our API headers after the preprocessor (so macro-generated functions count), compute and dataflow,
    keeping only text that comes from the tt-metal-compatible trees (api/, ttnn/), not our internals."""
    found: list[Declaration] = []
    for kind, headers in (("EMU_COMPUTE_KERNEL", sorted((EMULATOR_INCLUDE / "api" / "compute").rglob("*.h"))),
                          ("EMU_DATAFLOW_KERNEL", sorted((EMULATOR_INCLUDE / "api" / "dataflow").rglob("*.h"))
                           + sorted((EMULATOR_INCLUDE / "ttnn").rglob("*.hpp")))):
        umbrella = "".join(f'#include "{h.relative_to(EMULATOR_INCLUDE).as_posix()}"\n' for h in headers)
        result = subprocess.run(["g++", "-std=c++17", "-E", f"-D{kind}=1", f"-I{EMULATOR_INCLUDE}", "-x", "c++", "-"],
                                input=umbrella, capture_output=True, text=True, check=True)
        found += [d for d in declarations_in(_public_text(result.stdout), f"emulator ({kind})")
                  if d.name not in HELPER_NAMES]
    return tuple(found)


def _public_text(preprocessed: str) -> str:
    """The preprocessed lines that came from emulator/include/api or emulator/include/ttnn."""
    public = (str(EMULATOR_INCLUDE / "api"), str(EMULATOR_INCLUDE / "ttnn"))
    keep, lines = False, []
    for line in preprocessed.splitlines():
        marker = re.match(r'# \d+ "([^"]+)"', line)
        if marker:
            keep = marker.group(1).startswith(public)
            lines.append("")
        else:
            lines.append(line if keep else "")
    return "\n".join(lines)


# Helpers inside our headers that are not part of the API (constexpr mappers of enums; the lookup behind
# get_named_compile_time_arg_val in api/compile_time_args.h and the deliberately undefined failures of
# forms the emulator lacks).
HELPER_NAMES = {"op", "dim", "pool", "check_row", "get_ct_arg", "named", "named_compile_time_arg_not_given",
                "sfpu_reduce_form_not_emulated"}


def check_emulator(ttnn_dir: Path) -> list[str]:
    index = wheel_index(ttnn_dir)
    problems = []
    seen: set[tuple[str, int, int]] = set()
    for d in emulator_declarations():
        if (d.name, d.low, d.high) in seen:
            continue
        seen.add((d.name, d.low, d.high))
        theirs = index.get(d.name)
        if not theirs:
            problems.append(f"the emulator offers {d.name}(), which tt-metal 0.81 does not declare")
        elif not any(t.low <= d.high and d.low <= t.high for t in theirs):
            shapes = ", ".join(f"{t.low}..{t.high} at {t.where}" for t in theirs[:4])
            problems.append(f"the emulator's {d.name} takes {d.low}..{d.high} arguments; tt-metal 0.81: {shapes}")
    return problems
