"""The Program lowered to a real ttnn.ProgramDescriptor, read back field by field.

No device exists here, so tensor-dependent values go through a resolver returning known sentinels
(ttnn.TensorAccessorArgs and buffer_address need a tensor on a device); everything else is what
ttnn.generic_op would receive on hardware.
"""
from __future__ import annotations

import itertools

import pytest
import ttnn

from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from program import AccessorArgs, BufferAddress, Program, cores_of
from ttnn_backend.lowering import to_ttnn

SHAPES = [[1, 1, 32, 32], [1, 1, 128, 128], [1, 1, 32, 1024], [1, 1, 1024, 32], [1, 1, 4096, 32],
          [1, 1, 512, 512], [2, 3, 64, 128], [1, 64, 128]]
FORMAT_CODE = {"float32": 0, "bfloat16": 5}  # CBFormatDescriptor.data_format_as_uint8
CONFIG = {"reader": "ReaderConfigDescriptor", "writer": "WriterConfigDescriptor", "compute": "ComputeConfigDescriptor"}


class SentinelResolver:
    """Stands in for a device: accessor args and buffer addresses derived from the io index."""

    def accessor_args(self, index: int) -> list[int]:
        return [0xACC0 + index, 0xA11 + index]

    def buffer_address(self, index: int) -> int:
        return 0xB0000 + index * 0x100


def ranges_of(core_range_set) -> list[tuple[int, int, int, int]]:
    return [(r.start.x, r.start.y, r.end.x, r.end.y) for r in core_range_set.ranges()]


def expected_ct(program: Program, kernel) -> list[int]:
    out = []
    for a in kernel.compile_time_args:
        out += SentinelResolver().accessor_args(program.tensor_index(a.tensor)) if isinstance(a, AccessorArgs) else [a]
    return out


def runtime_arg_mismatches(path: str, program: Program, kernel, view) -> list[str]:
    """Exactly the kernel's cores carry args (ttnn's view raises IndexError for a core without any)."""
    cores = cores_of(kernel.core_ranges)
    problems = [] if len(view) == len(cores) else [
        f"{path}.runtime_args: ttnn has args for {len(view)} cores, the Program's ranges hold {len(cores)}"]
    for x, y in cores:
        want = [SentinelResolver().buffer_address(program.tensor_index(a.tensor)) if isinstance(a, BufferAddress)
                else a for a in kernel.runtime_args.get((x, y), [])]
        try:
            got = list(view[x][y])
        except IndexError:
            problems.append(f"{path}.runtime_args[{x}][{y}]: ttnn has none, the Program says {want!r}")
            continue
        if got != want:
            problems.append(f"{path}.runtime_args[{x}][{y}]: ttnn has {got!r}, the Program says {want!r}")
    return problems


def lowering_mismatches(program: Program, desc) -> list[str]:
    """Every field of `desc` that differs from what `program` asks for, named by its path."""
    problems = []

    def same(path, got, want):
        if got != want:
            problems.append(f"{path}: ttnn has {got!r}, the Program says {want!r}")

    same("len(cbs)", len(desc.cbs), len(program.cbs))
    for i, (d, cb) in enumerate(zip(desc.cbs, program.cbs)):
        same(f"cbs[{i}].total_size", d.total_size, cb.total_size)
        same(f"cbs[{i}].core_ranges", ranges_of(d.core_ranges), [(*r.start, *r.end) for r in cb.core_ranges])
        same(f"cbs[{i}].len(format_descriptors)", len(d.format_descriptors), 1)
        f = d.format_descriptors[0]
        same(f"cbs[{i}].format_descriptors[0].buffer_index", f.buffer_index, cb.index)
        same(f"cbs[{i}].format_descriptors[0].page_size", f.page_size, cb.page_size)
        same(f"cbs[{i}].format_descriptors[0].data_format", f.data_format_as_uint8, FORMAT_CODE[cb.data_format])
    same("len(kernels)", len(desc.kernels), len(program.kernels))
    for i, (d, k) in enumerate(zip(desc.kernels, program.kernels)):
        p = f"kernels[{i}] ({k.name})"
        same(f"{p}.kernel_source", d.kernel_source, k.source)
        same(f"{p}.source_type", d.source_type, ttnn.KernelDescriptor.SourceType.FILE_PATH)
        same(f"{p}.core_ranges", ranges_of(d.core_ranges), [(*r.start, *r.end) for r in k.core_ranges])
        same(f"{p}.compile_time_args", list(d.compile_time_args), expected_ct(program, k))
        same(f"{p}.defines", sorted(d.defines), sorted(k.defines.items()))
        same(f"{p}.common_runtime_args", list(d.common_runtime_args), k.common_runtime_args)
        problems += runtime_arg_mismatches(p, program, k, d.runtime_args)
        same(f"{p}.config", type(d.config).__name__, CONFIG[k.kind])
        if k.compute_config:
            c = k.compute_config
            same(f"{p}.config.math_fidelity", d.config.math_fidelity, getattr(ttnn.MathFidelity, c.math_fidelity))
            same(f"{p}.config.fp32_dest_acc_en", d.config.fp32_dest_acc_en, c.fp32_dest_acc_en)
            same(f"{p}.config.math_approx_mode", d.config.math_approx_mode, c.math_approx_mode)
            same(f"{p}.config.dst_full_sync_en", d.config.dst_full_sync_en, c.dst_full_sync_en)
            modes = list(d.config.unpack_to_dest_mode)
            exact = [i for i, m in enumerate(modes) if m == ttnn.UnpackToDestMode.UnpackToDestFp32]
            same(f"{p}.config.unpack_to_dest_mode", exact, sorted(c.unpack_to_dest_fp32))
    return problems


