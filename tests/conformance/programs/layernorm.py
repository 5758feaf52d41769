"""ttnn's interleaved layer norm / RMS norm over W (LayerNormMultiCoreProgramFactory), TILE input, no
gamma/beta, no residual.

Factory: ttnn/cpp/ttnn/operations/normalization/layernorm/device/layernorm_op_multi_core.cpp
(tenstorrent/tt-metal 015365c6b4b5f2c4c8e8ff695ea31ed12549d9f1), bound to the wheel's kernels
(layernorm/device/kernels/dataflow/reader_unary_interleaved_ln.cpp, compute/layernorm.cpp,
dataflow/writer_unary_interleaved_start_id_blocked.cpp), which take named bindings in 0.81.1. Values as
the factory computes them for bf16 without fp32 accumulation: block_size 8, Wt rounded up to the block
for the input and the x - E[x] and (x - E[x])^2 buffers, output 2 * block_size, the scaler and epsilon
buffers 2 tiles, E[x] and E[(x - E[x])^2] 2 tiles, E[..] + eps 8 tiles (the factory's im4_t); CB
indices are ours (Metal 2.0 assigns them). eps travels as its fp32 bit pattern. Rows (NC * Ht) split
with split_work_to_cores(grid, rows, row_wise=true). Compute config: HiFi4, approx off, fp32
accumulation off (the ttnn default config assumed); RMSNORM define for RMS norm.
"""
from __future__ import annotations

import struct

from program import CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot
from tests.conformance.bindings import Bindings, bind
from tests.conformance.programs.common import TILE_BYTES, kernel_source
from tests.conformance.work_split import split_work

KERNELS = "normalization/layernorm/device/kernels/"
IN, SCALER, EPS, OUT, XMM, XMM2, EX, EX2, EX2PE = 0, 2, 3, 16, 24, 25, 26, 27, 28


def program(nc: int, ht: int, wt: int, grid: tuple[int, int], eps: float, rms: bool) -> Program:
    dtype = "bfloat16"
    tile = TILE_BYTES[dtype]
    blk = 8
    wt_up = -(-wt // blk) * blk
    work = [(core, n) for core, n in split_work(grid, nc * ht, row_wise=True) if n]
    cores = [CoreRange(c, c) for c, _ in work]
    sizes = {IN: wt_up, SCALER: 2, EPS: 2, OUT: 2 * blk, XMM: wt_up, XMM2: wt_up, EX: 2, EX2: 2, EX2PE: 8}
    if rms:
        del sizes[XMM], sizes[EX]
    cbs = [CircularBuffer(i, dtype, tile, n, cores) for i, n in sorted(sizes.items())]
    defines = {"RMSNORM": "1"} if rms else {}
    rb = Bindings(rta=["NCHt", "Wt", "reader_start", "eps"], cta={"block_size": blk, "W": wt * 32},
                  dfb={"in": IN, "scaler": SCALER, "eps": EPS}, tensors=["src"])
    names = {"in": IN, "scaler": SCALER, "eps": EPS, "out": OUT, "xmm2": XMM2, "ex2": EX2, "ex2pe": EX2PE}
    if not rms:
        names.update({"xmm": XMM, "ex": EX})
    cb = Bindings(rta=["NCHt"], cta={"Wt": wt, "block_size": blk, "do_gamma": 0, "do_beta": 0, "fp32_dest_acc_en": 0,
                                    "float32_reduction": 0, "W": wt * 32, "tile_width": 32}, dfb=names)
    wb = Bindings(rta=["Wt", "num_tile_rows", "writer_start"], cta={"block_size": blk}, dfb={"out": OUT},
                  tensors=["dst"])
    reader = bind(Kernel("reader", "reader", kernel_source(KERNELS + "dataflow/reader_unary_interleaved_ln.cpp"), cores,
                         defines=dict(defines)), rb)
    compute = bind(Kernel("compute", "compute", kernel_source(KERNELS + "compute/layernorm.cpp"), cores,
                          defines=dict(defines), compute_config=ComputeConfig("HiFi4", False, False, False, [])), cb)
    writer = bind(Kernel("writer", "writer", kernel_source(KERNELS + "dataflow/writer_unary_interleaved_start_id_blocked.cpp"),
                         cores, defines=dict(defines)), wb)
    eps_bits = struct.unpack("<I", struct.pack("<f", eps))[0]
    row = 0
    for core, n in work:
        reader.runtime_args[core] = rb.runtime_args({"NCHt": n, "Wt": wt, "reader_start": row, "eps": eps_bits})
        compute.runtime_args[core] = cb.runtime_args({"NCHt": n})
        writer.runtime_args[core] = wb.runtime_args({"Wt": wt, "num_tile_rows": n, "writer_start": row})
        row += n
    tiles = nc * ht * wt
    tensors = [TensorSlot("src", [tiles, 1024], dtype, "input"), TensorSlot("dst", [tiles, 1024], dtype, "output")]
    return Program("rms_norm" if rms else "layer_norm", cbs, [reader, compute, writer], tensors)
