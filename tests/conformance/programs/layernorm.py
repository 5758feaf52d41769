"""ttnn's interleaved layer norm / RMS norm over W (LayerNormMultiCoreProgramFactory), TILE input, with or
without gamma and beta, no residual, the non-Welford "small" kernels.

Factory: ttnn/cpp/ttnn/operations/normalization/layernorm/device/layernorm_op_multi_core.cpp
(tenstorrent/tt-metal 015365c6b4b5f2c4c8e8ff695ea31ed12549d9f1, create_descriptor), bound to the 0.81.1
wheel's kernels (layernorm/device/kernels/dataflow/reader_unary_interleaved_ln.cpp, compute/layernorm.cpp,
dataflow/writer_unary_interleaved_start_id_blocked.cpp), which take named bindings. What is mirrored:
- block_size 4 with fp32 accumulation, else 8; intermediates in Float32 with fp32 accumulation, else
  Float16_b; the reduce scaler (c_2) and epsilon (c_3) CBs always Float16_b, 2 tiles each.
- CBs at the factory's indices and depths: c_0 input (Wt rounded up to the block), c_16 output
  (2 blocks), c_18 E[x] (2, layer norm only), c_19 E[(x-E[x])^2] (2), c_24 x - E[x] (Wt up, layer norm
  only), c_20 (x - E[x])^2 (Wt up), c_21 E[..] + eps (8), c_22 the gamma/beta stream (2 blocks, when
  gamma or beta), c_5 gamma and c_6 beta (Wt up, the parameters' own format).
- Defines: RMSNORM to reader and compute; FUSE_GAMMA / FUSE_BETA to the reader, as the factory does,
  and to the compute kernel too, because the wheel's compute kernel reads dfb::gamma / dfb::beta only
  under those macros (at 015365c6 it branched on do_gamma / do_beta alone; the wheel's kernel decides).
- Compute CTAs Wt, block_size, do_gamma, do_beta, fp32_dest_acc_en, float32_reduction (= fp32
  accumulation and not legacy_reduction), W, tile_width; compute RTA NCHt.
- Reader RTAs NCHt, Wt, reader_start (the first tile-row: the wheel's reader multiplies by Wt), eps as
  its fp32 bit pattern; CTAs block_size, W. Writer RTAs Wt, num_tile_rows, writer_start (the first tile,
  = tile-row * Wt, the factory's tile_offset); CTA block_size.
- Rows (NC * Ht) split with split_work_to_cores(grid, rows, row_wise=true).
When those CBs exceed 95% of L1 the factory switches to its large-tensor kernels
(reader_unary_interleaved_ln_large_tensor.cpp, compute/layernorm_large_tensor.cpp, same writer), which
stream a row in chunks: the row-sized CBs shrink to 56 tiles (with gamma/beta or a Float32 input) or 112,
c_24 is allocated for RMS norm too, and c_26 (one tile, Float32 with float32_reduction, then also
unpack-to-dest fp32) accumulates partial row sums. `program` mirrors that choice (`fits_small_kernel`).
A later Metal 2.0 rewrite of the same factory in the index (DFB names cb_in, cb_scaler, ..., newer than
the wheel's kernels, which bind in, scaler, ...) scales the chunk by the Float16_b / intermediate tile
sizes (28 / 56 tiles with fp32 accumulation) and passes FUSE_GAMMA / FUSE_BETA to the compute kernel as
this mirror does; whether 0.81.1 already scaled the chunk is not visible, so the 015365c6 sizes stay.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field, replace

from program import CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot
from tests.conformance.bindings import Bindings, bind
from tests.conformance.programs.common import TILE_BYTES, kernel_source
from tests.conformance.work_split import split_work

KERNELS = "normalization/layernorm/device/kernels/"
IN, SCALER, EPS, GAMMA, BETA, OUT, EX, EX2, XMM2, EX2PE, FUSION, XMM, ACC = 0, 2, 3, 5, 6, 16, 18, 19, 20, 21, 22, 24, 26
# Wormhole's L1 per core (tt-metal's l1_size_per_core for wormhole_b0) and the factory's 95% margin.
L1_BYTES = 1499136
L1_FRACTION = 0.95
# The large-tensor kernels' row chunk (the factory's with_weights_max_size / without_weights_max_size).
CHUNK_WITH_WEIGHTS, CHUNK_WITHOUT = 56, 112


@dataclass(frozen=True)
class Norm:
    """What the op is asked for: RMS or layer norm, which parameters, the dtypes and the compute config."""

    rms: bool = False
    gamma: bool = False
    beta: bool = False
    dtype: str = "bfloat16"  # input, output, gamma and beta
    # layernorm_default_compute_config: HiFi4, approx off, fp32 accumulation on.
    config: ComputeConfig = field(default_factory=lambda: ComputeConfig("HiFi4", True, False, False, []))

    @property
    def fp32_acc(self) -> bool:
        return self.config.fp32_dest_acc_en

    @property
    def block(self) -> int:
        return 4 if self.fp32_acc else 8

    @property
    def inner(self) -> str:
        return "float32" if self.fp32_acc else "bfloat16"


def row_pages(norm: Norm, wt: int) -> int:
    """Pages of the row-sized CBs: Wt rounded up to the block, or the large-tensor chunk."""
    if fits_small_kernel(norm, wt):
        return -(-wt // norm.block) * norm.block
    weighted = norm.gamma or norm.beta or norm.dtype == "float32"
    return CHUNK_WITH_WEIGHTS if weighted else CHUNK_WITHOUT


def cb_tiles(norm: Norm, wt: int) -> dict[int, tuple[str, int]]:
    """CB index -> (format, pages), as create_descriptor sizes them."""
    row = row_pages(norm, wt)
    large = not fits_small_kernel(norm, wt)
    cbs = {IN: (norm.dtype, row), OUT: (norm.dtype, 2 * norm.block), SCALER: ("bfloat16", 2),
           EPS: ("bfloat16", 2), EX2: (norm.inner, 2), XMM2: (norm.inner, row), EX2PE: (norm.inner, 8)}
    if not norm.rms:
        cbs[EX] = (norm.inner, 2)
    if not norm.rms or large:
        cbs[XMM] = (norm.inner, row)
    if large:
        cbs[ACC] = ("float32" if norm.fp32_acc else norm.inner, 1)
    if norm.gamma or norm.beta:
        cbs[FUSION] = (norm.inner, 2 * norm.block)
    if norm.gamma:
        cbs[GAMMA] = (norm.dtype, row)
    if norm.beta:
        cbs[BETA] = (norm.dtype, row)
    return cbs


def fits_small_kernel(norm: Norm, wt: int) -> bool:
    """CB_can_fit_in_L1: the sum over every buffer the factory sizes, under 95% of L1. It counts gamma and
    beta at a full row (in5_t / in6_t) even when absent, at the Float16_b tile size then."""
    wt_up = -(-wt // norm.block) * norm.block
    inner = TILE_BYTES[norm.inner]
    io = TILE_BYTES[norm.dtype]
    gamma = TILE_BYTES[norm.dtype if norm.gamma else "bfloat16"]
    beta = TILE_BYTES[norm.dtype if norm.beta else "bfloat16"]
    total = (wt_up * (io + 2 * inner + gamma + beta) + 2 * norm.block * (io + 2 * inner)
             + (8 + 2 + 2) * inner + 2 * 2 * TILE_BYTES["bfloat16"])
    return total < L1_BYTES * L1_FRACTION


def program(norm: Norm, nc: int, ht: int, wt: int, grid: tuple[int, int], eps: float) -> Program:
    """The factory's Program for an [nc, ht*32, wt*32] TILE input; tensors src, [gamma], [beta], dst."""
    large = not fits_small_kernel(norm, wt)
    work = [(core, n) for core, n in split_work(grid, nc * ht, row_wise=True) if n]
    cores = [CoreRange(c, c) for c, _ in work]
    cbs = [CircularBuffer(i, fmt, TILE_BYTES[fmt], n, cores) for i, (fmt, n) in sorted(cb_tiles(norm, wt).items())]
    params = [name for name, on in (("gamma", norm.gamma), ("beta", norm.beta)) if on]
    reader_defines = {"RMSNORM": "1"} if norm.rms else {}
    reader_defines.update({f"FUSE_{p.upper()}": "1" for p in params})
    reader, rb = _reader(norm, wt, cores, params, reader_defines, large)
    compute, cb = _compute(norm, wt, cores, reader_defines, large)
    writer, wb = _writer(norm, cores)
    eps_bits = struct.unpack("<I", struct.pack("<f", eps))[0]
    row = 0
    for core, n in work:
        reader.runtime_args[core] = rb.runtime_args({"NCHt": n, "Wt": wt, "reader_start": row, "eps": eps_bits})
        compute.runtime_args[core] = cb.runtime_args({"NCHt": n})
        writer.runtime_args[core] = wb.runtime_args({"Wt": wt, "num_tile_rows": n, "writer_start": row * wt})
        row += n
    tiles = nc * ht * wt
    tensors = [TensorSlot("src", [tiles, 1024], norm.dtype, "input")]
    tensors += [TensorSlot(p, [wt, 1024], norm.dtype, "input") for p in params]
    tensors.append(TensorSlot("dst", [tiles, 1024], norm.dtype, "output"))
    name = ("rms_norm" if norm.rms else "layer_norm") + "".join(f"_{p}" for p in params)
    return Program(name, cbs, [reader, compute, writer], tensors)


