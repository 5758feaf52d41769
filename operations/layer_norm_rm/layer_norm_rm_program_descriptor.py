"""The layer_norm_rm Program: circular buffers, three kernels and how tile-rows spread over cores.

Backend-neutral (program/model.py): the same Program runs on hardware through ttnn.generic_op
and on the emulator. Nothing here needs a device; the caller says which grid and how much L1.

Two plans (the compute kernel's header explains the math):
  resident  the shifted row d (fp32, Wt tiles) stays in L1; the input is read once. L1 grows by one
            fp32 tile (4 KiB, plus gamma/beta stick bytes) per 32 columns.
  streamed  nothing of a row stays in L1; the reader sends each width block twice (statistics, then
            normalisation). L1 is independent of W. Chosen when the resident plan does not fit.
Partial tiles (W % 32, H % 32) are padded in L1 only; the kernels read and write the tensor's bytes.
"""
from __future__ import annotations

from dataclasses import dataclass

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
    PageSize,
    Program,
    TensorSlot,
)

KERNEL_DIR = "operations/layer_norm_rm/kernels"
# Wormhole n150: MEM_L1_SIZE minus the default unreserved base (ttnn 0.81.1 wheel, tt-metal hal).
WORMHOLE_L1_BUDGET = 1464 * 1024 - 105824
WORMHOLE_GRID = (8, 8)
PLANS = ("resident", "streamed")
# The default compute configuration: HiFi3 + fp32 DST, the accurate one that is safe on Wormhole
# (HiFi4 + fp32 DST is tt-metal#38306; ttnn's Wormhole default moved to HiFi3 in tt-metal#40089).
DEFAULT_COMPUTE = ComputeConfig(math_fidelity="HiFi3", fp32_dest_acc_en=True, math_approx_mode=False)

# CB indices: 0-7 inputs, 8-15 constants, 16-23 outputs, 24-31 intermediates (tt-metal convention).
CB_IN_RM, CB_GAMMA, CB_BETA, CB_GAMMA_RM, CB_BETA_RM = 0, 1, 2, 3, 4
CB_EPS, CB_MASK, CB_ONES = 9, 11, 12
CB_OUT_RM, CB_OUT = 16, 17
CB_X, CB_D, CB_ACC, CB_ACC2, CB_CENTER, CB_MEAN, CB_RSTD = 24, 25, 26, 27, 28, 29, 30
# fp32 CBs that compute only copies into DST: unpacked straight to DST, exact (not TF32).
EXACT_FP32_CBS = [CB_EPS, CB_MASK, CB_D, CB_ACC, CB_ACC2, CB_CENTER, CB_MEAN, CB_RSTD]
# CBs in the input format that are only copied, tilized or untilized: exact too when that is fp32.
EXACT_INPUT_CBS = [CB_IN_RM, CB_GAMMA, CB_BETA, CB_OUT, CB_X]
# tt-metal compiles the data format of every CB on a kernel's cores into that kernel and hashes them into its
# build key, data-movement kernels included (tt_metal/impl/program/program.cpp, ProgramImpl::compile:
# set_cb_data_fmt for every kernel, then KernelCompileHash over the hlk_desc's buf_dataformat_arr), so the
# CB set is the same with or without gamma and beta: an absent parameter keeps its two CBs, one small page
# each that no kernel touches (bf16: 2048 + 64 B per parameter, fp32: 4096 + 128 B), and its presence is a
# runtime arg. One kernel build then serves every parameter set.
UNUSED_PARAM_CB = "declared so the CB formats, and so the kernel builds, do not depend on the parameter set; unused"


@dataclass(frozen=True)
class Layout(TileRows):
    """The shape's tile counts plus the plan; `dest16`: the compute config has a 16-bit DST (fp32_dest_acc_en
    False), which changes how row means are made (compute kernel header); `params_once` (resident only):
    gamma/beta are built into row-repeated tiles once per core and stay in L1 (Wt tiles each), else their
    sticks stay and B tiles per block are built again for every tile-row."""
    plan: str = "resident"
    dest16: bool = False
    params_once: bool = False

    @property
    def passes(self) -> int:
        """How often the reader sends the input: once resident, twice streamed."""
        return 1 if self.plan == "resident" else 2


