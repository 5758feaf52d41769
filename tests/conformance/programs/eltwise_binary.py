"""ttnn's legacy interleaved eltwise binary program (BinaryDeviceOperation::ElementWiseMultiCore).

Factory: ttnn/cpp/ttnn/operations/eltwise/binary/device/element_wise_multi_core_program_factory.cpp with
set_eltwise_binary_runtime_args in eltwise_multi_core_program_factory_common.hpp (tenstorrent/tt-metal
04661bb01ff049a800386fca39598461f772cbbc). Interleaved TILE tensors: CBs c_0 / c_1 (2 tiles each, the
inputs' formats) and c_2 (2 tiles, output format); reader reader_binary_interleaved_start_id.cpp with
compile-time args [block_or_width_sharded = 0, TensorAccessorArgs(a), TensorAccessorArgs(b)] and
runtime args [a, b, tiles, start tile, block_height = 0, block_width = 0, shards = 0, shards = 0];
writer eltwise/unary's writer_unary_interleaved_start_id.cpp with [c_2, TensorAccessorArgs(out)] and
[out, tiles, start tile]; compute eltwise_binary_kernel.cpp with [block count = tiles, block size = 1]
and the defines of binary_op_utils get_defines: ELTWISE_OP = add_tiles / sub_tiles / mul_tiles and
ELTWISE_OP_TYPE = EltwiseBinaryType::ELWADD / ELWSUB / ELWMUL (both strings are in the wheel's
_ttnncpp.so). Compute config: HiFi4 (the ComputeConfig default), fp32 accumulation off for bf16.
Work: split_work_to_cores over the worker grid, row-major; idle cores keep zero-filled args.
"""
from __future__ import annotations

from program import AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, Kernel, Program, TensorSlot
from tests.conformance.programs.common import TILE_BYTES, grid_range, kernel_source
from tests.conformance.work_split import split_work

OPS = {"add": ("add_tiles", "ELWADD"), "sub": ("sub_tiles", "ELWSUB"), "mul": ("mul_tiles", "ELWMUL")}


def program(op: str, num_tiles: int, dtype: str, grid: tuple[int, int]) -> Program:
    cores = grid_range(grid)
    tile = TILE_BYTES[dtype]
    cbs = [CircularBuffer(0, dtype, tile, 2, cores, "src0"), CircularBuffer(1, dtype, tile, 2, cores, "src1"),
           CircularBuffer(2, dtype, tile, 2, cores, "output")]
    reader = Kernel("reader", "reader",
                    kernel_source("eltwise/binary/device/kernels/dataflow/reader_binary_interleaved_start_id.cpp"),
                    cores, [0, AccessorArgs("a"), AccessorArgs("b")])
    writer = Kernel("writer", "writer",
                    kernel_source("eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id.cpp"),
                    cores, [2, AccessorArgs("output")])
    func, op_type = OPS[op]
    compute = Kernel("compute", "compute",
                     kernel_source("eltwise/binary/device/kernels/compute/eltwise_binary_kernel.cpp"), cores,
                     defines={"ELTWISE_OP": func, "ELTWISE_OP_TYPE": f"EltwiseBinaryType::{op_type}"},
                     compute_config=ComputeConfig("HiFi4", dtype == "float32", False, False, []))
    start = 0
    for core, tiles in split_work(grid, num_tiles):
        if tiles:
            reader.runtime_args[core] = [BufferAddress("a"), BufferAddress("b"), tiles, start, 0, 0, 0, 0]
            writer.runtime_args[core] = [BufferAddress("output"), tiles, start]
        else:
            reader.runtime_args[core] = [0] * 7
            writer.runtime_args[core] = [0] * 3
        compute.runtime_args[core] = [tiles, 1] if tiles else [0, 0]
        start += tiles
    tensors = [TensorSlot("a", [num_tiles, 1024], dtype, "input"), TensorSlot("b", [num_tiles, 1024], dtype, "input"),
               TensorSlot("output", [num_tiles, 1024], dtype, "output")]
    return Program(f"eltwise_binary_{op}", cbs, [reader, writer, compute], tensors)
