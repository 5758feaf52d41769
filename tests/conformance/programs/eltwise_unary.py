"""ttnn's interleaved eltwise unary SFPU program (UnaryDeviceOperation::ProgramFactory).

Factory: ttnn/cpp/ttnn/operations/eltwise/unary/device/unary_program_factory.cpp
(tenstorrent/tt-metal 019b681e59da69f58e48b316ceb830c0ab42e31a, the version the index holds; its kernel
ABI differs from the wheel's in the reader/writer runtime args, so the wheel's kernels decide those).
TILE layout, interleaved DRAM: CB c_0 (input, 2 tiles) and c_2 (output, 2 tiles) in the tensors' formats;
reader reader_unary_interleaved_start_id.cpp with compile-time args TensorAccessorArgs(src) and
runtime args [src address, tiles, start tile]; writer writer_unary_interleaved_start_id.cpp with
[c_2, TensorAccessorArgs(dst)] and [dst address, tiles, start tile]; compute eltwise_sfpu.cpp with
runtime args [tiles]; defines from get_block_defines: SFPU_OP_<FAMILY>_INCLUDE and SFPU_OP_CHAIN_0 built
from the op's init/func strings (the strings below are the format strings compiled into the wheel's
_ttnncpp.so for the default, non-parameterised ops, and ttnn.exp's parameterised form with
fast_and_approximate_mode=False); compute config HiFi4, fp32_dest_acc_en off for bf16, approx off.
Work split: split_work_to_cores over the whole worker grid, row-major; idle cores get zero args.
"""
from __future__ import annotations

import torch

from program import AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, Kernel, Program, TensorSlot
from tests.conformance.programs.common import TILE_BYTES, grid_range, kernel_source
from tests.conformance.work_split import split_work

KERNELS = "eltwise/unary/device/kernels/"
# op -> (include define, init string, call string, torch reference)
SFPU_OPS = {
    "exp": ("SFPU_OP_EXP_INCLUDE", "exp_tile_init<0u>();", "exp_tile<0u>(0);", torch.exp),
    "recip": ("SFPU_OP_RECIP_INCLUDE", "recip_tile_init();", "recip_tile(0);", torch.reciprocal),
    "rsqrt": ("SFPU_OP_RSQRT_INCLUDE", "rsqrt_tile_init();", "rsqrt_tile(0);", torch.rsqrt),
    "sqrt": ("SFPU_OP_SQRT_INCLUDE", "sqrt_tile_init();", "sqrt_tile(0);", torch.sqrt),
}


def unary_defines(op: str, dtype: str) -> dict[str, str]:
    """get_block_defines(op_chain, "0", "0") plus apply_input_dtype_defines."""
    include, init, call, _ = SFPU_OPS[op]
    return {include: "1", "SFPU_OP_CHAIN_0_INIT_0": init, "SFPU_OP_CHAIN_0_FUNC_0": call,
            "SFPU_OP_CHAIN_0": "SFPU_OP_CHAIN_0_INIT_0 SFPU_OP_CHAIN_0_FUNC_0",
            "INP_FLOAT32" if dtype == "float32" else "INP_FLOAT": "1"}


def program(op: str, num_tiles: int, dtype: str, grid: tuple[int, int]) -> Program:
    cores = grid_range(grid)
    tile = TILE_BYTES[dtype]
    cbs = [CircularBuffer(0, dtype, tile, 2, cores, "src0"), CircularBuffer(2, dtype, tile, 2, cores, "output")]
    reader = Kernel("reader", "reader", kernel_source(KERNELS + "dataflow/reader_unary_interleaved_start_id.cpp"),
                    cores, [AccessorArgs("input")])
    writer = Kernel("writer", "writer", kernel_source(KERNELS + "dataflow/writer_unary_interleaved_start_id.cpp"),
                    cores, [2, AccessorArgs("output")])
    compute = Kernel("compute", "compute", kernel_source(KERNELS + "compute/eltwise_sfpu.cpp"), cores,
                     defines=unary_defines(op, dtype),
                     compute_config=ComputeConfig("HiFi4", dtype == "float32", False, False, []))
    start = 0
    for core, tiles in split_work(grid, num_tiles):
        busy = tiles > 0  # the factory zero-fills every arg of an idle core
        reader.runtime_args[core] = [BufferAddress("input"), tiles, start] if busy else [0, 0, 0]
        writer.runtime_args[core] = [BufferAddress("output"), tiles, start] if busy else [0, 0, 0]
        compute.runtime_args[core] = [tiles]
        start += tiles
    tensors = [TensorSlot("input", [num_tiles, 1024], dtype, "input"),
               TensorSlot("output", [num_tiles, 1024], dtype, "output")]
    return Program(f"eltwise_unary_{op}", cbs, [reader, writer, compute], tensors)
