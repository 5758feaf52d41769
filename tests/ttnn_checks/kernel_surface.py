"""Does our C++ surface exist in tt-metal 0.81? Checked against the ttnn wheel's own headers.

Two directions:
* kernels (the op's, the builder's stubs): every #include resolves in the wheel's include roots, and
  every kernel-API function they call is declared there with a parameter count that fits the call;
* the emulator: every function its API headers offer is declared in the wheel with a compatible
  parameter count, so nothing that runs on the emulator is missing on hardware.

A light parser, not a compiler: declarations are found by `<type> name(` at statement level and
parameters counted at the top nesting level, defaults included. Good enough for these headers, and
every failure names the file, the line and what was expected.
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


def wheel_roots(ttnn_dir: Path) -> list[Path]:
    """Include roots tt-metal's kernel JIT build passes, inside the installed ttnn package."""
    return [ttnn_dir / "tt_metal" / "hw" / "inc", ttnn_dir / "tt_metal", ttnn_dir / "ttnn" / "cpp", ttnn_dir,
            ttnn_dir / "tt_metal" / "include", ttnn_dir / "tt_metal" / "hostdevcommon" / "api"]


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


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


@lru_cache(maxsize=4)
def wheel_index(ttnn_dir: Path) -> dict[str, list[Declaration]]:
    index: dict[str, list[Declaration]] = {}
    for root in (ttnn_dir / "tt_metal" / "hw" / "inc", ttnn_dir / "ttnn" / "cpp" / "ttnn" / "kernel_lib",
                 ttnn_dir / "ttnn" / "cpp" / "ttnn" / "kernel"):
        for path in root.rglob("*"):
            if path.suffix in {".h", ".hpp", ".inl"} and path.is_file():
                rel = path.relative_to(ttnn_dir).as_posix()
                for d in declarations_in(path.read_text(errors="replace"), rel):
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


def emulator_api_names() -> set[str]:
    """Functions our API headers declare: what kernels may call as tt-metal API."""
    return {d.name for d in emulator_declarations()}


def check_kernel_calls(source: Path, ttnn_dir: Path) -> list[str]:
    text = strip_comments(source.read_text())
    own = {d.name for d in declarations_in(text, str(source))}
    index, types, api = wheel_index(ttnn_dir), wheel_types(ttnn_dir), emulator_api_names()
    problems = []
    for m in CALL.finditer(text):
        name = m.group(1)
        if name in KEYWORDS or name in own or (name not in api and name in types):
            continue
        if name not in api and name not in index:
            continue  # a local variable's type, a lambda, a member of our own code
        n, _, _ = params_in(text, m.end() - 1)
        line = text.count("\n", 0, m.start()) + 1
        decls = index.get(name, [])
        if not decls:
            problems.append(f"{source}:{line}: calls {name}(), which tt-metal 0.81 does not declare")
        elif not fits(decls, n):
            shapes = ", ".join(f"{d.low}..{d.high} at {d.where}" for d in decls[:4])
            problems.append(f"{source}:{line}: calls {name} with {n} arguments; tt-metal 0.81 declares {shapes}")
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


# Helpers inside our headers that are not part of the API (constexpr mappers of enums).
HELPER_NAMES = {"op", "dim", "pool", "check_row", "get_ct_arg"}


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
