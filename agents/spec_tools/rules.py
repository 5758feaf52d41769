"""Rules of spec.json that a JSON Schema cannot state: names that must refer to each other.

The stubs are generated from the CB table and the kernel args, so every name an expression uses
must be an arg of the kernel that evaluates it, and every producer/consumer must be a kernel.
Errors come back as schema-style Issues (file, JSON pointer, rule) so they read the same way.
"""
from __future__ import annotations

from typing import Any

from agents.spec_tools.expressions import ExpressionError, parse_condition, parse_int
from agents.core.schemas import Issue

TRAFFIC_KEYS = ("per_core", "per_tile_row", "chunk")


def arg_names(kernel: dict[str, Any]) -> list[str]:
    """Compile-time then runtime arg names of a spec kernel."""
    return [a["name"] for a in kernel["compile_time_args"]] + [a["name"] for a in kernel["runtime_args"]]


def check(spec: dict[str, Any], file: str, op_name: str) -> list[Issue]:
    """Every cross-reference error of a schema-valid spec."""
    issues: list[Issue] = []
    if spec["op"] != op_name:
        issues.append(Issue(file, "/op", "op-name", f"op {spec['op']!r} differs from its folder name {op_name!r}"))
    issues += _unique(spec["circular_buffers"], "index", "/circular_buffers", file)
    issues += _unique(spec["circular_buffers"], "name", "/circular_buffers", file)
    issues += _unique(spec["kernels"], "name", "/kernels", file)
    issues += _unique(spec["kernels"], "source", "/kernels", file)
    issues += _unique(spec["descriptor"]["representative_cases"], "name", "/descriptor/representative_cases", file)
    kernels = {k["name"]: k for k in spec["kernels"]}
    for i, kernel in enumerate(spec["kernels"]):
        issues += _check_kernel(kernel, f"/kernels/{i}", file)
    for i, cb in enumerate(spec["circular_buffers"]):
        issues += _check_cb(cb, kernels, f"/circular_buffers/{i}", file)
    return issues


def _unique(items: list[dict[str, Any]], key: str, where: str, file: str) -> list[Issue]:
    seen: dict[Any, int] = {}
    out = []
    for i, item in enumerate(items):
        if item[key] in seen:
            out.append(Issue(file, f"{where}/{i}/{key}", "unique",
                             f"{key} {item[key]!r} already used at {where}/{seen[item[key]]}"))
        seen.setdefault(item[key], i)
    return out


def _check_kernel(kernel: dict[str, Any], where: str, file: str) -> list[Issue]:
    out = []
    names = arg_names(kernel)
    ct = len(kernel["compile_time_args"])
    seen: set[str] = set()
    for j, name in enumerate(names):
        pointer = f"{where}/compile_time_args/{j}/name" if j < ct else f"{where}/runtime_args/{j - ct}/name"
        if name in seen:
            out.append(Issue(file, pointer, "unique", f"kernel {kernel['name']!r} has two args named {name!r}"))
        seen.add(name)
    if kernel["loop_count_arg"] not in names:
        out.append(Issue(file, f"{where}/loop_count_arg", "arg-exists",
                         f"loop_count_arg {kernel['loop_count_arg']!r} is not an arg of kernel {kernel['name']!r} "
                         f"(args: {', '.join(names) or 'none'})"))
    return out


def _check_cb(cb: dict[str, Any], kernels: dict[str, dict[str, Any]], where: str, file: str) -> list[Issue]:
    out = []
    ends = []
    for role in ("producer", "consumer"):
        if cb[role] not in kernels:
            out.append(Issue(file, f"{where}/{role}", "kernel-exists",
                             f"{role} {cb[role]!r} is not a kernel of this spec ({', '.join(kernels)})"))
        else:
            ends.append(kernels[cb[role]])
    if out:
        return out
    both = set(arg_names(ends[0])) & set(arg_names(ends[1]))
    for key in TRAFFIC_KEYS:
        out += _check_expr(cb["traffic"][key], both, f"{where}/traffic/{key}", file,
                           f"both the producer {cb['producer']!r} and the consumer {cb['consumer']!r}")
    either = set(arg_names(ends[0])) | set(arg_names(ends[1]))
    out += _check_expr(cb["pages"], either, f"{where}/pages", file,
                       f"the producer {cb['producer']!r} or the consumer {cb['consumer']!r}")
    if "condition" in cb:
        try:
            parse_condition(cb["condition"])
        except ExpressionError as e:
            out.append(Issue(file, f"{where}/condition", "condition", str(e)))
    return out


def _check_expr(value: Any, allowed: set[str], pointer: str, file: str, whose: str) -> list[Issue]:
    try:
        expr = parse_int(value)
    except ExpressionError as e:
        return [Issue(file, pointer, "expression", str(e))]
    unknown = sorted(expr.names() - allowed)
    if unknown:
        return [Issue(file, pointer, "expression-names",
                      f"{', '.join(map(repr, unknown))} in {str(value)!r} must be an arg of {whose}")]
    return []