def circular_buffers(layout: Layout, has_gamma: bool, has_beta: bool,
                     ranges: list[CoreRange]) -> list[CircularBuffer]:
    dtype, Wt, B, resident = layout.dtype, layout.Wt, layout.B, layout.plan == "resident"
    tile_in, tile_f32 = TILE_BYTES[dtype], TILE_BYTES["float32"]
    table = [
        (CB_IN_RM, dtype, tile_in, 2 * B, "input sticks, one width block of 32 rows (tilize input), double-buffered"),
        (CB_EPS, "float32", tile_f32, 1, "epsilon in every datum"),
        (CB_X, dtype, tile_in, B, "tilized input block"),
        (CB_MEAN, "float32", tile_f32, 1, "row mean of d (column 0)"),
        (CB_RSTD, "float32", tile_f32, 1, "rsqrt(var + eps) (column 0)"),
        (CB_OUT, dtype, tile_in, B, "normalized tiles in the output format (untilize input)"),
        (CB_OUT_RM, dtype, tile_in, 2 * B, "output sticks, one width block of 32 rows, double-buffered"),
    ]
    if layout.W % TILE:
        table.append((CB_MASK, "float32", tile_f32, 1, "1.0 in the W % 32 valid columns of the last tile, else 0"))
    if layout.dest16:
        table.append((CB_ONES, "float32", tile_f32, 1, "16-bit DST: 1.0 in every datum (matmul row sums)"))
    table.append((CB_CENTER, "float32", tile_f32, 1, "per-row shift: mean of the row's first tile (column 0)"))
    if resident:
        table.append((CB_D, "float32", tile_f32, Wt, "d = x - shift for the whole tile-row (until normalized)"))
        if layout.dest16:
            table.append((CB_ACC, "float32", tile_f32, 1, "16-bit DST: a row-sum tile on its way to the matmul"))
    else:
        table.append((CB_ACC, "float32", tile_f32, 1, "running element-wise sum of d, once per block"))
        table.append((CB_ACC2, "float32", tile_f32, 1, "running element-wise sum of d^2, once per block"))
    stick_bytes = (Wt if resident else B) * TILE * ELEMENT_SIZE[dtype]
    what = ("stick, read once per core to build the tiles" if layout.params_once else
            "stick, read once per core, resident" if resident else "stick block, read per block of pass 2")
    tiles, when = (Wt, "all Wt, built once per core") if layout.params_once else (2 * B, "per block")
    for used, tiles_cb, rm_cb, name in ((has_gamma, CB_GAMMA, CB_GAMMA_RM, "gamma"),
                                        (has_beta, CB_BETA, CB_BETA_RM, "beta")):
        if used:
            table.append((rm_cb, dtype, stick_bytes, 1, f"{name} {what}"))
            table.append((tiles_cb, dtype, tile_in, tiles, f"{name} tiles, every row = 32 stick values, {when}"))
        else:
            table.append((rm_cb, dtype, TILE * ELEMENT_SIZE[dtype], 1, f"no {name}: {UNUSED_PARAM_CB}"))
            table.append((tiles_cb, dtype, tile_in, 1, f"no {name}: {UNUSED_PARAM_CB}"))
    return [CircularBuffer(index, fmt, page, pages, list(ranges), purpose)
            for index, fmt, page, pages, purpose in sorted(table)]


def resident_l1_bytes(dtype: str, W: int, has_gamma: bool, has_beta: bool, dest16: bool = False,
                      params_once: bool = False) -> int:
    layout = Layout(TILE, W, dtype, "resident", dest16, params_once)
    return l1_bytes_per_core(circular_buffers(layout, has_gamma, has_beta, [CoreRange((0, 0), (0, 0))]))


def max_resident_width(dtype: str, has_gamma: bool, has_beta: bool, l1_budget: int, dest16: bool = False,
                       params_once: bool = False) -> int:
    """The widest W (a multiple of 32) whose resident plan fits `l1_budget` (with gamma/beta tiles built once
    per core when `params_once`)."""
    Wt = 1
    while resident_l1_bytes(dtype, (Wt + 1) * TILE, has_gamma, has_beta, dest16, params_once) <= l1_budget:
        Wt += 1
    return Wt * TILE


