"""ttnn's interleaved tiled transpose of the last two dims (transpose_wh, build_wh_tiled).

Factory: ttnn/cpp/ttnn/operations/data_movement/transpose/device/transpose_wh_program_factory.cpp
(tenstorrent/tt-metal 022c2361f19ceca67b089a1499228ffd09800f2a), a Metal 2.0 ProgramSpec: DFBs wh_src0
(2 tiles, input format; c_0) and wh_out (2 tiles, output format; c_16); fp32 accumulation and
unpack-to-dest of wh_src0 for fp32 inputs only. Reader reader_unary_transpose_wh_interleaved_start_id.cpp
(dfb in0, tensor src, runtime args num_tiles, start_id, start_ht, start_wt, Ht, Wt, HtWt); compute
transpose_wh_metal2.cpp (runtime arg NHtWt); writer eltwise/unary's
writer_unary_interleaved_start_id_metal2.cpp (dfb out, runtime args num_pages, start_id). Binding names
are the wheel kernels' (its compute kernel names its DFBs cb_in / cb_out and its writer's tensor dst).
Work: split_work_to_cores(grid, tiles) in its default column-major core order.
"""
from __future__ import annotations

from program import CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot
from tests.conformance.bindings import Bindings, bind
from tests.conformance.programs.common import TILE_BYTES, kernel_source
from tests.conformance.work_split import split_work


def program(n: int, ht: int, wt: int, dtype: str, grid: tuple[int, int]) -> Program:
    tiles = n * ht * wt
    work = [(core, k) for core, k in split_work(grid, tiles, row_wise=False) if k]
    cores = [CoreRange(c, c) for c, _ in work]
    tile = TILE_BYTES[dtype]
    cbs = [CircularBuffer(0, dtype, tile, 2, cores, "wh_src0"), CircularBuffer(16, dtype, tile, 2, cores, "wh_out")]
    fp32 = dtype == "float32"
    rb = Bindings(rta=["num_tiles", "start_id", "start_ht", "start_wt", "Ht", "Wt", "HtWt"], dfb={"in0": 0},
                  tensors=["src"])
    cb = Bindings(rta=["NHtWt"], dfb={"cb_in": 0, "cb_out": 16})
    wb = Bindings(rta=["num_pages", "start_id"], dfb={"out": 16}, tensors=["dst"])
    reader = bind(Kernel("reader", "reader", kernel_source(
        "data_movement/transpose/device/kernels/dataflow/reader_unary_transpose_wh_interleaved_start_id.cpp"), cores), rb)
    compute = bind(Kernel("compute", "compute", kernel_source(
        "data_movement/transpose/device/kernels/compute/transpose_wh_metal2.cpp"), cores,
        compute_config=ComputeConfig("HiFi4", fp32, False, False, [0] if fp32 else [])), cb)
    writer = bind(Kernel("writer", "writer", kernel_source(
        "eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id_metal2.cpp"), cores), wb)
    done = 0
    for core, k in work:
        h, w = done % ht, done // ht % wt
        start = done - done % (ht * wt) + h * wt + w
        reader.runtime_args[core] = rb.runtime_args({"num_tiles": k, "start_id": start, "start_ht": h, "start_wt": w,
                                                     "Ht": ht, "Wt": wt, "HtWt": ht * wt})
        compute.runtime_args[core] = cb.runtime_args({"NHtWt": k})
        writer.runtime_args[core] = wb.runtime_args({"num_pages": k, "start_id": done})
        done += k
    tensors = [TensorSlot("src", [tiles, 1024], dtype, "input"), TensorSlot("dst", [tiles, 1024], dtype, "output")]
    return Program("transpose_wh", cbs, [reader, compute, writer], tensors)
