"""Compiling the runner and kernels with the host g++, cached on disk by content hash.

A kernel object depends on its source, every header of our API tree, its compile-time args,
defines, kind and compute config, and the emulator version; the cache key hashes exactly those,
so runtime args (buffer addresses, per-core work) never cause a recompile. The cache folder is an
argument of every call (no global state): each caller says where, and learns whether it compiled.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from emulator import settings
from emulator.errors import CompileError

PACKAGE = Path(__file__).resolve().parent
INCLUDE = PACKAGE / "include"
RUNTIME = PACKAGE / "runtime"
# The warning policy of tt-metal's kernel build: -Wall -Werror with a few relaxations. The language: tt-metal
# 0.81.1 compiles kernels as "-std=c++17 -ftt-nttp -ftt-constinit -ftt-consteval" (libtt_metal.so of the
# wheel), its compiler's C++17 plus class-type non-type template parameters, which ttnn's kernel_lib
# (eltwise/api/chain.hpp) relies on; on the host compiler that takes C++20, minus C++20's volatile
# deprecations, which that C++17 dialect does not have.
KERNEL_FLAGS = ["-std=c++20", "-Wno-volatile", "-O2", "-fPIC", "-shared", "-Wall", "-Werror",
                "-Wno-error=deprecated-declarations", "-Wno-error=multistatement-macros",
                "-Wno-error=parentheses", "-Wno-error=unused-but-set-variable", "-Wno-unused-variable",
                "-Wno-unused-function", "-fno-exceptions", "-fno-rtti"]
# -march=native: the runner's whole-tile loops vectorise to the host's widest units (the runner is built on
# the machine that runs it; host_cpu() keys the cache). -ffp-contract=off keeps every a * b + c two IEEE
# roundings, as the numeric rules are written, where the host has FMA.
RUNNER_FLAGS = ["-std=c++17", "-O3", "-march=native", "-ffp-contract=off", "-pthread", "-Wall", "-Werror"]
RUNNER_LINK_FLAGS = ["-pthread", "-rdynamic"]
# Runtime sources that run once per process (reading the plan, writing the report, the exit interposers):
# built at -O1, which halves their compile time and costs nothing measurable at run time. The rest is
# the data path and the scheduler, at RUNNER_FLAGS' -O3.
COLD_RUNTIME_SOURCES = frozenset({"json.cpp", "plan.cpp", "report.cpp", "exits.cpp"})
COLD_LEVEL = "-O1"


_LOCK = threading.Lock()


@dataclass(frozen=True)
class KernelBuild:
    """One kernel's shared object, and whether this call found it in the cache or compiled it."""

    path: Path
    cached: bool


def _ensure(cache_dir: Path) -> Path:
    cache_dir.mkdir(parents=True, exist_ok=True)
    return cache_dir


def _hash_tree(*roots: Path) -> str:
    h = hashlib.sha256()
    for root in roots:
        for f in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".h", ".hpp", ".cpp"}):
            h.update(f.relative_to(PACKAGE).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


_QUOTED_INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.MULTILINE)


def _hash_kernel_sources(source: Path) -> str:
    """The kernel's source and its own headers: every quoted include that resolves beside the file naming it
    or beside the kernel (as the compiler's -I of the kernel's folder finds it), followed transitively (a
    shared kernel library reached through "../../kernel_lib/x.h" included). Our API tree is covered by the
    emulator version, and headers it names are not the kernel's. Remembered per process while no file of the
    closure (source included) and none of their folders changes its size or modification time, so a warm
    launch stats a few paths instead of reading the source and resolving and reading every include."""
    known = _INCLUDE_HASHES.get(source)
    if known is not None and all(_stamp(f) == stamp for f, stamp in known[0]):
        return known[1]
    h = hashlib.sha256(source.read_bytes())
    seen: set[Path] = set()
    pending = [source]
    while pending:
        current = pending.pop(0)
        for name in _QUOTED_INCLUDE.findall(current.read_text(errors="replace")):
            for folder in (current.parent, source.parent):
                header = (folder / name).resolve()
                if header.is_file() and not header.is_relative_to(INCLUDE):
                    if header not in seen:
                        seen.add(header)
                        pending.append(header)
                        h.update(name.encode())
                        h.update(header.read_bytes())
                    break
    digest = h.hexdigest()
    files = {source, *seen}
    watched = files | {f.parent for f in files}  # a folder's stamp moves when a header appears in it
    _INCLUDE_HASHES[source] = ([(f, _stamp(f)) for f in watched], digest)
    return digest


