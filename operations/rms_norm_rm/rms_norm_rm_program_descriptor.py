"""The rms_norm_rm Program: circular buffers, three kernels and how tile-rows spread over cores.

Backend-neutral (program/model.py): the same Program runs on hardware through ttnn.generic_op and on
the emulator. Nothing here needs a device; the caller says which grid and how much L1.

One plan, streamed (the compute kernel's header explains the math): nothing of a row stays in L1 and
the reader sends each width block twice (sum of squares, then scaling), so L1 does not depend on W and
every W runs. Partial tiles (W % 32, H % 32) are padded with zeros in L1 only; the kernels read and
write the tensor's bytes. The work split, width blocks, shape rule and the writer kernel are shared
with layer_norm_rm (operations/row_major_tiles.py, operations/kernel_lib/), the compute default and
device budgets are layer_norm_rm's (imported, so each is defined once).
"""
from __future__ import annotations

from operations.layer_norm_rm.layer_norm_rm_program_descriptor import (
    DEFAULT_COMPUTE,
    WORMHOLE_GRID,
    WORMHOLE_L1_BUDGET,
)
from operations.row_major_tiles import (
    TILE,
    CoreWork,
    TileRows,
    check_shape,
    core_ranges,
    float_bits,
    l1_bytes_per_core,
    split_tile_rows,
    writer_kernel,
)
from program import (
    ELEMENT_SIZE,
    TILE_BYTES,
    AccessorArgs,
    BufferAddress,
    CircularBuffer,
    ComputeConfig,
    CoreRange,
    Kernel,
    Program,
    TensorSlot,
)

__all__ = ["DEFAULT_COMPUTE", "WORMHOLE_GRID", "WORMHOLE_L1_BUDGET", "Layout", "build_program", "check_shape",
           "circular_buffers"]

KERNEL_DIR = "operations/rms_norm_rm/kernels"

# CB indices: 0-7 inputs, 8-15 constants, 16-23 outputs, 24-31 intermediates (tt-metal convention).
CB_IN_RM, CB_GAMMA, CB_GAMMA_RM = 0, 1, 3
CB_EPS = 9
CB_OUT_RM, CB_OUT = 16, 17
CB_X, CB_ACC, CB_RINV = 24, 26, 30
# fp32 CBs that compute only copies into DST: unpacked straight to DST, exact (not TF32).
EXACT_FP32_CBS = [CB_EPS, CB_ACC, CB_RINV]
# CBs in the input format that are only copied, tilized or untilized: exact too when that is fp32.
EXACT_INPUT_CBS = [CB_IN_RM, CB_GAMMA, CB_OUT, CB_X]


Layout = TileRows  # one plan: the shape's tile counts are all the kernels need


def circular_buffers(layout: Layout, has_gamma: bool, ranges: list[CoreRange]) -> list[CircularBuffer]:
    """L1 per core, independent of W: 6*B input-format tiles, 3 fp32 tiles, gamma's 2*B tiles + a block."""
    dtype, B = layout.dtype, layout.B
    tile_in, tile_f32 = TILE_BYTES[dtype], TILE_BYTES["float32"]
    table = [
        (CB_IN_RM, dtype, tile_in, 2 * B, "input sticks, one width block of 32 rows (tilize input), double-buffered; "
                                          "every block twice"),
        (CB_EPS, "float32", tile_f32, 1, "epsilon in every datum"),
        (CB_X, dtype, tile_in, B, "tilized input block"),
        (CB_ACC, "float32", tile_f32, 1, "running element-wise sum of x^2, once per block"),
        (CB_RINV, "float32", tile_f32, 1, "rsqrt(mean(x^2) + eps) (column 0)"),
        (CB_OUT, dtype, tile_in, B, "scaled tiles in the output format (untilize input)"),
        (CB_OUT_RM, dtype, tile_in, 2 * B, "output sticks, one width block of 32 rows, double-buffered"),
    ]
    if has_gamma:
        table.append((CB_GAMMA_RM, dtype, B * TILE * ELEMENT_SIZE[dtype], 1, "gamma stick block, read per block of "
                                                                             "pass 2"))
        table.append((CB_GAMMA, dtype, tile_in, 2 * B, "gamma tiles, every row = 32 stick values, per block"))
    return [CircularBuffer(index, fmt, page, pages, list(ranges), purpose)
            for index, fmt, page, pages, purpose in sorted(table)]


