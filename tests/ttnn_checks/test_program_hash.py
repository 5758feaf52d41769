"""generic_op's program cache against this op: equal hash must mean equal program but for runtime-arg values.

ttnn.generic_op reuses a compiled program when `ttnn.compute_program_descriptor_hash` matches. That hash
covers kernel source paths (the string, not the file's contents), compile-time args, core ranges, CB
structure and semaphores, and excludes runtime args entirely: neither their values nor how many each
core gets (its docstring in the 0.81.1 wheel; the per-core counts are shown unhashed below). A cache hit
therefore reuses everything but runtime-arg values, so two programs of this op with one hash must agree in
everything else, including per-core runtime-arg counts. Checked across the test matrix's shapes, dtypes
and gamma/beta flags on four grids, with two epsilons, two sets of buffer addresses and H = 2048 and 4096.

Not covered, by nature: a kernel file edited between two calls in one process keeps its hash.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import pytest
import ttnn

from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from tests.ttnn_checks.readback import GRIDS, SHAPES, SentinelResolver, lower, ranges_of

COMPUTE_FIELDS = ("math_fidelity", "fp32_dest_acc_en", "math_approx_mode", "dst_full_sync_en", "bfp8_pack_precise",
                  "enable_trisc2_rvv")
EPSILONS = [1e-5, 0.25]
ADDRESS_BASES = [0xB0000, 0x3F0000]


def cores_in(core_range_set: Any) -> list[tuple[int, int]]:
    return [(x, y) for x0, y0, x1, y1 in ranges_of(core_range_set)
            for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]


def per_core_counts(kernel: Any) -> list[tuple[tuple[int, int], int | None]]:
    """How many runtime args each core of the kernel gets; None for a core with none."""
    out = []
    for x, y in cores_in(kernel.core_ranges):
        try:
            out.append(((x, y), len(kernel.runtime_args[x][y])))
        except IndexError:
            out.append(((x, y), None))
    return out


def config_structure(config: Any) -> dict[str, Any]:
    fields = {"type": type(config).__name__}
    if isinstance(config, ttnn.ComputeConfigDescriptor):
        fields.update({name: str(getattr(config, name)) for name in COMPUTE_FIELDS})
        fields["unpack_to_dest_mode"] = [str(m) for m in config.unpack_to_dest_mode]
    return fields


def structure(desc: Any) -> dict[str, Any]:
    """Everything of a descriptor but runtime-arg values, read back from ttnn's objects."""
    return {
        "cbs": [{"total_size": cb.total_size, "core_ranges": ranges_of(cb.core_ranges),
                 "formats": [(f.buffer_index, f.data_format_as_uint8, f.page_size) for f in cb.format_descriptors]}
                for cb in desc.cbs],
        "semaphores": len(desc.semaphores),
        "kernels": [{"kernel_source": k.kernel_source, "source_type": str(k.source_type),
                     "core_ranges": ranges_of(k.core_ranges), "compile_time_args": list(k.compile_time_args),
                     "defines": sorted(k.defines), "config": config_structure(k.config),
                     "common_runtime_args_count": len(k.common_runtime_args),
                     "runtime_args_per_core": per_core_counts(k)}
                    for k in desc.kernels],
    }


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            found = first_difference(a[key], b.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} entries"
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def same_hash_problems(named_descs: list[tuple[str, Any]]) -> tuple[list[str], dict[int, list[str]]]:
    """Pairs of descriptors with one hash that differ in more than runtime-arg values, and the hash groups."""
    groups: dict[int, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for name, desc in named_descs:
        groups[ttnn.compute_program_descriptor_hash(desc)].append((name, structure(desc)))
    problems = []
    for h, members in groups.items():
        first_name, first = members[0]
        for name, other in members[1:]:
            diff = first_difference(first, other)
            if diff:
                problems.append(f"hash {h:#x}: {first_name} and {name} differ in {diff.lstrip('.')}")
    return problems, {h: [n for n, _ in m] for h, m in groups.items()}


def matrix_descriptors() -> list[tuple[str, Any]]:
    shapes = SHAPES + [[1, 1, 2048, 64], [1, 1, 4096, 64]]
    out = []
    for grid, shape, dtype, gamma, beta in itertools.product(GRIDS, shapes, ["bfloat16", "float32"], [False, True],
                                                             [False, True]):
        case = f"{grid[0]}x{grid[1]}/{'x'.join(map(str, shape))}/{dtype}/g{int(gamma)}b{int(beta)}"
        for eps, base in itertools.product(EPSILONS, ADDRESS_BASES):
            program = build_program(shape, dtype, gamma, beta, eps, grid=grid)
            out.append((f"{case}/eps={eps}/addr={base:#x}", lower(program, SentinelResolver(address_base=base))))
    return out


@pytest.fixture(scope="module")
def matrix() -> tuple[list[str], dict[int, list[str]]]:
    return same_hash_problems(matrix_descriptors())


def test_equal_hashes_mean_equal_programs_but_runtime_arg_values(matrix):
    problems, groups = matrix
    assert problems == []


def test_the_matrix_does_hit_the_cache(matrix):
    """The check is not vacuous: epsilon and addresses never change the hash, and neither does H from 2048 to
    4096 on a full 8x8 grid (64 cores either way; rows per core are runtime args)."""
    _, groups = matrix
    assert all(len(names) >= len(EPSILONS) * len(ADDRESS_BASES) for names in groups.values())
    prefix = "8x8/1x1x{}x64/float32/g1b1/eps=1e-05/addr=0xb0000"
    assert any(prefix.format(2048) in names and prefix.format(4096) in names for names in groups.values())


def test_a_runtime_arg_count_change_keeps_the_hash_and_is_named(monkeypatch):
    """ttnn does not hash per-core runtime-arg counts: a lowering that gave one core an extra arg would be
    served the cached program built for the other count. The check names it."""
    from ttnn_backend import lowering

    program = build_program([1, 1, 256, 128], "float32", True, True)
    good = lower(program)
    real_runtime_args = lowering._runtime_args

    def one_extra(program, kernel, io, resolve):
        rt = real_runtime_args(program, kernel, io, resolve)
        if kernel.kind == "writer":
            rt[0][0] = list(rt[0][0]) + [99]
        return rt

    monkeypatch.setattr(lowering, "_runtime_args", one_extra)
    bad = lower(program)
    problems, groups = same_hash_problems([("good", good), ("bad", bad)])
    assert len(groups) == 1
    writer = next(k for k in program.kernels if k.kind == "writer")
    count = len(writer.runtime_args[(0, 0)])
    assert problems == [f"hash {next(iter(groups)):#x}: good and bad differ in kernels[2].runtime_args_per_core[0]: "
                        f"((0, 0), {count}) vs ((0, 0), {count + 1})"]


def test_a_compile_time_change_changes_the_hash():
    a = lower(build_program([1, 1, 256, 128], "float32", True, False))
    b = lower(build_program([1, 1, 256, 128], "float32", False, True))
    assert ttnn.compute_program_descriptor_hash(a) != ttnn.compute_program_descriptor_hash(b)
    assert ttnn.compute_program_descriptor_hash(a) == ttnn.compute_program_descriptor_hash(
        lower(build_program([1, 1, 256, 128], "float32", True, False)))
