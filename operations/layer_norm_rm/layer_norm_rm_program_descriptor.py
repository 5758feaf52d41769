"""The layer_norm_rm Program: circular buffers, three kernels and how tile-rows spread over cores.

Backend-neutral (program/model.py): the same Program runs on hardware through ttnn.generic_op
and on the emulator. Nothing here needs a device; the caller says which grid and how much L1.

Streaming plan, per tile-row of 32 sticks: the input arrives in width blocks of B tiles; only the
shifted row d (fp32, Wt tiles) stays resident, every other intermediate streams through CBs of B
tiles, so L1 grows by one fp32 tile (4 KiB) per 32 columns and W = 4096 fits for both dtypes.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from program import (
    ELEMENT_SIZE,
    TILE_BYTES,
    TILE_WIDTH,
    AccessorArgs,
    BufferAddress,
    CircularBuffer,
    ComputeConfig,
    CoreRange,
    Kernel,
    Program,
    TensorSlot,
)

KERNEL_DIR = "operations/layer_norm_rm/kernels"
TILE = TILE_WIDTH  # tiles are square (program.TILE_HEIGHT too): a tile-row holds TILE sticks
# fp32 DST in half-sync mode holds 4 tiles per acquire; a width block is computed in one acquire.
MAX_BLOCK_TILES = 4
# Wormhole n150: MEM_L1_SIZE minus the default unreserved base (ttnn 0.81.1 wheel, tt-metal hal).
WORMHOLE_L1_BUDGET = 1464 * 1024 - 105824
WORMHOLE_GRID = (8, 8)

# CB indices: 0-7 inputs, 8-15 constants, 16-23 outputs, 24-31 intermediates (tt-metal convention).
CB_IN_RM, CB_GAMMA, CB_BETA, CB_GAMMA_RM, CB_BETA_RM = 0, 1, 2, 3, 4
CB_SCALER, CB_EPS, CB_SHIFT = 8, 9, 10
CB_OUT_RM, CB_OUT = 16, 17
CB_X, CB_D, CB_HI, CB_LO, CB_SUM, CB_MEAN, CB_RSTD = 24, 25, 26, 27, 28, 29, 30
# fp32 CBs that compute only copies into DST: unpacked straight to DST, exact (not TF32). CB_HI and
# CB_LO are not: the FPU reduces them, and CB_HI's TF32 reading is the "hi" half on purpose.
EXACT_FP32_CBS = [CB_EPS, CB_D, CB_SUM, CB_MEAN, CB_RSTD]
# CBs in the input format that are only copied, tilized or untilized: exact too when that is fp32.
EXACT_INPUT_CBS = [CB_IN_RM, CB_GAMMA, CB_BETA, CB_SHIFT, CB_OUT, CB_X]


@dataclass(frozen=True)
class CoreWork:
    core: tuple[int, int]
    first_tile_row: int
    num_tile_rows: int


def float_bits(value: float) -> int:
    """The fp32 bit pattern kernels receive scalars as."""
    return struct.unpack("<I", struct.pack("<f", value))[0]


def block_tiles(Wt: int) -> int:
    """Largest divisor of Wt that fits one DST acquire (the pack_untilize block width too)."""
    return max(b for b in range(1, MAX_BLOCK_TILES + 1) if Wt % b == 0)


def split_tile_rows(num_tile_rows: int, grid: tuple[int, int]) -> list[CoreWork]:
    """As even as possible over the first cores of the grid, row-major; no core gets zero rows."""
    gx, gy = grid
    num_cores = min(num_tile_rows, gx * gy)
    base, extra = divmod(num_tile_rows, num_cores)
    work, first = [], 0
    for i in range(num_cores):
        count = base + (1 if i < extra else 0)
        work.append(CoreWork((i % gx, i // gx), first, count))
        first += count
    return work


def core_ranges(cores: list[tuple[int, int]], grid_x: int) -> list[CoreRange]:
    """The row-major prefix of a grid as full-row rectangles plus one partial row."""
    full_rows, rest = divmod(len(cores), grid_x)
    ranges = [CoreRange((0, 0), (grid_x - 1, full_rows - 1))] if full_rows else []
    if rest:
        ranges.append(CoreRange((0, full_rows), (rest - 1, full_rows)))
    return ranges


def circular_buffers(dtype: str, Wt: int, has_gamma: bool, has_beta: bool,
                     ranges: list[CoreRange]) -> list[CircularBuffer]:
    B = block_tiles(Wt)
    tile_in, tile_f32, tile_bf16 = TILE_BYTES[dtype], TILE_BYTES["float32"], TILE_BYTES["bfloat16"]
    stick_bytes = Wt * TILE * ELEMENT_SIZE[dtype]
    table = [
        (CB_IN_RM, dtype, tile_in, 2 * B, "input sticks, one width block of 32 rows (tilize input), double-buffered"),
        (CB_SCALER, "bfloat16", tile_bf16, 1, "reduce scaler 1.0 (bf16, row 0 of each face)"),
        (CB_EPS, "float32", tile_f32, 1, "epsilon in every datum"),
        (CB_SHIFT, dtype, tile_in, 2, "per-row shift: row r holds x[r][0] in every column"),
        (CB_X, dtype, tile_in, B, "tilized input block"),
        (CB_D, "float32", tile_f32, Wt, "d = x - shift for the whole tile-row (resident until normalized)"),
        (CB_HI, "float32", tile_f32, B, "reduce input: d, read as TF32 = hi (pass A); (d - mean)^2 (pass B)"),
        (CB_LO, "float32", tile_f32, B, "reduce input: lo = d - tf32(d)"),
        (CB_SUM, "float32", tile_f32, 1, "running row sum (column 0): of d, then of (d - mean)^2"),
        (CB_MEAN, "float32", tile_f32, 1, "row mean of d (column 0)"),
        (CB_RSTD, "float32", tile_f32, 1, "rsqrt(var + eps) (column 0)"),
        (CB_OUT, dtype, tile_in, B, "normalized tiles in the output format (untilize input)"),
        (CB_OUT_RM, dtype, tile_in, 2 * B, "output sticks, one width block of 32 rows, double-buffered"),
    ]
    for used, tiles_cb, rm_cb, name in ((has_gamma, CB_GAMMA, CB_GAMMA_RM, "gamma"),
                                        (has_beta, CB_BETA, CB_BETA_RM, "beta")):
        if used:
            table.append((rm_cb, dtype, stick_bytes, 1, f"{name} stick, read once per core, resident"))
            table.append((tiles_cb, dtype, tile_in, 2 * B, f"{name} tiles, every row = the stick's 32 values, per block"))
    return [CircularBuffer(index, fmt, page, pages, list(ranges), purpose)
            for index, fmt, page, pages, purpose in sorted(table)]


def l1_bytes_per_core(cbs: list[CircularBuffer]) -> int:
    return sum(cb.total_size for cb in cbs)


def max_width_that_fits(dtype: str, has_gamma: bool, has_beta: bool, l1_budget: int) -> int:
    ranges = [CoreRange((0, 0), (0, 0))]
    Wt = 1
    while l1_bytes_per_core(circular_buffers(dtype, Wt + 1, has_gamma, has_beta, ranges)) <= l1_budget:
        Wt += 1
    return Wt * TILE


def check_shape(shape: list[int]) -> tuple[int, int]:
    """(H, W): H is the product of every dim but the last."""
    if len(shape) < 2:
        raise ValueError(f"shape={list(shape)}: expected rank >= 2")
    W = shape[-1]
    H = 1
    for d in shape[:-1]:
        H *= d
    if W % TILE or H % TILE:
        raise ValueError(f"shape={list(shape)}: H (product of all dims but the last) = {H} and W = {W} "
                         f"must both be multiples of {TILE} for now")
    return H, W


def build_program(shape: list[int], dtype: str, has_gamma: bool, has_beta: bool, epsilon: float = 1e-5,
                  grid: tuple[int, int] = WORMHOLE_GRID, l1_budget: int = WORMHOLE_L1_BUDGET,
                  param_shape: list[int] | None = None) -> Program:
    """`param_shape` is gamma's and beta's shape, [W] unless given (any [1, ..., 1, W])."""
    if dtype not in ELEMENT_SIZE:
        raise ValueError(f"dtype={dtype!r}: expected 'bfloat16' or 'float32'")
    H, W = check_shape(shape)
    Wt, B = W // TILE, block_tiles(W // TILE)
    work = split_tile_rows(H // TILE, tuple(grid))
    ranges = core_ranges([w.core for w in work], grid[0])
    cbs = circular_buffers(dtype, Wt, has_gamma, has_beta, ranges)
    needed = l1_bytes_per_core(cbs)
    if needed > l1_budget:
        raise ValueError(
            f"shape={list(shape)} ({dtype}): W={W} needs {needed} bytes of L1 per core for circular buffers, "
            f"the device offers {l1_budget}; the widest W that fits is "
            f"{max_width_that_fits(dtype, has_gamma, has_beta, l1_budget)}")

    tensors = [TensorSlot("input", list(shape), dtype, "input")]
    tensors += [TensorSlot(n, list(param_shape or [W]), dtype, "input") for n, used in (("gamma", has_gamma), ("beta", has_beta)) if used]
    tensors.append(TensorSlot("output", list(shape), dtype, "output"))
    defines = {name: "1" for name, used in (("FUSE_GAMMA", has_gamma), ("FUSE_BETA", has_beta)) if used}
    kernels = [
        _reader(dtype, Wt, B, epsilon, has_gamma, has_beta, work, ranges, defines),
        _compute(dtype, Wt, B, W, work, ranges, defines),
        _writer(dtype, Wt, B, work, ranges),
    ]
    program = Program(name="layer_norm_rm", cbs=cbs, kernels=kernels, tensors=tensors)
    program.validate()
    return program


def _reader(dtype: str, Wt: int, B: int, epsilon: float, has_gamma: bool, has_beta: bool,
            work: list[CoreWork], ranges: list[CoreRange], defines: dict[str, str]) -> Kernel:
    ct: list = [CB_IN_RM, CB_SHIFT, CB_SCALER, CB_EPS, CB_GAMMA, CB_BETA, CB_GAMMA_RM, CB_BETA_RM, B,
                AccessorArgs("input")]
    ct += [AccessorArgs(n) for n, used in (("gamma", has_gamma), ("beta", has_beta)) if used]
    gamma = BufferAddress("gamma") if has_gamma else 0
    beta = BufferAddress("beta") if has_beta else 0
    rt = {w.core: [BufferAddress("input"), gamma, beta, w.first_tile_row, w.num_tile_rows, Wt,
                   ELEMENT_SIZE[dtype], float_bits(epsilon)] for w in work}
    return Kernel("reader", "reader", f"{KERNEL_DIR}/layer_norm_rm_reader.cpp", list(ranges), ct, rt,
                  defines=dict(defines))


def _compute(dtype: str, Wt: int, B: int, W: int, work: list[CoreWork], ranges: list[CoreRange],
             defines: dict[str, str]) -> Kernel:
    ct = [CB_IN_RM, CB_SHIFT, CB_SCALER, CB_EPS, CB_GAMMA, CB_BETA, CB_X, CB_D, CB_HI, CB_LO, CB_SUM, CB_MEAN,
          CB_RSTD, CB_OUT, CB_OUT_RM, B]
    rt = {w.core: [w.num_tile_rows, Wt, float_bits(1.0 / W)] for w in work}
    exact = EXACT_FP32_CBS + (EXACT_INPUT_CBS if dtype == "float32" else [])
    config = ComputeConfig(math_fidelity="HiFi4", fp32_dest_acc_en=True, math_approx_mode=False,
                           unpack_to_dest_fp32=sorted(exact))
    return Kernel("compute", "compute", f"{KERNEL_DIR}/layer_norm_rm_compute.cpp", list(ranges), ct, rt,
                  defines=dict(defines), compute_config=config)


def _writer(dtype: str, Wt: int, B: int, work: list[CoreWork], ranges: list[CoreRange]) -> Kernel:
    ct: list = [CB_OUT_RM, B, AccessorArgs("output")]
    rt = {w.core: [BufferAddress("output"), w.first_tile_row, w.num_tile_rows, Wt, ELEMENT_SIZE[dtype]]
          for w in work}
    return Kernel("writer", "writer", f"{KERNEL_DIR}/layer_norm_rm_writer.cpp", list(ranges), ct, rt)
