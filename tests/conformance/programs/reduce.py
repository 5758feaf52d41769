"""ttnn's interleaved reduce over W (ReduceMultiCoreWProgramFactory) and over H (ReduceMultiCoreHProgramFactory),
tiled path, SUM / MAX.

Factory: ttnn/cpp/ttnn/operations/reduction/generic/device/reduce_op_multi_core_w_program_factory.cpp
(tenstorrent/tt-metal 05ddaab1f25ac34660a461636def4c75c349f538), a Metal 2.0 ProgramSpec, bound to the
0.81.1 wheel's kernels (whose binding names decide): reader reader_unary_reduce_universal_start_id.cpp
(RTAs num_tiles, start_id, scaler_bits; CTA tiles_per_batch; dfb in0, scaler; tensor src; in the wheel
the reader prepares the scaler tile), compute reduce.cpp (Ht, Wt, NC, post_mul_scaler_bits,
enable_fp32_sfpu = 0; dfb in0, scaler, out; defines REDUCE_OP / REDUCE_DIM as reduce_op_utils::get_defines
spells them, ckernel::PoolType::SUM and ckernel::ReduceDim::REDUCE_ROW, both in the wheel's
_ttnncpp.so), writer eltwise/unary writer_unary_interleaved_start_id_metal2.cpp (num_pages, start_id;
dfb out; tensor dst). DFBs: in, scaler (1 tile, bf16 for bf16 inputs), out (2 tiles). Rows (NC * Ht
tile-rows) split with split_work_to_cores in its default column-major order; one compute kernel per core
group. Compute config: HiFi4, fp32 accumulation off for bf16, approx off, half-sync DST.
Assumption: the factory's host helpers reduce_reader_batch / reduce_reader_input_cb_tiles are not in the
index at the wheel's version; the reader batch is one row of tiles (Wt) and the input DFB holds two
batches. Both only pace the reader; what reaches the compute kernel is the same tile stream.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Callable

from program import CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot
from tests.conformance.bindings import Bindings, bind
from tests.conformance.programs.common import TILE_BYTES, kernel_source
from tests.conformance.work_split import split_work

KERNELS = "reduction/generic/device/kernels/"
POOL = {"sum": "ckernel::PoolType::SUM", "max": "ckernel::PoolType::MAX"}
IN, SCALER, OUT = 0, 1, 2
# The H reader's column chunk: DEST_AUTO_LIMIT, 8 tiles for bf16 in half-sync DST.
H_BATCH = 8


@dataclass(frozen=True)
class Direction:
    """What differs between the W and H factories; everything else is one builder (`_build`)."""

    name: str
    reduce_dim: str
    units: Callable[[int, int, int], int]  # (nc, ht, wt) -> tile-rows (W) or tile-columns (H) to split
    input_pages: Callable[[int], int]  # wt -> pages of the input DFB
    reader: str
    reader_bindings: Callable[[int, int], Bindings]  # (ht, wt)
    reader_args: Callable[[int, int, int, int], dict[str, int]]  # (done, n, ht, wt) -> named RTAs
    compute_cta: Callable[[int, int, int], dict[str, int]]  # (n, ht, wt)


def _w_reader(ht: int, wt: int) -> Bindings:
    return Bindings(rta=["num_tiles", "start_id", "scaler_bits"], cta={"tiles_per_batch": wt},
                    dfb={"in0": IN, "scaler": SCALER}, tensors=["src"])


def _h_reader(ht: int, wt: int) -> Bindings:
    return Bindings(rta=["col_start_tile_id", "curr_col_in_batch", "num_cols", "scaler_bits"],
                    cta={"Ht": ht, "Wt": wt, "HtWt": ht * wt, "use_welford": 0, "enable_fp32_sfpu": 0,
                         "tiles_per_batch": H_BATCH, "num_h_slices": 1, "slice_Ht": ht},
                    dfb={"in0": IN, "scaler": SCALER}, tensors=["src"])


W = Direction("w", "ckernel::ReduceDim::REDUCE_ROW", lambda nc, ht, wt: nc * ht, lambda wt: 2 * wt,
              "dataflow/reader_unary_reduce_universal_start_id.cpp", _w_reader,
              lambda done, n, ht, wt: {"num_tiles": n * wt, "start_id": done * wt},
              lambda n, ht, wt: {"Ht": n, "Wt": wt})
H = Direction("h", "ckernel::ReduceDim::REDUCE_COL", lambda nc, ht, wt: nc * wt, lambda wt: 2 * H_BATCH,
              "dataflow/reader_unary_transpose_wh_universal_input_cols_partitioned.cpp", _h_reader,
              lambda done, n, ht, wt: {"col_start_tile_id": (done // wt) * ht * wt + done % wt,
                                       "curr_col_in_batch": done % wt, "num_cols": n},
              lambda n, ht, wt: {"Ht": ht, "Wt": n})


def program(op: str, nc: int, ht: int, wt: int, dtype: str, grid: tuple[int, int], scaler: float = 1.0) -> Program:
    """Reduce over W (the factory and kernels of the module docstring)."""
    return _build(W, op, nc, ht, wt, dtype, grid, scaler)


def program_h(op: str, nc: int, ht: int, wt: int, dtype: str, grid: tuple[int, int], scaler: float = 1.0) -> Program:
    """Reduce over H. Factory: reduction/generic/device/reduce_op_multi_core_h_program_factory.cpp
    (tenstorrent/tt-metal 6a16835d11df8e69016a297bc418be98b99a1840), bound to the wheel's kernels: reader
    reader_unary_transpose_wh_universal_input_cols_partitioned.cpp (RTAs col_start_tile_id,
    curr_col_in_batch, num_cols, scaler_bits; CTAs Ht, Wt, HtWt, use_welford = 0, enable_fp32_sfpu = 0,
    tiles_per_batch = DEST_AUTO_LIMIT (8 for bf16 half-sync, so the reader batches one column chunk),
    num_h_slices = 1, slice_Ht = Ht; dfb in0, scaler; tensor src), compute reduce.cpp with
    REDUCE_DIM = ckernel::ReduceDim::REDUCE_COL (Ht, Wt = the core's columns, NC = 1), writer as for W.
    Columns (NC * Wt) split with split_work_to_cores, column-major cores. The input DFB holds two
    batches (assumption, as for W)."""
    return _build(H, op, nc, ht, wt, dtype, grid, scaler)


def _build(d: Direction, op: str, nc: int, ht: int, wt: int, dtype: str, grid: tuple[int, int],
           scaler: float) -> Program:
    units = d.units(nc, ht, wt)
    work = [(core, n) for core, n in split_work(grid, units, row_wise=False) if n]
    cores = [CoreRange(c, c) for c, _ in work]
    tile = TILE_BYTES[dtype]
    scaler_fmt = "float32" if dtype == "float32" else "bfloat16"
    cbs = [CircularBuffer(IN, dtype, tile, d.input_pages(wt), cores, "in"),
           CircularBuffer(SCALER, scaler_fmt, TILE_BYTES[scaler_fmt], 1, cores, "scaler"),
           CircularBuffer(OUT, dtype, tile, 2, cores, "out")]
    defines = {"REDUCE_OP": POOL[op], "REDUCE_DIM": d.reduce_dim}
    # The H reader sizes its column chunk from kernel_lib/dest_helpers.hpp, which a data-movement kernel
    # can only use with the DST mode passed as defines (that header's static_asserts demand them).
    reader_defines = dict(defines)
    if d is H:
        reader_defines.update({"ENABLE_FP32_DEST_ACC": "1" if dtype == "float32" else "0", "DST_SYNC_FULL": "0"})
    rb = d.reader_bindings(ht, wt)
    wb = Bindings(rta=["num_pages", "start_id"], dfb={"out": OUT}, tensors=["dst"])
    reader = bind(Kernel("reader", "reader", kernel_source(KERNELS + d.reader), cores, defines=reader_defines), rb)
    writer = bind(Kernel("writer", "writer", kernel_source(
        "eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id_metal2.cpp"), cores,
        defines=dict(defines)), wb)
    scaler_bits = struct.unpack("<I", struct.pack("<f", scaler))[0]
    groups: dict[int, list[tuple[int, int]]] = {}
    done = 0
    for core, n in work:
        reader.runtime_args[core] = rb.runtime_args({**d.reader_args(done, n, ht, wt), "scaler_bits": scaler_bits})
        writer.runtime_args[core] = wb.runtime_args({"num_pages": n, "start_id": done})
        groups.setdefault(n, []).append(core)
        done += n
    config = ComputeConfig("HiFi4", dtype == "float32", False, False, [])
    computes = []
    for g, (n, group) in enumerate(groups.items(), start=1):
        cb = Bindings(cta={**d.compute_cta(n, ht, wt), "NC": 1, "post_mul_scaler_bits": 0x3F800000,
                           "enable_fp32_sfpu": 0}, dfb={"in0": IN, "scaler": SCALER, "out": OUT})
        computes.append(bind(Kernel(f"compute_g{g}", "compute", kernel_source(KERNELS + "compute/reduce.cpp"),
                                    [CoreRange(c, c) for c in group], defines=dict(defines), compute_config=config), cb))
    tensors = [TensorSlot("src", [nc * ht * wt, 1024], dtype, "input"), TensorSlot("dst", [units, 1024], dtype, "output")]
    return Program(f"reduce_{d.name}_{op}", cbs, [reader, writer, *computes], tensors)
