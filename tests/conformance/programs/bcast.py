"""ttnn's interleaved binary op with a broadcast second operand, HW (scalar) broadcast
(BcastMultiCoreHWProgramFactory of ttnn.bcast).

Factory: ttnn/cpp/ttnn/operations/data_movement/bcast/device/bcast_multi_core_hw_program_factory.cpp
(tenstorrent/tt-metal 09b4c34bfc28c388c909a45cd0440bb3d7b12650) with the wheel's kernels: CBs c_0, c_1 and
c_16, 2 tiles each, on every core of the grid; reader reader_bcast_hw_interleaved_partitioned.cpp (in the
wheel with named bindings: RTAs num_tiles, HtWt, base_start_id_HtWt, curr_id_from_base, bcast_id; dfb in0,
in1; tensors src0, src1; BCAST_SCALAR when b has N * C == 1); compute bcast_hw.cpp with runtime args
[B = 1, Ht = 1, Wt = tiles] and bcast_op_utils::get_defines: CHAIN_BCAST_OP =
compute_kernel_lib::BinaryFpuOp::{Add,Sub,Mul}, CHAIN_BCAST_DIM = compute_kernel_lib::BroadcastDim::Scalar
(strings of the wheel's _ttnncpp.so), plus BCAST_SCALAR; writer eltwise/unary
writer_unary_interleaved_start_id.cpp with [c_16, TensorAccessorArgs(out)] and [out, tiles, start].
Default ComputeConfig (HiFi4, no fp32 accumulation). Work: split_work_to_cores, cores i = (i / grid_y,
i % grid_y); idle cores get zero reader/writer args and compute args [1, 1, 0].
"""
from __future__ import annotations

from program import AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, Kernel, Program, TensorSlot
from tests.conformance.bindings import Bindings, bind
from tests.conformance.programs.common import TILE_BYTES, grid_range, kernel_source
from tests.conformance.work_split import split_work

OPS = {"add": "Add", "sub": "Sub", "mul": "Mul"}


def program(op: str, nc: int, ht: int, wt: int, dtype: str, grid: tuple[int, int]) -> Program:
    cores = grid_range(grid)
    tile = TILE_BYTES[dtype]
    tiles = nc * ht * wt
    cbs = [CircularBuffer(0, dtype, tile, 2, cores, "src0"), CircularBuffer(1, dtype, tile, 2, cores, "src1"),
           CircularBuffer(16, dtype, tile, 2, cores, "output")]
    rb = Bindings(rta=["num_tiles", "HtWt", "base_start_id_HtWt", "curr_id_from_base", "bcast_id"],
                  dfb={"in0": 0, "in1": 1}, tensors=["src0", "src1"])
    reader = bind(Kernel("reader", "reader", kernel_source(
        "data_movement/bcast/device/kernels/dataflow/reader_bcast_hw_interleaved_partitioned.cpp"), cores,
        defines={"BCAST_SCALAR": "1"}), rb)
    compute = Kernel("compute", "compute", kernel_source("data_movement/bcast/device/kernels/compute/bcast_hw.cpp"),
                     cores, defines={"CHAIN_BCAST_OP": f"compute_kernel_lib::BinaryFpuOp::{OPS[op]}",
                                     "CHAIN_BCAST_DIM": "compute_kernel_lib::BroadcastDim::Scalar",
                                     "BCAST_SCALAR": "1"},
                     compute_config=ComputeConfig("HiFi4", False, False, False, []))
    writer = Kernel("writer", "writer",
                    kernel_source("eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id.cpp"),
                    cores, [16, AccessorArgs("output")])
    done = 0
    hw = ht * wt
    for core, n in split_work(grid, tiles, row_wise=False):
        if n:
            reader.runtime_args[core] = rb.runtime_args({"num_tiles": n, "HtWt": hw, "base_start_id_HtWt": done // hw * hw,
                                                         "curr_id_from_base": done % hw, "bcast_id": 0})
            compute.runtime_args[core] = [1, 1, n]
            writer.runtime_args[core] = [BufferAddress("output"), n, done]
        else:
            reader.runtime_args[core] = [0] * 5
            compute.runtime_args[core] = [1, 1, 0]
            writer.runtime_args[core] = [0] * 3
        done += n
    tensors = [TensorSlot("src0", [tiles, 1024], dtype, "input"), TensorSlot("src1", [1, 1024], dtype, "input"),
               TensorSlot("output", [tiles, 1024], dtype, "output")]
    return Program(f"bcast_hw_{op}", cbs, [reader, compute, writer], tensors)
