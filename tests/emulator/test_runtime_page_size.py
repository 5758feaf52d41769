"""Interleaved tensors with a runtime page size (tt-metal 0.81.1 ArgConfig::RuntimePageSize): the accessor's
compile-time args are its config word alone, so one kernel build serves every page size; the page size
arrives as a runtime arg (`PageSize`, passed to the TensorAccessor constructor) or as the accessor's common
runtime arg (the two-argument constructor)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import emulator
from emulator.host_values import from_raw, quantize, to_raw
from emulator.run import EmulatorResolver
from program import (ELEMENT_SIZE, AccessorArgs, BufferAddress, CircularBuffer, CoreRange, Kernel, PageSize, Program,
                     TensorSlot, compile_time_args, round_up)

KERNELS = Path(__file__).resolve().parent / "kernels"
RUNTIME_PAGE_SIZE = 128  # ArgConfig::RuntimePageSize
IS_DRAM = 2  # ArgConfig::IsDram


def copy_program(rows: int, width: int, dtype: str) -> Program:
    """rows x width copied page by page on one core; neither kernel's compile-time args depend on width."""
    ranges = [CoreRange((0, 0), (0, 0))]
    reader = Kernel("reader", "reader", str(KERNELS / "copy_reader_runtime_page.cpp"), ranges,
                    [AccessorArgs("in", runtime_page_size=True)], {(0, 0): [BufferAddress("in"), 0, rows]},
                    common_runtime_args=[PageSize("in")])
    writer = Kernel("writer", "writer", str(KERNELS / "copy_writer.cpp"), ranges,
                    [AccessorArgs("out", runtime_page_size=True)],
                    {(0, 0): [BufferAddress("out"), 0, rows, PageSize("out")]})
    tensors = [TensorSlot("in", [rows, width], dtype, "input"), TensorSlot("out", [rows, width], dtype, "output")]
    return Program("copy", [CircularBuffer(0, dtype, 4096, 2, ranges)], [reader, writer], tensors)


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_a_copy_with_runtime_page_sizes_is_exact_and_compiles_once_for_every_width(tmp_path, dtype):
    device = emulator.EmulatedDevice(grid=(1, 1), cache_dir=tmp_path)
    try:
        compiled = []
        for width in (24, 40, 64):  # 48 B .. 256 B pages: not all a multiple of the 32 B DRAM alignment
            values = quantize(np.random.default_rng(width).standard_normal((5, width)), dtype)
            x, out = device.allocate([5, width], dtype), device.allocate([5, width], dtype)
            x.write(to_raw(values, dtype))
            result = emulator.run(copy_program(5, width, dtype), [x, out])
            np.testing.assert_array_equal(from_raw(out.read(), dtype), values)
            compiled.append(result.compiled)
            # the reader moves whole aligned pages: the page size it was given at run time
            assert result.dram_bytes_read == 5 * round_up(width * ELEMENT_SIZE[dtype], device.dram_alignment)
    finally:
        device.close()
    assert compiled == [2, 0, 0]


def test_the_compile_time_words_are_the_config_word_with_runtime_page_size(emu):
    program = copy_program(2, 40, "bfloat16")
    x, out = emu.allocate([2, 40], "bfloat16"), emu.allocate([2, 40], "bfloat16")
    resolver = EmulatorResolver()
    assert compile_time_args(program, program.kernels[0], [x, out], resolver) == [IS_DRAM | RUNTIME_PAGE_SIZE]
