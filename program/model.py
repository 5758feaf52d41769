"""The backend-neutral Program: what an op asks a device to run.

An op's program descriptor builds one `Program`; two consumers read it: `ttnn_backend.lowering`
turns it into a real `ttnn.ProgramDescriptor` for `ttnn.generic_op`, and the emulator executes it on
the host. Neither consumer knows which op produced it, so everything a kernel needs is spelled out
here: circular buffers, kernels with their arguments, and the io tensors (output last).

Tensor-dependent arguments stay symbolic (`program.tensors`) because each backend encodes them its
own way. The model never touches the filesystem: kernel sources are names, and whoever launches a
Program anchors relative names at their root (`anchor_sources`) before a backend reads them.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath
from typing import Any, Iterator

from program.hardware import DATA_FORMATS, NUM_CIRCULAR_BUFFERS
from program.tensors import AccessorArgs, BufferAddress, CompileTimeArg, PageSize, RuntimeArg

KERNEL_KINDS = ("reader", "writer", "compute")
MATH_FIDELITIES = ("LoFi", "HiFi2", "HiFi3", "HiFi4")
MAX_CB_INDEX = NUM_CIRCULAR_BUFFERS - 1
MAX_RUNTIME_ARGS = 341


@dataclass(frozen=True)
class CoreRange:
    """Inclusive rectangle of worker cores, (x, y) = (column, row) as in ttnn.CoreCoord."""

    start: tuple[int, int]
    end: tuple[int, int]

    def cores(self) -> Iterator[tuple[int, int]]:
        for y in range(self.start[1], self.end[1] + 1):
            for x in range(self.start[0], self.end[0] + 1):
                yield (x, y)


Corners = tuple[tuple[tuple[int, int], tuple[int, int]], ...]  # a core-range list as (start, end) pairs


def corners_of(ranges: list[CoreRange]) -> Corners:
    """A core-range list as a hashable key: its (start, end) pairs."""
    return tuple((tuple(r.start), tuple(r.end)) for r in ranges)


def cores_of(ranges: list[CoreRange]) -> list[tuple[int, int]]:
    """Every core in a list of ranges, row-major, each once."""
    return list(cores_of_corners(corners_of(ranges)))


@lru_cache(maxsize=1024)
def cores_of_corners(corners: Corners) -> tuple[tuple[int, int], ...]:
    """cores_of, remembered per range list (by corners): a Program's CBs and kernels mostly share one, and
    every validation and launch expands them again."""
    seen: dict[tuple[int, int], None] = {}
    for start, end in corners:
        for c in CoreRange(start, end).cores():
            seen.setdefault(c, None)
    return tuple(seen)


@dataclass
class CircularBuffer:
    index: int
    data_format: str
    page_size: int
    num_pages: int
    core_ranges: list[CoreRange]
    purpose: str = ""

    @property
    def total_size(self) -> int:
        return self.page_size * self.num_pages


@dataclass
class ComputeConfig:
    math_fidelity: str = "HiFi4"
    fp32_dest_acc_en: bool = True
    math_approx_mode: bool = False
    dst_full_sync_en: bool = False
    unpack_to_dest_fp32: list[int] = field(default_factory=list)


@dataclass
class Kernel:
    name: str
    kind: str
    source: str
    core_ranges: list[CoreRange]
    compile_time_args: list[CompileTimeArg] = field(default_factory=list)
    runtime_args: dict[tuple[int, int], list[RuntimeArg]] = field(default_factory=dict)
    common_runtime_args: list[RuntimeArg] = field(default_factory=list)  # the same on every core
    defines: dict[str, str] = field(default_factory=dict)
    compute_config: ComputeConfig | None = None


@dataclass
class TensorSlot:
    """One io tensor as the program sees it; the order of `Program.tensors` is generic_op's io order."""

    name: str
    shape: list[int]
    dtype: str
    role: str  # "input" or "output"
    layout: str = "ROW_MAJOR"


