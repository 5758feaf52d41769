"""A kernel's include closure, from the compiler's own dependency output (`g++ -MM`).

The compiler is the only reader that resolves includes exactly as the build does (include paths,
defines, `#if`s), so the builder asks it instead of scanning for `#include` lines. -MM leaves out
headers of the system's include folders; those are covered by the compiler's version.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from agents.core.paths import EMULATOR_API
from agents.core.runs import IncludeError

# As the emulator compiles kernels (emulator/build.py kernel_object): its API first, then the
# kernel's own folder, and the macro that tells a compute kernel from a dataflow one.
KIND_MACRO = {"compute": "EMU_COMPUTE_KERNEL"}
DATAFLOW_MACRO = "EMU_DATAFLOW_KERNEL"
TIMEOUT_S = 120


def includes(cxx: str, source: Path, kind: str, defines: dict[str, str]) -> list[Path]:
    """Every file `source` includes, transitively, resolved; the source itself excluded."""
    macro = KIND_MACRO.get(kind, DATAFLOW_MACRO)
    cmd = [cxx, "-MM", "-std=c++17", f"-I{EMULATOR_API}", f"-I{source.parent}", f"-D{macro}=1",
           "-DKERNEL_COMPILE_TIME_ARGS=", *(f"-D{k}={v}" for k, v in sorted(defines.items())), str(source)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise IncludeError(f"cannot run {cxx} -MM on {source}: {e}") from None
    if proc.returncode != 0:
        raise IncludeError(f"{cxx} -MM {source} failed (exit {proc.returncode}): {proc.stderr.strip()[-1500:]}")
    return [p for p in _parse_make_rule(proc.stdout) if p != source.resolve()]


def _parse_make_rule(text: str) -> list[Path]:
    """The prerequisites of a make rule `target: a b \\\\ c`, with `\\ ` as an escaped space."""
    body = text.replace("\\\n", " ").split(":", 1)[-1]
    words = body.replace("\\ ", "\0").split()
    return [Path(w.replace("\0", " ")).resolve() for w in words]