# source -> ([(file, stamp) of the source and every header it reaches], the hash of the source and headers)
_INCLUDE_HASHES: dict[Path, tuple[list[tuple[Path, tuple[int, int, int]]], str]] = {}


def _stamp(path: Path) -> tuple[int, int, int]:
    """What tells a changed file here: modification time (ns), size and inode (an atomic replace makes a
    new one); (-1, -1, -1) for a missing one."""
    try:
        st = path.stat()
    except OSError:
        return (-1, -1, -1)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def host_cpu() -> str:
    """The host CPU's model and feature flags (Linux /proc/cpuinfo; empty elsewhere): what -march=native
    compiles for, so a cache folder shared between different machines never hands one another's runner."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""
    wanted = ("model name", "flags")
    return "\n".join(sorted({line for line in text.splitlines() if line.split(":")[0].strip() in wanted}))


@lru_cache(maxsize=1)
def emulator_version() -> str:
    """Changes whenever any runtime source or API header changes, the flags either is built with, or the
    host CPU that -march=native builds for."""
    flags = "\0".join([*RUNNER_FLAGS, COLD_LEVEL, *RUNNER_LINK_FLAGS, *KERNEL_FLAGS, host_cpu()])
    return hashlib.sha256((_hash_tree(INCLUDE, RUNTIME) + flags).encode()).hexdigest()


def _compile(cmd: list[str], output: Path, what: str) -> None:
    tmp = output.with_name(f"{output.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    result = subprocess.run(cmd + ["-o", str(tmp)], capture_output=True, text=True)
    if result.returncode != 0:
        tmp.unlink(missing_ok=True)
        errors = [line for line in result.stderr.splitlines() if "error" in line][:12]
        raise CompileError(f"{what} failed to compile with {cmd[0]}:\n" + "\n".join(errors or result.stderr.splitlines()[:20]),
                           {"stderr": result.stderr, "command": cmd})
    os.replace(tmp, output)


def runtime_flags(source: Path) -> list[str]:
    """The compile flags of one runtime source: RUNNER_FLAGS, at COLD_LEVEL for the cold sources."""
    if source.name in COLD_RUNTIME_SOURCES:
        return [COLD_LEVEL if flag == "-O3" else flag for flag in RUNNER_FLAGS]
    return list(RUNNER_FLAGS)


def compile_jobs() -> int:
    """How many compiler processes run at once: one per host core."""
    return max(1, os.cpu_count() or 1)


def runner_path(cache_dir: Path) -> Path:
    """The runner executable for this emulator version, built into `cache_dir` on first use: each
    runtime source to an object in parallel (compile_jobs), then one link."""
    path = _ensure(cache_dir) / f"runner-{emulator_version()[:16]}"
    with _LOCK:
        if not path.exists():
            _build_runner(path)
    return path


def _build_runner(path: Path) -> None:
    objects = path.with_name(f"{path.name}.objects.{os.getpid()}")
    objects.mkdir(exist_ok=True)
    try:
        sources = sorted(RUNTIME.glob("*.cpp"))
        jobs = [([settings.compiler(), *runtime_flags(src), f"-I{INCLUDE}", f"-I{RUNTIME}", "-c", str(src)],
                 objects / f"{src.stem}.o", f"the emulator runtime's {src.name}") for src in sources]
        with ThreadPoolExecutor(max_workers=compile_jobs()) as pool:
            list(pool.map(lambda job: _compile(*job), jobs))
        _compile([settings.compiler(), *RUNNER_LINK_FLAGS, *(str(o) for _, o, _ in jobs), "-ldl"], path,
                 "the emulator runner")
    finally:
        shutil.rmtree(objects, ignore_errors=True)


@dataclass(frozen=True)
class KernelJob:
    """One kernel build: its object's path in the cache (named by the build key) and how to make it."""

    path: Path
    command: tuple[str, ...]
    what: str


