"""Does a Program built by the descriptor agree with the spec it claims to implement?

The stubs are generated from the spec but run with the Program's args, so the two must agree on
kernel names, CB indices and sizes, and arg positions; and the spec's traffic, evaluated on the
args each core really gets, must balance (what a producer pushes, its consumer pops) and respect
the CB capacities. Catching this here names the CB and the numbers; the emulator would only say
"deadlock" or "unbalanced".
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.spec_tools.expressions import ExpressionError, parse_condition, parse_int
from agents.spec_tools.rules import TRAFFIC_KEYS
from program import TILE_BYTES, cores_of


def kernel_env(spec_kernel: dict[str, Any], kernel: Any, core: tuple[int, int]) -> dict[str, int]:
    """Arg name -> integer value on `core` (placeholders for tensors have no integer value)."""
    env: dict[str, int] = {}
    for i, arg in enumerate(spec_kernel["compile_time_args"]):
        if i < len(kernel.compile_time_args) and isinstance(kernel.compile_time_args[i], int):
            env[arg["name"]] = int(kernel.compile_time_args[i])
    values = kernel.runtime_args.get(core, [])
    for i, arg in enumerate(spec_kernel["runtime_args"]):
        if i < len(values) and isinstance(values[i], int):
            env[arg["name"]] = int(values[i])
    return env


def check(spec: dict[str, Any], program: Any, op_dir: Path) -> list[str]:
    """Every disagreement between the spec and the Program, one sentence each."""
    problems = _check_kernels(spec, program, op_dir)
    if problems:
        return problems
    problems += _check_cbs(spec, program)
    if not problems:
        problems += _check_traffic(spec, program)
    return problems


def _check_kernels(spec: dict[str, Any], program: Any, op_dir: Path) -> list[str]:
    want = {k["name"]: k for k in spec["kernels"]}
    have = {k.name: k for k in program.kernels}
    problems = []
    if set(want) != set(have):
        return [f"kernel names differ: spec has {sorted(want)}, the Program has {sorted(have)}"]
    for name, sk in want.items():
        k = have[name]
        if k.kind != sk["kind"]:
            problems.append(f"kernel {name!r}: kind {k.kind!r} in the Program, {sk['kind']!r} in the spec")
        expected = (op_dir / sk["source"]).resolve()
        if Path(k.source).resolve() != expected:
            problems.append(f"kernel {name!r}: source {k.source} in the Program, spec says {expected}")
        problems += _check_args(name, sk, k)
    return problems


def _check_args(name: str, sk: dict[str, Any], k: Any) -> list[str]:
    problems = []
    ct_names = [a["name"] for a in sk["compile_time_args"]]
    if len(k.compile_time_args) < len(ct_names):
        problems.append(f"kernel {name!r}: {len(k.compile_time_args)} compile-time args in the Program, the spec "
                        f"names {len(ct_names)} ({', '.join(ct_names)})")
    for i, arg in enumerate(k.compile_time_args[:len(ct_names) - 1]):
        if not isinstance(arg, int):
            problems.append(f"kernel {name!r}: compile-time arg {i} ({ct_names[i]}) is a tensor accessor; only the "
                            "spec's last compile-time arg may name an accessor block (it shifts the indices after it)")
    rt_count = len(sk["runtime_args"])
    for core, args in k.runtime_args.items():
        if len(args) != rt_count:
            problems.append(f"kernel {name!r}: core {core} gets {len(args)} runtime args, the spec names {rt_count}")
            break
    return problems


def _present(cb: dict[str, Any], kernels: dict[str, Any]) -> bool:
    if "condition" not in cb:
        return True
    return parse_condition(cb["condition"]).holds(kernels[cb["producer"]].defines)


def _check_cbs(spec: dict[str, Any], program: Any) -> list[str]:
    kernels = {k.name: k for k in program.kernels}
    spec_cbs = {cb["index"]: cb for cb in spec["circular_buffers"]}
    have = {cb.index: cb for cb in program.cbs}
    problems = [f"CB {i} is in the Program but not in the spec's CB table" for i in sorted(set(have) - set(spec_cbs))]
    input_dtype = program.tensors[0].dtype
    for index, scb in spec_cbs.items():
        present = _present(scb, kernels)
        label = f"CB {index} ({scb['name']})"
        if present != (index in have):
            cond = scb.get("condition", "always")
            problems.append(f"{label}: {'missing from' if present else 'present in'} the Program, but its condition "
                            f"({cond}) is {'true' if present else 'false'} for kernel {scb['producer']!r}")
            continue
        if not present:
            continue
        cb = have[index]
        fmt = input_dtype if scb["format"] == "input" else scb["format"]
        if cb.data_format != fmt:
            problems.append(f"{label}: data format {cb.data_format} in the Program, the spec says {scb['format']} "
                            f"(= {fmt})")
        if scb["page"] == "tile" and cb.page_size != TILE_BYTES[cb.data_format]:
            problems.append(f"{label}: page size {cb.page_size} B, a {cb.data_format} tile is "
                            f"{TILE_BYTES[cb.data_format]} B")
        problems += _check_pages(label, scb, cb, kernels, spec)
    return problems


def _check_pages(label: str, scb: dict[str, Any], cb: Any, kernels: dict[str, Any],
                 spec: dict[str, Any]) -> list[str]:
    spec_kernels = {k["name"]: k for k in spec["kernels"]}
    producer = kernels[scb["producer"]]
    consumer = kernels[scb["consumer"]]
    core = cores_of(producer.core_ranges)[0]
    env = {**kernel_env(spec_kernels[consumer.name], consumer, core),
           **kernel_env(spec_kernels[producer.name], producer, core)}
    try:
        pages = parse_int(scb["pages"]).evaluate(env)
    except ExpressionError as e:
        return [f"{label}: pages: {e}"]
    if pages != cb.num_pages:
        return [f"{label}: {cb.num_pages} pages in the Program, the spec's pages {str(scb['pages'])!r} = {pages}"]
    return []


def traffic(spec: dict[str, Any], program: Any) -> dict[int, dict[str, int]]:
    """Pages each present CB moves over the whole run: {index: {'pages': n, 'cores': c}}."""
    out: dict[int, dict[str, int]] = {}
    for flow in _flows(spec, program):
        entry = out.setdefault(flow["index"], {"pages": 0, "cores": 0})
        entry["pages"] += flow["produced"]
        entry["cores"] += 1
    return out


def _flows(spec: dict[str, Any], program: Any) -> list[dict[str, Any]]:
    """Per present CB and per core: pages produced and consumed, chunk and capacity."""
    spec_kernels = {k["name"]: k for k in spec["kernels"]}
    kernels = {k.name: k for k in program.kernels}
    have = {cb.index: cb for cb in program.cbs}
    flows = []
    for scb in spec["circular_buffers"]:
        if scb["index"] not in have:
            continue
        ends = {role: kernels[scb[role]] for role in ("producer", "consumer")}
        t = {key: parse_int(scb["traffic"][key]) for key in TRAFFIC_KEYS}
        for core in cores_of(ends["producer"].core_ranges):
            counts = {}
            for role, kernel in ends.items():
                env = kernel_env(spec_kernels[kernel.name], kernel, core)
                loops = parse_int(spec_kernels[kernel.name]["loop_count_arg"]).evaluate(env)
                counts[role] = (t["per_core"].evaluate(env), loops * t["per_tile_row"].evaluate(env),
                                t["chunk"].evaluate(env))
            flows.append({"index": scb["index"], "name": scb["name"], "core": core, "counts": counts,
                          "produced": sum(counts["producer"][:2]), "capacity": have[scb["index"]].num_pages})
    return flows


def _check_traffic(spec: dict[str, Any], program: Any) -> list[str]:
    try:
        flows = _flows(spec, program)
    except ExpressionError as e:
        return [f"traffic: {e}"]
    problems: list[str] = []
    for f in flows:
        label = f"CB {f['index']} ({f['name']}) on core {f['core']}"
        (p_core, p_rows, p_chunk), (c_core, c_rows, c_chunk) = f["counts"]["producer"], f["counts"]["consumer"]
        if (p_core, p_rows) != (c_core, c_rows):
            problems.append(f"{label}: the producer moves {p_core} + {p_rows} pages, the consumer {c_core} + {c_rows}")
        elif p_chunk != c_chunk:
            problems.append(f"{label}: chunk is {p_chunk} pages for the producer and {c_chunk} for the consumer")
        elif p_rows and (p_chunk == 0 or f["capacity"] % p_chunk):
            problems.append(f"{label}: chunk {p_chunk} must be > 0 and divide the capacity {f['capacity']} "
                            "(a push may not straddle the end of the FIFO)")
        elif p_core + (p_chunk if p_rows else 0) > f["capacity"]:
            problems.append(f"{label}: {p_core} resident pages plus a chunk of {p_chunk} exceed the capacity "
                            f"{f['capacity']}")
        if problems and len(problems) >= 20:
            break
    return problems
