"""The backend-neutral Program: what an op asks a device to run.

An op's program descriptor builds one `Program`; two consumers read it: `ttnn_backend.lowering`
turns it into a real `ttnn.ProgramDescriptor` for `ttnn.generic_op`, and the emulator executes it on
the host. Neither consumer knows which op produced it, so everything a kernel needs is spelled out
here: circular buffers, kernels with their arguments, and the io tensors (output last).

Tensor-dependent arguments stay symbolic (`AccessorArgs`, `BufferAddress`) because each backend
encodes them its own way (ttnn's `TensorAccessorArgs(t)`, the emulator's own buffer table).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Union

REPO_ROOT = Path(__file__).resolve().parent.parent

DATA_FORMATS = ("bfloat16", "float32")
ELEMENT_SIZE = {"bfloat16": 2, "float32": 4}
TILE_BYTES = {fmt: 32 * 32 * size for fmt, size in ELEMENT_SIZE.items()}
KERNEL_KINDS = ("reader", "writer", "compute")
MATH_FIDELITIES = ("LoFi", "HiFi2", "HiFi3", "HiFi4")
MAX_CB_INDEX = 31
MAX_RUNTIME_ARGS = 341


@dataclass(frozen=True)
class AccessorArgs:
    """Placeholder in a compile-time arg list for the named tensor's TensorAccessorArgs words."""

    tensor: str


@dataclass(frozen=True)
class BufferAddress:
    """Placeholder in a runtime arg list for the named tensor's buffer address."""

    tensor: str


CompileTimeArg = Union[int, AccessorArgs]
RuntimeArg = Union[int, BufferAddress]


@dataclass(frozen=True)
class CoreRange:
    """Inclusive rectangle of worker cores, (x, y) = (column, row) as in ttnn.CoreCoord."""

    start: tuple[int, int]
    end: tuple[int, int]

    def cores(self) -> Iterator[tuple[int, int]]:
        for y in range(self.start[1], self.end[1] + 1):
            for x in range(self.start[0], self.end[0] + 1):
                yield (x, y)


def cores_of(ranges: list[CoreRange]) -> list[tuple[int, int]]:
    """Every core in a list of ranges, row-major, each once."""
    seen: dict[tuple[int, int], None] = {}
    for r in ranges:
        for c in r.cores():
            seen.setdefault(c, None)
    return list(seen)


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
    common_runtime_args: list[int] = field(default_factory=list)
    defines: dict[str, str] = field(default_factory=dict)
    compute_config: ComputeConfig | None = None

    @property
    def source_path(self) -> Path:
        """Relative sources are relative to the repository root, so a dump replays in any clone."""
        path = Path(self.source)
        return path if path.is_absolute() else REPO_ROOT / path


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

    def to_dict(self) -> dict[str, Any]:
        return _program_to_dict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Program:
        return _program_from_dict(data)

    @classmethod
    def from_json(cls, text: str) -> Program:
        return cls.from_dict(json.loads(text))


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
    seen: dict[tuple[tuple[int, int], int], str] = {}
    for cb in p.cbs:
        if not 0 <= cb.index <= MAX_CB_INDEX:
            raise ProgramError(f"CB {cb.index}: index out of range 0..{MAX_CB_INDEX}")
        if cb.data_format not in DATA_FORMATS:
            raise ProgramError(f"CB {cb.index}: data_format {cb.data_format!r}, expected one of {DATA_FORMATS}")
        if cb.page_size <= 0 or cb.num_pages <= 0:
            raise ProgramError(f"CB {cb.index}: page_size {cb.page_size} and num_pages {cb.num_pages} must be > 0")
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
    if not k.source_path.is_file():
        raise ProgramError(f"kernel {k.name!r}: source {k.source_path} does not exist")
    for arg in k.compile_time_args:
        if isinstance(arg, AccessorArgs):
            p.tensor_index(arg.tensor)
    cores = set(cores_of(k.core_ranges))
    for core, args in k.runtime_args.items():
        if core not in cores:
            raise ProgramError(f"kernel {k.name!r}: runtime args for core {core} outside its core ranges")
        if len(args) > MAX_RUNTIME_ARGS:
            raise ProgramError(f"kernel {k.name!r}: {len(args)} runtime args on core {core}, max {MAX_RUNTIME_ARGS}")
        for arg in args:
            if isinstance(arg, BufferAddress):
                p.tensor_index(arg.tensor)