def kernel_job(cache_dir: Path, source: Path, kind: str, name: str, compile_time_args: list[int],
               defines: dict[str, str], compute_defines: dict[str, str],
               include_dirs: tuple[Path, ...] = ()) -> KernelJob:
    """The build of one kernel: its cache path and compile command (nothing is compiled here).

    `include_dirs` are searched before our API tree: kernels taken from the ttnn wheel (the conformance
    suite) find the wheel's ttnn helper headers there, so the production helper wins over ours at the same
    path. Nothing in such a directory may sit at our API paths (api/..., emu/...)."""
    ct = "".join(f"{int(a)}," for a in compile_time_args)
    macro = "EMU_COMPUTE_KERNEL" if kind == "compute" else "EMU_DATAFLOW_KERNEL"
    all_defines = {"KERNEL_COMPILE_TIME_ARGS": ct, macro: "1", **compute_defines, **defines}
    source_hash = _hash_kernel_sources(source)
    return _job(_ensure(cache_dir), source, source_hash, kind, name, tuple(all_defines.items()), tuple(include_dirs),
                settings.compiler())


@lru_cache(maxsize=4096)
def _job(cache_dir: Path, source: Path, source_hash: str, kind: str, name: str, defines: tuple[tuple[str, str], ...],
         include_dirs: tuple[Path | str, ...], compiler: str) -> KernelJob:
    """kernel_job's result, remembered per everything it is made of (the emulator version is fixed for the
    process, emulator_version's own cache): a warm launch neither hashes a key nor builds a command again."""
    key = hashlib.sha256()
    for part in (emulator_version(), source_hash, kind, repr(sorted(defines)), repr([str(d) for d in include_dirs])):
        key.update(part.encode())
        key.update(b"\0")
    path = cache_dir / f"kernel-{key.hexdigest()[:24]}.so"
    cmd = (compiler, *KERNEL_FLAGS, "-include", str(prelude_header(cache_dir, compiler)),
           *(f"-I{d}" for d in include_dirs), f"-I{INCLUDE}", f"-I{source.parent}",
           *(f"-D{k}={v}" for k, v in defines), str(source))
    return KernelJob(path, cmd, f"kernel '{name}' ({source})")


def build_kernel(job: KernelJob) -> KernelBuild:
    """The job's shared object, compiled unless cached."""
    if job.path.exists():
        return KernelBuild(job.path, cached=True)
    _ensure_prelude(job.path.parent)
    _compile(list(job.command), job.path, job.what)
    return KernelBuild(job.path, cached=False)


def kernel_object(cache_dir: Path, source: Path, kind: str, name: str, compile_time_args: list[int],
                  defines: dict[str, str], compute_defines: dict[str, str],
                  include_dirs: tuple[Path, ...] = ()) -> KernelBuild:
    """The shared object of one kernel build in `cache_dir`, compiled unless cached (kernel_job's
    arguments)."""
    return build_kernel(kernel_job(cache_dir, source, kind, name, compile_time_args, defines, compute_defines,
                                   include_dirs))


# --- the precompiled prelude --------------------------------------------------------------------------

PRELUDE = INCLUDE / "emu" / "kernel_prelude.h"
_PRELUDE_LOCK = threading.Lock()


def prelude_flags() -> list[str]:
    """The kernel flags a precompiled header is built with: GCC uses it only under the same ones."""
    return [flag for flag in KERNEL_FLAGS if flag != "-shared"]


def prelude_header(cache_dir: Path, compiler: str | None = None) -> Path:
    """Where the cache keeps its copy of emu/kernel_prelude.h for `compiler` (default settings.compiler()); the
    precompiled file sits beside it (`.gch`), where GCC looks for it when a kernel is compiled with `-include`
    of this path."""
    return cache_dir / f"prelude-{_prelude_key(compiler or settings.compiler())}" / PRELUDE.name


@lru_cache(maxsize=None)
def _prelude_key(compiler: str) -> str:
    """Per compiler, as emulator_version is per process: the prelude's text and flags do not change."""
    return hashlib.sha256("\0".join([compiler, *prelude_flags(), PRELUDE.read_text()]).encode()).hexdigest()[:16]


def _ensure_prelude(cache_dir: Path) -> None:
    """Copies the prelude into the cache and precompiles it, once per cache, compiler and flag set. Until
    the precompiled file exists, a kernel compiled meanwhile (another process) parses the header text."""
    header = prelude_header(cache_dir)
    with _PRELUDE_LOCK:
        if Path(f"{header}.gch").exists():
            return
        header.parent.mkdir(parents=True, exist_ok=True)
        tmp = header.with_name(f"{header.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(PRELUDE.read_text())
        os.replace(tmp, header)
        _compile([settings.compiler(), *prelude_flags(), "-x", "c++-header", str(header)], Path(f"{header}.gch"),
                 "the kernels' precompiled prelude (emu/kernel_prelude.h)")