def _reader(norm: Norm, wt: int, cores: list[CoreRange], params: list[str], defines: dict[str, str],
            large: bool) -> tuple[Kernel, Bindings]:
    dfb = {"in": IN, "scaler": SCALER, "eps": EPS}
    dfb.update({p: {"gamma": GAMMA, "beta": BETA}[p] for p in params})
    rb = Bindings(rta=["NCHt", "Wt", "reader_start", "eps"], cta={"block_size": norm.block, "W": wt * 32},
                  dfb=dfb, tensors=["src", *params])
    source = "dataflow/reader_unary_interleaved_ln" + ("_large_tensor" if large else "") + ".cpp"
    kernel = Kernel("reader", "reader", kernel_source(KERNELS + source), cores, defines=dict(defines))
    return bind(kernel, rb), rb


def _compute(norm: Norm, wt: int, cores: list[CoreRange], defines: dict[str, str],
             large: bool) -> tuple[Kernel, Bindings]:
    names = {"in": IN, "scaler": SCALER, "eps": EPS, "out": OUT, "xmm2": XMM2, "ex2": EX2, "ex2pe": EX2PE}
    if not norm.rms:
        names["ex"] = EX
    if not norm.rms or large:
        names["xmm"] = XMM
    if large:
        names["accumulate"] = ACC
    if norm.gamma or norm.beta:
        names["fusion"] = FUSION
    if norm.gamma:
        names["gamma"] = GAMMA
    if norm.beta:
        names["beta"] = BETA
    cta = {"Wt": wt, "block_size": norm.block, "do_gamma": int(norm.gamma), "do_beta": int(norm.beta),
           "fp32_dest_acc_en": int(norm.fp32_acc), "float32_reduction": int(norm.fp32_acc), "W": wt * 32,
           "tile_width": 32}
    cb = Bindings(rta=["NCHt"], cta=cta, dfb=names)
    config = norm.config
    if large and norm.fp32_acc:  # float32_reduction: c_26 unpacks to DST in fp32
        config = replace(config, unpack_to_dest_fp32=sorted({*config.unpack_to_dest_fp32, ACC}))
    source = "compute/layernorm" + ("_large_tensor" if large else "") + ".cpp"
    kernel = Kernel("compute", "compute", kernel_source(KERNELS + source), cores, defines=dict(defines),
                    compute_config=config)
    return bind(kernel, cb), cb


def _writer(norm: Norm, cores: list[CoreRange]) -> tuple[Kernel, Bindings]:
    wb = Bindings(rta=["Wt", "num_tile_rows", "writer_start"], cta={"block_size": norm.block}, dfb={"out": OUT},
                  tensors=["dst"])
    kernel = Kernel("writer", "writer", kernel_source(KERNELS + "dataflow/writer_unary_interleaved_start_id_blocked.cpp"),
                    cores)
    return bind(kernel, wb), wb
