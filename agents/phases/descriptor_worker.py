"""Builds an op's Programs in a child process: `python -m agents.phases.descriptor_worker REQUEST.json`.

The descriptor is the op author's code; importing it in a fresh interpreter means a stale module
cache, a crash or a stray global can never leak into the builder, and every run sees the files
as they are on disk. Prints one JSON object: {case name: {"program": dict} | {"error": text}}.
"""
from __future__ import annotations

import importlib
import json
import sys
import traceback
from pathlib import Path
from typing import Any

from agents.phases.shared import validate_structure


def build_all(root: str, module: str, function: str, cases: list[dict[str, Any]]) -> dict[str, Any]:
    sys.path.insert(0, root)
    try:
        build = getattr(importlib.import_module(module), function)
    except Exception as e:  # noqa: BLE001 - any import failure is the author's error to report
        return {c["name"]: {"error": f"cannot import {module}.{function}: {type(e).__name__}: {e}"} for c in cases}
    out: dict[str, Any] = {}
    for case in cases:
        try:
            program = build(**case["kwargs"])
            validate_structure(program)
            out[case["name"]] = {"program": program.to_dict()}
        except Exception as e:  # noqa: BLE001
            where = traceback.extract_tb(e.__traceback__)[-1]
            out[case["name"]] = {"error": f"{function}(**{case['kwargs']}) raised {type(e).__name__}: {e} "
                                          f"({Path(where.filename).name}:{where.lineno})"}
    return out


def main(argv: list[str]) -> int:
    request = json.loads(Path(argv[1]).read_text())
    print(json.dumps(build_all(request["root"], request["module"], request["function"], request["cases"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
