"""spec.json as a document a reviewer reads: API, tensors, parameters, CB table, kernels, work split.

Deterministic (no timestamps) so that re-rendering an unchanged spec gives the same bytes and
the same sha256, and the phases after it stay done.
"""
from __future__ import annotations

from typing import Any, Iterable


def _cell(value: Any) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: Iterable[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def render(spec: dict[str, Any]) -> str:
    op = spec["op"]
    lines = [f"# {op}", "", f"<!-- rendered by `builder advance --phase spec` from spec.json; edit spec.json, "
             "not this file -->", "", spec["summary"], ""]
    lines += _api(spec) + _tensors(spec) + _parameters(spec) + _cbs(spec) + _kernels(spec)
    lines += _plans(spec)
    lines += ["## Work distribution", "", spec["work_distribution"], "", "## Compute pipeline", ""]
    lines += [f"{i}. {step}" for i, step in enumerate(spec["compute_pipeline"], start=1)] + [""]
    lines += _descriptor(spec)
    tests = spec["tests"]
    lines += ["## Tests", "", f"- file: `{tests['file']}`",
              f"- kernels gate: `pytest {tests['file']} {' '.join(tests['kernels_gate_pytest_args'])}`".rstrip(),
              "- tests gate: the whole file"]
    if tests.get("required"):
        lines.append("- required tests: " + ", ".join(f"`{name}`" for name in tests["required"]))
    lines.append("")
    return "\n".join(lines)


def _api(spec: dict[str, Any]) -> list[str]:
    api = spec["api"]
    return ["## API", "", "```python", f"from {api['module']} import {api['function']}", api["signature"], "```", ""]


def _tensors(spec: dict[str, Any]) -> list[str]:
    lines = ["## Inputs", ""]
    lines += _table(["name", "dtypes", "layout", "memory", "optional", "constraints"],
                    [[i["name"], i["dtypes"], i["layout"], i["memory"], "yes" if i["optional"] else "no",
                      "; ".join(i.get("constraints", [])) or "-"] for i in spec["inputs"]])
    lines += ["## Outputs", ""]
    lines += _table(["name", "dtype", "layout", "memory", "shape"],
                    [[o["name"], o["dtype"], o["layout"], o["memory"], o["shape"]] for o in spec["outputs"]])
    return lines


def _parameters(spec: dict[str, Any]) -> list[str]:
    if not spec["parameters"]:
        return ["## Parameters", "", "None.", ""]
    return ["## Parameters", ""] + _table(
        ["name", "type", "default", "constraints"],
        [[p["name"], p["type"], repr(p["default"]) if "default" in p else "(required)", p.get("constraints", "-")]
         for p in spec["parameters"]])


def _cbs(spec: dict[str, Any]) -> list[str]:
    rows = []
    for cb in spec["circular_buffers"]:
        t = cb["traffic"]
        rows.append([cb["index"], cb["name"], cb["format"], cb["page"], cb["pages"],
                     f"{cb['producer']} -> {cb['consumer']}", t["per_core"], t["per_tile_row"], t["chunk"],
                     cb.get("condition", "always"), cb["purpose"]])
    return ["## Circular buffers", "",
            "Traffic is in pages: `per core` once per core, `per tile-row` on every iteration of the kernels' "
            "loop, moved `chunk` pages per reserve/push and wait/pop.", ""] + _table(
        ["CB", "name", "format", "page", "pages", "producer -> consumer", "per core", "per tile-row", "chunk",
         "exists when", "purpose"], rows)


def _plans(spec: dict[str, Any]) -> list[str]:
    if "plans" not in spec:
        return []
    lines = ["## Plans", ""]
    for plan in spec["plans"]:
        lines += [f"### {plan['name']}", "", f"- chosen when: {plan['chosen_when']}",
                  f"- circular buffers: {', '.join(plan['circular_buffers'])}",
                  f"- L1 per core: {plan['l1_bytes_per_core']}", f"- DRAM traffic: {plan['dram_traffic']}"]
        lines += [f"- statistics: {plan['statistics']}"] if "statistics" in plan else []
        lines.append("")
    return lines


def _kernels(spec: dict[str, Any]) -> list[str]:
    lines = ["## Kernels", ""]
    for k in spec["kernels"]:
        lines += [f"### {k['name']} ({k['kind']})", "", f"- source: `{k['source']}`",
                  f"- loop count: `{k['loop_count_arg']}`", ""]
        rows = [["compile-time", i, a["name"], a["description"]] for i, a in enumerate(k["compile_time_args"])]
        rows += [["runtime", i, a["name"], a["description"]] for i, a in enumerate(k["runtime_args"])]
        lines += _table(["kind", "index", "name", "meaning"], rows) if rows else ["No args.", ""]
    return lines


def _descriptor(spec: dict[str, Any]) -> list[str]:
    d = spec["descriptor"]
    lines = ["## Program descriptor", "", f"`{d['module']}.{d['function']}(**kwargs)`, representative cases:", ""]
    return lines + _table(["case", "kwargs"], [[c["name"], ", ".join(f"{k}={v!r}" for k, v in c["kwargs"].items())]
                                               for c in d["representative_cases"]])