@dataclass
class Program:
    name: str
    cbs: list[CircularBuffer]
    kernels: list[Kernel]
    tensors: list[TensorSlot]

    def tensor_index(self, name: str) -> int:
        for i, t in enumerate(self.tensors):
            if t.name == name:
                return i
        raise KeyError(f"program {self.name!r} has no io tensor named {name!r}")

    def validate(self) -> None:
        """Raise ProgramError for anything either backend would reject or misrun."""
        _validate(self)

    # The JSON form lives in program/codec.py (which imports this module, hence the local imports).
    def to_dict(self) -> dict[str, Any]:
        from program import codec

        return codec.to_dict(self)

    def to_json(self) -> str:
        from program import codec

        return codec.dumps(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Program:
        from program import codec

        return codec.from_dict(data)

    @classmethod
    def from_json(cls, text: str) -> Program:
        from program import codec

        return codec.loads(text)


class ProgramError(ValueError):
    """A Program that cannot run as described."""


def _validate(p: Program) -> None:
    names = [t.name for t in p.tensors]
    if len(set(names)) != len(names):
        raise ProgramError(f"program {p.name!r}: io tensor names repeat: {names}")
    if not p.tensors or p.tensors[-1].role != "output":
        raise ProgramError(f"program {p.name!r}: the last io tensor must be the output (generic_op order)")
    for t in p.tensors:
        if t.dtype not in DATA_FORMATS:
            raise ProgramError(f"tensor {t.name!r}: dtype {t.dtype!r}, expected one of {DATA_FORMATS}")
    uses: dict[int, int] = {}
    for cb in p.cbs:
        uses[cb.index] = uses.get(cb.index, 0) + 1
    seen: dict[tuple[tuple[int, int], int], str] = {}
    for cb in p.cbs:
        if not 0 <= cb.index <= MAX_CB_INDEX:
            raise ProgramError(f"CB {cb.index}: index out of range 0..{MAX_CB_INDEX}")
        if cb.data_format not in DATA_FORMATS:
            raise ProgramError(f"CB {cb.index}: data_format {cb.data_format!r}, expected one of {DATA_FORMATS}")
        if cb.page_size <= 0 or cb.num_pages <= 0:
            raise ProgramError(f"CB {cb.index}: page_size {cb.page_size} and num_pages {cb.num_pages} must be > 0")
        if uses[cb.index] == 1:
            continue  # an index only one CB uses cannot be defined twice on a core
        for core in cores_of(cb.core_ranges):
            if (core, cb.index) in seen:
                raise ProgramError(f"CB {cb.index} is defined twice on core {core}")
            seen[(core, cb.index)] = cb.purpose
    for k in p.kernels:
        _validate_kernel(p, k)


def _validate_kernel(p: Program, k: Kernel) -> None:
    if k.kind not in KERNEL_KINDS:
        raise ProgramError(f"kernel {k.name!r}: kind {k.kind!r}, expected one of {KERNEL_KINDS}")
    if (k.kind == "compute") != (k.compute_config is not None):
        raise ProgramError(f"kernel {k.name!r}: a compute_config is required for compute kernels and only for them")
    if k.compute_config and k.compute_config.math_fidelity not in MATH_FIDELITIES:
        raise ProgramError(f"kernel {k.name!r}: math_fidelity {k.compute_config.math_fidelity!r}")
    if not k.source.strip():
        raise ProgramError(f"kernel {k.name!r}: source is empty, expected the path of its .cpp file")
    for arg in k.compile_time_args:
        if isinstance(arg, AccessorArgs):
            p.tensor_index(arg.tensor)
    _validate_runtime_cores(k)
    # every tensor a placeholder names must exist; each name checked once (every core names the same few)
    named = {arg.tensor for args in [*k.runtime_args.values(), k.common_runtime_args] for arg in args
             if type(arg) is not int and isinstance(arg, (BufferAddress, PageSize))}
    for name in sorted(named):
        p.tensor_index(name)


def _validate_runtime_cores(k: Kernel) -> None:
    """Runtime args only on the kernel's cores, at most MAX_RUNTIME_ARGS each: checked as whole sets first
    (a few C-level passes over every core's list), and core by core, in order, only to name the first
    offender."""
    cores = _core_set(corners_of(k.core_ranges))
    if cores.issuperset(k.runtime_args) and max(map(len, k.runtime_args.values()), default=0) <= MAX_RUNTIME_ARGS:
        return
    for core, args in k.runtime_args.items():
        if core not in cores:
            raise ProgramError(f"kernel {k.name!r}: runtime args for core {core} outside its core ranges")
        if len(args) > MAX_RUNTIME_ARGS:
            raise ProgramError(f"kernel {k.name!r}: {len(args)} runtime args on core {core}, max {MAX_RUNTIME_ARGS}")


@lru_cache(maxsize=1024)
def _core_set(corners: Corners) -> frozenset[tuple[int, int]]:
    return frozenset(cores_of_corners(corners))


def anchor_sources(program: Program, root: PurePath) -> Program:
    """A copy of `program` whose relative kernel sources are joined to `root`; absolute ones stay.

    Dumps name sources relative to the tree they came from, so a dump replays in any clone; the
    caller that knows that tree (the op launcher, the builder, the emulator CLI) anchors them here.
    Pure path arithmetic: nothing is read or checked on disk.
    """
    kernels = [k if PurePath(k.source).is_absolute() else dataclasses.replace(k, source=str(PurePath(root) / k.source))
               for k in program.kernels]
    return dataclasses.replace(program, kernels=kernels)
