"""ttnn's interleaved softmax over W (SoftmaxProgramFactoryAttentionOptimized), numeric-stable, no mask.

Factory: ttnn/cpp/ttnn/operations/normalization/softmax/device/softmax_program_factory_attention_optimized.cpp
(tenstorrent/tt-metal 003544fc26968b98b56e59388735f2858287645f), bound to the wheel's kernels
(normalization/softmax/device/kernels/attention/...: reader_unary_interleaved_sm.cpp, compute softmax.cpp,
writer_unary_interleaved_start_id_blocked_sm.cpp), which in 0.81.1 take named bindings. Values as the
factory computes them: block_size = find_max_divisor(Wt, 8) (bf16, no fp32 accumulation); in0 holds the
whole row (numeric-stable: round_up(Wt, blk)); out0 2 * blk; exps (im0) Wt; recip, max, scalers 1 tile;
x (im4) round_up(Wt, blk); mask_padded 1 tile. CB indices as the factory's: in0 c_0, max/sum scalers
c_2 / c_3 (the wheel's reader prepares one scaler per reduction), mask_padded c_5, exps c_6,
recip_sum_exps c_7, max c_8, x c_10, out0 c_11. Defines NUMERIC_STABLE, EXP_APPROX = 0; compute config
HiFi4, approx off, fp32 accumulation off (the ttnn default config assumed). Rows (NC * Ht) split with
split_work_to_cores(grid, rows, row_wise=true); idle cores get zero args.
"""
from __future__ import annotations

from program import CircularBuffer, ComputeConfig, Kernel, Program, TensorSlot
from tests.conformance.bindings import Bindings, bind
from tests.conformance.programs.common import TILE_BYTES, grid_range, kernel_source
from tests.conformance.work_split import split_work

KERNELS = "normalization/softmax/device/kernels/attention/"
IN0, MAX_SCALER, SUM_SCALER, MASK_PADDED, EXPS, RECIP, MAX, X, OUT0 = 0, 2, 3, 5, 6, 7, 8, 10, 11


def find_max_divisor(value: int, start: int) -> int:
    """tt-metal's find_max_divisor: the largest divisor of `value` not above `start`, skipping 5 and 7."""
    for d in range(start, 0, -1):
        if d in (5, 7):
            continue
        if value % d == 0:
            return d
    return 1


def program(nc: int, ht: int, wt: int, grid: tuple[int, int]) -> Program:
    dtype = "bfloat16"
    tile = TILE_BYTES[dtype]
    cores = grid_range(grid)
    blk = find_max_divisor(wt, 8)
    in0_t = -(-wt // blk) * blk
    sizes = {IN0: in0_t, MAX_SCALER: 1, SUM_SCALER: 1, MASK_PADDED: 1, EXPS: wt, RECIP: 1, MAX: 1, X: in0_t,
             OUT0: 2 * blk}
    cbs = [CircularBuffer(i, dtype, tile, n, cores) for i, n in sorted(sizes.items())]
    defines = {"NUMERIC_STABLE": "1"}
    rb = Bindings(rta=["blk", "num_rows", "tile_offset", "Wt"], cta={"in0_t": in0_t},
                  dfb={"in0": IN0, "max_scaler": MAX_SCALER, "sum_scaler": SUM_SCALER}, tensors=["src"])
    cb = Bindings(rta=["num_rows", "Ht", "Wt", "blk", "start_ht"], cta={"in0_t": in0_t},
                  dfb={"in0": IN0, "out0": OUT0, "exps": EXPS, "recip_sum_exps": RECIP, "max_scaler": MAX_SCALER,
                       "sum_scaler": SUM_SCALER, "max": MAX, "x": X})
    wb = Bindings(rta=["num_tiles", "tile_offset", "blk", "Wt", "mask_padded_data"],
                  cta={"num_datum_padded": 0, "tile_hw": 1024}, dfb={"out0": OUT0, "mask_padded": MASK_PADDED},
                  tensors=["dst"])
    reader = bind(Kernel("reader", "reader", kernel_source(KERNELS + "dataflow/reader_unary_interleaved_sm.cpp"), cores,
                         defines=dict(defines)), rb)
    compute = bind(Kernel("compute", "compute", kernel_source(KERNELS + "compute/softmax.cpp"), cores,
                          defines={**defines, "EXP_APPROX": "0", "ENABLE_FP32_DEST_ACC": "0"},
                          compute_config=ComputeConfig("HiFi4", False, False, False, [])), cb)
    writer = bind(Kernel("writer", "writer", kernel_source(KERNELS + "dataflow/writer_unary_interleaved_start_id_blocked_sm.cpp"),
                         cores), wb)
    row = 0
    for core, n in split_work(grid, nc * ht, row_wise=True):
        if n:
            reader.runtime_args[core] = rb.runtime_args({"blk": blk, "num_rows": n, "tile_offset": row * wt, "Wt": wt})
            compute.runtime_args[core] = cb.runtime_args({"num_rows": n, "Ht": ht, "Wt": wt, "blk": blk,
                                                          "start_ht": row % ht})
            writer.runtime_args[core] = wb.runtime_args({"num_tiles": n * wt, "tile_offset": row * wt, "blk": blk,
                                                         "Wt": wt, "mask_padded_data": 0})
        else:
            reader.runtime_args[core] = [0] * len(rb.rta)
            compute.runtime_args[core] = [0] * len(cb.rta)
            writer.runtime_args[core] = [0] * len(wb.rta)
        row += n
    tiles = nc * ht * wt
    tensors = [TensorSlot("src", [tiles, 1024], dtype, "input"), TensorSlot("dst", [tiles, 1024], dtype, "output")]
    return Program("softmax_w", cbs, [reader, compute, writer], tensors)