def candidates(dtype: str, H: int, W: int, has_params: bool, dest16: bool, plan: str | None = None) -> list[Layout]:
    """The layouts to try, best first: resident with gamma/beta tiles built once per core (when there are
    any), resident rebuilding them per tile-row, then streamed; only those of `plan` when it is forced."""
    options = ([Layout(H, W, dtype, "resident", dest16, True)] if has_params else [])
    options += [Layout(H, W, dtype, "resident", dest16), Layout(H, W, dtype, "streamed", dest16)]
    return [o for o in options if plan in (None, o.plan)]


def choose_plan(dtype: str, H: int, W: int, has_gamma: bool, has_beta: bool, l1_budget: int,
                dest16: bool = False, plan: str | None = None) -> Layout:
    """Resident when it fits L1 (reads the input once), else streamed (reads it twice). A 16-bit DST has the
    resident plan only: the streamed plan's running sums cross L1 once per block, so with bf16 storage their
    rounding error would grow with W / (32 * block) (no pairwise order across blocks)."""
    options = candidates(dtype, H, W, has_gamma or has_beta, dest16, plan)
    for layout in options:
        cbs = circular_buffers(layout, has_gamma, has_beta, [CoreRange((0, 0), (0, 0))])
        if l1_bytes_per_core(cbs) <= l1_budget:
            return layout
        if dest16 and layout.plan == "resident" and not layout.params_once:
            widest = max_resident_width(dtype, has_gamma, has_beta, l1_budget, dest16)
            raise ValueError(f"W={W} ({dtype}) with compute_kernel_config.fp32_dest_acc_en=False: a 16-bit DST "
                             f"needs the resident plan, which fits W <= {widest} here; use fp32_dest_acc_en=True "
                             f"(the default) for wider rows")
    if plan is not None:
        return options[-1]  # forced: build_program names what it needs
    raise ValueError(f"W={W} ({dtype}): even the streamed plan needs {l1_bytes_per_core(cbs)} bytes of L1 per "
                     f"core, the device offers {l1_budget}")


def build_program(shape: list[int], dtype: str, has_gamma: bool, has_beta: bool, epsilon: float = 1e-5,
                  grid: tuple[int, int] = WORMHOLE_GRID, l1_budget: int = WORMHOLE_L1_BUDGET,
                  param_shape: list[int] | None = None, compute: ComputeConfig | dict | None = None,
                  plan: str | None = None) -> Program:
    """`param_shape` is gamma's and beta's shape, [W] unless given (any [1, ..., 1, W]); `compute` a
    ComputeConfig or its fields as a dict (the spec's representative cases are JSON); `plan` forces
    a plan (tests), else the resident plan is chosen when it fits `l1_budget`."""
    if isinstance(compute, dict):
        compute = ComputeConfig(**compute)
    if dtype not in ELEMENT_SIZE:
        raise ValueError(f"dtype={dtype!r}: expected 'bfloat16' or 'float32'")
    if plan is not None and plan not in PLANS:
        raise ValueError(f"plan={plan!r}: expected one of {PLANS}")
    if plan == "streamed" and compute is not None and not compute.fp32_dest_acc_en:
        raise ValueError("plan='streamed' with fp32_dest_acc_en=False: a 16-bit DST has the resident plan only")
    H, W = check_shape(shape)
    compute = compute or DEFAULT_COMPUTE
    dest16 = not compute.fp32_dest_acc_en
    layout = choose_plan(dtype, H, W, has_gamma, has_beta, l1_budget, dest16, plan)
    work = split_tile_rows(layout.Ht, tuple(grid))
    ranges = core_ranges([w.core for w in work], grid[0])
    cbs = circular_buffers(layout, has_gamma, has_beta, ranges)
    needed = l1_bytes_per_core(cbs)
    if needed > l1_budget:
        raise ValueError(f"shape={list(shape)} ({dtype}), plan {layout.plan}: needs {needed} bytes of L1 per core "
                         f"for circular buffers, the device offers {l1_budget}")

    tensors = [TensorSlot("input", list(shape), dtype, "input")]
    tensors += [TensorSlot(n, list(param_shape or [W]), dtype, "input") for n, used in (("gamma", has_gamma), ("beta", has_beta)) if used]
    tensors.append(TensorSlot("output", list(shape), dtype, "output"))
    flags = (("STREAMED", layout.plan == "streamed"), ("PARTIAL_W", W % TILE != 0), ("DEST_16BIT", dest16))
    defines = {name: "1" for name, used in flags if used}
    kernels = [
        _reader(layout, epsilon, has_gamma, has_beta, work, ranges, defines),
        _compute(layout, has_gamma, has_beta, work, ranges, defines, compute),
        writer_kernel(f"{KERNEL_DIR}/layer_norm_rm_writer.cpp", layout, CB_OUT_RM, work, ranges),
    ]
    notes = (", 16-bit DST" if dest16 else "") + (", gamma/beta tiled once" if layout.params_once else "")
    program = Program(name=f"layer_norm_rm[{layout.plan}{notes}, L1 {needed} B/core]", cbs=cbs, kernels=kernels,
                      tensors=tensors)
    program.validate()
    return program