def _ranges_to_list(ranges: list[CoreRange]) -> list[dict[str, list[int]]]:
    return [{"start": list(r.start), "end": list(r.end)} for r in ranges]


def _ranges_from_list(items: list[dict[str, list[int]]]) -> list[CoreRange]:
    return [CoreRange(tuple(i["start"]), tuple(i["end"])) for i in items]  # type: ignore[arg-type]


def _arg_to_json(arg: Any) -> Any:
    if isinstance(arg, AccessorArgs):
        return {"accessor_args": arg.tensor}
    if isinstance(arg, BufferAddress):
        return {"buffer_address": arg.tensor}
    return int(arg)


def _arg_from_json(item: Any) -> Any:
    if isinstance(item, dict):
        if "accessor_args" in item:
            return AccessorArgs(item["accessor_args"])
        return BufferAddress(item["buffer_address"])
    return int(item)


def _source_for_json(source: str) -> str:
    path = Path(source)
    if path.is_absolute() and path.is_relative_to(REPO_ROOT):
        return path.relative_to(REPO_ROOT).as_posix()
    return source


def _program_to_dict(p: Program) -> dict[str, Any]:
    return {
        "name": p.name,
        "tensors": [
            {"name": t.name, "shape": list(t.shape), "dtype": t.dtype, "layout": t.layout, "role": t.role}
            for t in p.tensors
        ],
        "cbs": [
            {
                "index": cb.index,
                "data_format": cb.data_format,
                "page_size": cb.page_size,
                "num_pages": cb.num_pages,
                "core_ranges": _ranges_to_list(cb.core_ranges),
                "purpose": cb.purpose,
            }
            for cb in p.cbs
        ],
        "kernels": [_kernel_to_dict(k) for k in p.kernels],
    }


def _kernel_to_dict(k: Kernel) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": k.name,
        "kind": k.kind,
        "source": _source_for_json(k.source),
        "core_ranges": _ranges_to_list(k.core_ranges),
        "compile_time_args": [_arg_to_json(a) for a in k.compile_time_args],
        "runtime_args": [
            {"core": list(core), "args": [_arg_to_json(a) for a in args]} for core, args in k.runtime_args.items()
        ],
        "common_runtime_args": list(k.common_runtime_args),
        "defines": dict(k.defines),
    }
    if k.compute_config is not None:
        c = k.compute_config
        out["compute_config"] = {
            "math_fidelity": c.math_fidelity,
            "fp32_dest_acc_en": c.fp32_dest_acc_en,
            "math_approx_mode": c.math_approx_mode,
            "dst_full_sync_en": c.dst_full_sync_en,
            "unpack_to_dest_fp32": list(c.unpack_to_dest_fp32),
        }
    return out


def _program_from_dict(d: dict[str, Any]) -> Program:
    return Program(
        name=d["name"],
        tensors=[TensorSlot(t["name"], list(t["shape"]), t["dtype"], t["role"], t.get("layout", "ROW_MAJOR"))
                 for t in d["tensors"]],
        cbs=[
            CircularBuffer(cb["index"], cb["data_format"], cb["page_size"], cb["num_pages"],
                           _ranges_from_list(cb["core_ranges"]), cb.get("purpose", ""))
            for cb in d["cbs"]
        ],
        kernels=[_kernel_from_dict(k) for k in d["kernels"]],
    )


def _kernel_from_dict(k: dict[str, Any]) -> Kernel:
    cc = k.get("compute_config")
    return Kernel(
        name=k["name"],
        kind=k["kind"],
        source=k["source"],
        core_ranges=_ranges_from_list(k["core_ranges"]),
        compile_time_args=[_arg_from_json(a) for a in k.get("compile_time_args", [])],
        runtime_args={tuple(r["core"]): [_arg_from_json(a) for a in r["args"]]  # type: ignore[misc]
                      for r in k.get("runtime_args", [])},
        common_runtime_args=list(k.get("common_runtime_args", [])),
        defines=dict(k.get("defines", {})),
        compute_config=ComputeConfig(**cc) if cc is not None else None,
    )
