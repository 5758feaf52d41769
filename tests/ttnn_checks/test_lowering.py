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
from operations.program import AccessorArgs, BufferAddress, Program, cores_of
from operations.ttnn_lowering import to_ttnn

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
        same(f"{p}.kernel_source", d.kernel_source, str(k.source_path))
        same(f"{p}.source_type", d.source_type, ttnn.KernelDescriptor.SourceType.FILE_PATH)
        same(f"{p}.core_ranges", ranges_of(d.core_ranges), [(*r.start, *r.end) for r in k.core_ranges])
        same(f"{p}.compile_time_args", list(d.compile_time_args), expected_ct(program, k))
        same(f"{p}.defines", sorted(d.defines), sorted(k.defines.items()))
        same(f"{p}.common_runtime_args", list(d.common_runtime_args), k.common_runtime_args)
        for x, y in cores_of(k.core_ranges):
            want = [SentinelResolver().buffer_address(program.tensor_index(a.tensor)) if isinstance(a, BufferAddress)
                    else a for a in k.runtime_args.get((x, y), [])]
            same(f"{p}.runtime_args[{x}][{y}]", list(d.runtime_args[x][y]), want)
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


def test_a_wrong_field_is_named():
    program = build_program([1, 1, 64, 128], "float32", True, True)
    desc = to_ttnn(program, list(range(len(program.tensors))), SentinelResolver())
    desc.cbs[2].format_descriptors[0].page_size = 1234
    desc.kernels[0].runtime_args[0][0][0] = 7
    problems = lowering_mismatches(program, desc)
    assert any(p.startswith("cbs[2].format_descriptors[0].page_size: ttnn has 1234") for p in problems)
    assert any(p.startswith("kernels[0] (reader).runtime_args[0][0]") for p in problems)