CASES = list(itertools.product(SHAPES, ["bfloat16", "float32"], [False, True], [False, True]))


@pytest.mark.parametrize("shape,dtype,gamma,beta", CASES,
                         ids=[f"{'x'.join(map(str, s))}-{d}-g{int(g)}-b{int(b)}" for s, d, g, b in CASES])
def test_lowering_matches_the_program(shape, dtype, gamma, beta):
    program = build_program(shape, dtype, gamma, beta)
    desc = to_ttnn(program, list(range(len(program.tensors))), SentinelResolver())
    assert isinstance(desc, ttnn.ProgramDescriptor)
    assert lowering_mismatches(program, desc) == []


def test_a_tampered_field_is_named():
    program = build_program([1, 1, 64, 128], "float32", True, True)
    desc = to_ttnn(program, list(range(len(program.tensors))), SentinelResolver())
    desc.cbs[2].format_descriptors[0].page_size = 1234
    desc.kernels[0].runtime_args[0][0][0] = 7
    problems = lowering_mismatches(program, desc)
    assert any(p.startswith("cbs[2].format_descriptors[0].page_size: ttnn has 1234") for p in problems)
    assert any(p.startswith("kernels[0] (reader).runtime_args[0][0]") for p in problems)


def test_a_lowering_bug_is_named(monkeypatch):
    """Bugs in the lowering itself, not a tampered descriptor: every CB lowered as bfloat16, the last core
    of each kernel left without runtime args, the compute kernel's fidelity dropped to LoFi."""
    from ttnn_backend import lowering as ttnn_lowering

    program = build_program([1, 1, 64, 128], "float32", True, True)
    monkeypatch.setattr(ttnn_lowering, "_data_format", lambda name: ttnn.bfloat16)
    monkeypatch.setattr(ttnn_lowering, "cores_of", lambda ranges: cores_of(ranges)[:-1])
    real_compute_config = ttnn.ComputeConfigDescriptor

    def lofi(**fields):
        return real_compute_config(**{**fields, "math_fidelity": ttnn.MathFidelity.LoFi})

    monkeypatch.setattr(ttnn, "ComputeConfigDescriptor", lofi)
    problems = lowering_mismatches(program, to_ttnn(program, list(range(len(program.tensors))), SentinelResolver()))
    float32_cb = next(i for i, cb in enumerate(program.cbs) if cb.data_format == "float32")
    assert any(p.startswith(f"cbs[{float32_cb}].format_descriptors[0].data_format: ttnn has 5") for p in problems)
    reader = program.kernels[0]
    x, y = cores_of(reader.core_ranges)[-1]
    cores = len(cores_of(reader.core_ranges))
    assert f"kernels[0] (reader).runtime_args: ttnn has args for {cores - 1} cores, the Program's ranges " \
           f"hold {cores}" in problems
    assert any(p.startswith(f"kernels[0] (reader).runtime_args[{x}][{y}]: ttnn has none") for p in problems)
    compute = next(i for i, k in enumerate(program.kernels) if k.kind == "compute")
    assert program.kernels[compute].compute_config.math_fidelity != "LoFi"
    assert any(p.startswith(f"kernels[{compute}] ({program.kernels[compute].name}).config.math_fidelity")
               for p in problems)