def build_program(shape: list[int], dtype: str, has_gamma: bool, epsilon: float = 1e-6,
                  grid: tuple[int, int] = WORMHOLE_GRID, l1_budget: int = WORMHOLE_L1_BUDGET,
                  gamma_shape: list[int] | None = None, compute: ComputeConfig | None = None) -> Program:
    """`gamma_shape` is gamma's shape, [W] unless given (any [1, ..., 1, W])."""
    if dtype not in ELEMENT_SIZE:
        raise ValueError(f"dtype={dtype!r}: expected 'bfloat16' or 'float32'")
    H, W = check_shape(shape)
    layout = Layout(H, W, dtype)
    work = split_tile_rows(layout.Ht, tuple(grid))
    ranges = core_ranges([w.core for w in work], grid[0])
    cbs = circular_buffers(layout, has_gamma, ranges)
    needed = l1_bytes_per_core(cbs)
    if needed > l1_budget:
        raise ValueError(f"shape={list(shape)} ({dtype}): needs {needed} bytes of L1 per core for circular buffers, "
                         f"the device offers {l1_budget}")

    tensors = [TensorSlot("input", list(shape), dtype, "input")]
    if has_gamma:
        tensors.append(TensorSlot("gamma", list(gamma_shape or [W]), dtype, "input"))
    tensors.append(TensorSlot("output", list(shape), dtype, "output"))
    defines = {"FUSE_GAMMA": "1"} if has_gamma else {}
    kernels = [
        _reader(layout, epsilon, has_gamma, work, ranges, defines),
        _compute(layout, work, ranges, defines, compute or DEFAULT_COMPUTE),
        writer_kernel(f"{KERNEL_DIR}/rms_norm_rm_writer.cpp", layout, CB_OUT_RM, work, ranges),
    ]
    program = Program(name=f"rms_norm_rm[streamed, L1 {needed} B/core]", cbs=cbs, kernels=kernels, tensors=tensors)
    program.validate()
    return program


def _reader(layout: Layout, epsilon: float, has_gamma: bool, work: list[CoreWork], ranges: list[CoreRange],
            defines: dict[str, str]) -> Kernel:
    ct: list = [CB_IN_RM, CB_EPS, CB_GAMMA, CB_GAMMA_RM, layout.B, layout.Wt, ELEMENT_SIZE[layout.dtype],
                AccessorArgs("input")]
    if has_gamma:
        ct.append(AccessorArgs("gamma"))
    gamma = BufferAddress("gamma") if has_gamma else 0
    rt = {w.core: [BufferAddress("input"), gamma, w.first_tile_row, w.num_tile_rows, layout.W, layout.H,
                   float_bits(epsilon)] for w in work}
    return Kernel("reader", "reader", f"{KERNEL_DIR}/rms_norm_rm_reader.cpp", list(ranges), ct, rt,
                  defines=dict(defines))


def _compute(layout: Layout, work: list[CoreWork], ranges: list[CoreRange], defines: dict[str, str],
             compute: ComputeConfig) -> Kernel:
    ct = [CB_IN_RM, CB_EPS, CB_GAMMA, CB_X, CB_ACC, CB_RINV, CB_OUT, CB_OUT_RM, layout.B, layout.Wt]
    rt = {w.core: [w.num_tile_rows, float_bits(1.0 / layout.W)] for w in work}
    exact = EXACT_FP32_CBS + (EXACT_INPUT_CBS if layout.dtype == "float32" else [])
    config = ComputeConfig(math_fidelity=compute.math_fidelity, fp32_dest_acc_en=compute.fp32_dest_acc_en,
                           math_approx_mode=compute.math_approx_mode, unpack_to_dest_fp32=sorted(exact))
    return Kernel("compute", "compute", f"{KERNEL_DIR}/rms_norm_rm_compute.cpp", list(ranges), ct, rt,
                  defines=dict(defines), compute_config=config)
