"""`builder new OP`: a fresh op folder whose spec.json already validates, plus a README of next steps.

The template describes the simplest op the phases can carry end to end (one input, one output,
a reader, a compute and a writer kernel streaming tiles), so a second op starts from something
that passes the spec phase and only needs its real content filled in.
"""
from __future__ import annotations

import json
from pathlib import Path
from string import Template
from typing import Any

from agents.core import schemas
from agents.spec_tools import rules as spec_rules
from agents.spec_tools.placeholders import MARKER
from agents.core.files import atomic_write_text
from agents.core.paths import OP_NAME_RULE, find_root, is_op_name

README_TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "README_template.md"


class NewOpError(ValueError):
    """`builder new` cannot create the op folder."""


def _args(*names: str) -> list[dict[str, str]]:
    return [{"name": n, "description": f"{MARKER}: what {n} means"} for n in names]


def spec_template(op: str, module_prefix: str) -> dict[str, Any]:
    """A minimal three-kernel spec for `op`; every TODO is a place to describe the real op."""
    cb = {"format": "input", "page": "tile", "pages": "2", "traffic": {"per_core": "0", "per_tile_row": "Wt",
                                                                        "chunk": "1"}}
    return {
        "op": op,
        "summary": f"{MARKER}: what {op} computes, on which tensors, in one paragraph.",
        "api": {"module": f"{module_prefix}.{op}", "function": op,
                "signature": f"{op}(input_tensor, device=None, memory_config=None)"},
        "inputs": [{"name": "input_tensor", "dtypes": ["bfloat16", "float32"], "layout": "ROW_MAJOR",
                    "memory": "DRAM_INTERLEAVED", "optional": False, "constraints": ["rank >= 2", "W % 32 == 0"]}],
        "outputs": [{"name": "output", "dtype": "same as input_tensor", "layout": "ROW_MAJOR",
                     "memory": "DRAM_INTERLEAVED", "shape": "same as input_tensor"}],
        "parameters": [],
        "descriptor": {"module": f"{module_prefix}.{op}.{op}_program_descriptor", "function": "build_program",
                       "representative_cases": [{"name": "bf16_1x1x32x32",
                                                 "kwargs": {"shape": [1, 1, 32, 32], "dtype": "bfloat16"}}]},
        "circular_buffers": [
            {"index": 0, "name": "cb_in", "purpose": f"{MARKER}: input tiles", "producer": "reader",
             "consumer": "compute", **cb},
            {"index": 16, "name": "cb_out", "purpose": f"{MARKER}: output tiles", "producer": "compute",
             "consumer": "writer", **cb},
        ],
        "kernels": [
            {"name": "reader", "kind": "reader", "source": f"kernels/{op}_reader.cpp",
             "compile_time_args": _args("cb_in", "input_accessor"),
             "runtime_args": _args("input_addr", "first_tile_row", "num_tile_rows", "Wt"),
             "loop_count_arg": "num_tile_rows"},
            {"name": "compute", "kind": "compute", "source": f"kernels/{op}_compute.cpp",
             "compile_time_args": _args("cb_in", "cb_out"), "runtime_args": _args("num_tile_rows", "Wt"),
             "loop_count_arg": "num_tile_rows"},
            {"name": "writer", "kind": "writer", "source": f"kernels/{op}_writer.cpp",
             "compile_time_args": _args("cb_out", "output_accessor"),
             "runtime_args": _args("output_addr", "first_tile_row", "num_tile_rows", "Wt"),
             "loop_count_arg": "num_tile_rows"},
        ],
        "work_distribution": f"{MARKER}: how tile-rows are split over cores.",
        "compute_pipeline": [f"{MARKER}: step 1", f"{MARKER}: step 2"],
        "tests": {"file": f"test_{op}.py", "kernels_gate_pytest_args": ["-m", "numeric"]},
    }


def module_prefix(folder: Path) -> str:
    """Dotted import path of the package that will hold the op folder, relative to its root."""
    root = find_root(folder)
    parts = folder.parent.relative_to(root).parts if folder.parent.is_relative_to(root) else ()
    if not parts or not all(p.isidentifier() for p in parts):
        raise NewOpError(f"{folder}: an op folder must sit in a package folder below the repository root "
                         f"{root} (for example operations/{folder.name})")
    return ".".join(parts)


def create(op: str, parent: Path) -> Path:
    """Create parent/op with spec.json and README.md; refuse to touch an existing folder."""
    if not is_op_name(op):
        raise NewOpError(f"OP {op!r}: expected {OP_NAME_RULE}")
    parent = parent.resolve()
    folder = parent / op
    if folder.exists():
        raise NewOpError(f"{folder} already exists; `builder new` never overwrites an op")
    prefix = module_prefix(folder)
    spec = spec_template(op, prefix)
    issues = schemas.validate(spec, "op_spec", "spec.json") + spec_rules.check(spec, "spec.json", op)
    if issues:
        raise NewOpError("the spec template does not validate (a builder bug): " + "; ".join(map(str, issues)))
    folder.mkdir(parents=True)
    atomic_write_text(folder / "spec.json", json.dumps(spec, indent=2) + "\n")
    readme = Template(README_TEMPLATE.read_text()).substitute(op=op, op_dir=f"{prefix.replace('.', '/')}/{op}",
                                                              prefix=prefix)
    atomic_write_text(folder / "README.md", readme)
    return folder