def _reader(layout: Layout, epsilon: float, has_gamma: bool, has_beta: bool, work: list[CoreWork],
            ranges: list[CoreRange], defines: dict[str, str]) -> Kernel:
    """Every count, the block width, the pass count, the parameter set and the page sizes are runtime args: one
    build per dtype (and PARTIAL_W / DEST_16BIT). An absent parameter's accessor slot repeats the input's words
    (never read)."""
    present = {"gamma": has_gamma, "beta": has_beta}
    ct: list = [CB_IN_RM, CB_EPS, CB_MASK, CB_GAMMA, CB_BETA, CB_GAMMA_RM, CB_BETA_RM, ELEMENT_SIZE[layout.dtype],
                CB_ONES]
    slots = [n if present.get(n, True) else "input" for n in ("input", "gamma", "beta")]
    ct += [AccessorArgs(n, runtime_page_size=True) for n in slots]
    address = {n: BufferAddress(n) if used else 0 for n, used in present.items()}
    page = {n: PageSize(n) if used else 0 for n, used in present.items()}
    # what every core's args share, computed once (the layout's tile counts are properties, computed per use)
    counts = [layout.W, layout.H, float_bits(epsilon), int(layout.params_once), layout.Wt, layout.B, layout.passes]
    rt = {w.core: [BufferAddress("input"), address["gamma"], address["beta"], w.first_tile_row, w.num_tile_rows,
                   *counts, int(has_gamma), int(has_beta), PageSize("input"), page["gamma"], page["beta"]]
          for w in work}
    # The plan reaches the reader as its pass count; STREAMED selects compute code only.
    reader_defines = {name: value for name, value in defines.items() if name != "STREAMED"}
    return Kernel("reader", "reader", f"{KERNEL_DIR}/layer_norm_rm_reader.cpp", list(ranges), ct, rt,
                  defines=reader_defines)


def _compute(layout: Layout, has_gamma: bool, has_beta: bool, work: list[CoreWork], ranges: list[CoreRange],
             defines: dict[str, str], compute: ComputeConfig) -> Kernel:
    """Wt, params_once and the parameter set are runtime args: one build serves every W of a dtype and block
    width (B stays compile-time: tt-metal's pack_untilize_block takes it as a template argument)."""
    ct = [CB_IN_RM, CB_CENTER, CB_EPS, CB_MASK, CB_GAMMA, CB_BETA, CB_X, CB_D, CB_ACC, CB_ACC2, CB_MEAN,
          CB_RSTD, CB_OUT, CB_OUT_RM, layout.B, layout.passes, CB_ONES]
    shared = [float_bits(1.0 / layout.W), float_bits(1.0 / min(layout.W, TILE)), layout.Wt, int(layout.params_once),
              int(has_gamma), int(has_beta)]  # the same on every core, computed once
    rt = {w.core: [w.num_tile_rows, *shared] for w in work}
    # Unpacking straight to DST keeps 32 bits only where DST has them: none with a 16-bit DST.
    exact = [] if layout.dest16 else EXACT_FP32_CBS + (EXACT_INPUT_CBS if layout.dtype == "float32" else [])
    config = ComputeConfig(math_fidelity=compute.math_fidelity, fp32_dest_acc_en=compute.fp32_dest_acc_en,
                           math_approx_mode=compute.math_approx_mode, unpack_to_dest_fp32=sorted(exact))
    return Kernel("compute", "compute", f"{KERNEL_DIR}/layer_norm_rm_compute.cpp", list(ranges), ct, rt,
                  defines=dict(defines), compute_config=config)
