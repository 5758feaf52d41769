"""A Program as JSON: the dump format `program.schema.json` (shipped beside this module) describes.

Dumps let a Program be replayed outside the op that built it (`python -m emulator run`) and let the
builder compare a fresh build with the one on disk, so `loads(dumps(p))` must give back `p`.
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

from program.model import CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot
from program.tensors import AccessorArgs, BufferAddress, PageSize

SCHEMA_FILE = "program.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a Program dump, read from this package's data."""
    return json.loads(resources.files("program").joinpath(SCHEMA_FILE).read_text())


def dumps(p: Program) -> str:
    return json.dumps(to_dict(p), indent=2, sort_keys=False)


def loads(text: str) -> Program:
    return from_dict(json.loads(text))


def _ranges_to_list(ranges: list[CoreRange]) -> list[dict[str, list[int]]]:
    return [{"start": list(r.start), "end": list(r.end)} for r in ranges]


def _ranges_from_list(items: list[dict[str, list[int]]]) -> list[CoreRange]:
    return [CoreRange(tuple(i["start"]), tuple(i["end"])) for i in items]  # type: ignore[arg-type]


def _arg_to_json(arg: Any) -> Any:
    if isinstance(arg, AccessorArgs):
        return {"accessor_args": arg.tensor, **({"runtime_page_size": True} if arg.runtime_page_size else {})}
    if isinstance(arg, BufferAddress):
        return {"buffer_address": arg.tensor}
    if isinstance(arg, PageSize):
        return {"page_size": arg.tensor}
    return int(arg)


def _arg_from_json(item: Any) -> Any:
    if isinstance(item, dict):
        if "accessor_args" in item:
            return AccessorArgs(item["accessor_args"], bool(item.get("runtime_page_size", False)))
        if "page_size" in item:
            return PageSize(item["page_size"])
        return BufferAddress(item["buffer_address"])
    return int(item)


def to_dict(p: Program) -> dict[str, Any]:
    """The JSON-ready form program.schema.json describes; kernel sources are written as given."""
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
        "source": k.source,
        "core_ranges": _ranges_to_list(k.core_ranges),
        "compile_time_args": [_arg_to_json(a) for a in k.compile_time_args],
        "runtime_args": [
            {"core": list(core), "args": [_arg_to_json(a) for a in args]} for core, args in k.runtime_args.items()
        ],
        "common_runtime_args": [_arg_to_json(a) for a in k.common_runtime_args],
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


def from_dict(d: dict[str, Any]) -> Program:
    """The Program a dump describes (validate the dump against the schema first for precise errors)."""
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
        common_runtime_args=[_arg_from_json(a) for a in k.get("common_runtime_args", [])],
        defines=dict(k.get("defines", {})),
        compute_config=ComputeConfig(**cc) if cc is not None else None,
    )
