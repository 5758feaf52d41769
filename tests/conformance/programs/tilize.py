"""ttnn's single-core interleaved tilize (TilizeSingleCoreProgramFactory: ROW_MAJOR sticks -> TILE pages).

Factory: ttnn/cpp/ttnn/operations/data_movement/tilize/device/tilize_single_core_program_factory.cpp
(tenstorrent/tt-metal 050f24fa811f4f26798a78feaac8a319912f5f10) with the kernels of the 0.81.1 wheel: CBs
c_0 and c_16, num_tiles_per_block tiles each (a whole row of tiles when both CBs fit in half of L1 above
the allocator's base, else the largest divisor of the row's tiles that does: `block_tiles`); reader
reader_unary_stick_layout_split_rows_singlecore.cpp, which in the wheel takes named bindings: CTA
tile_height = 32, RTAs num_sticks, num_tiles_per_block, block_width_size, num_full_blocks_in_row,
start_stick_id = 0, dfb in (c_0), tensor src; compute tilize.cpp with compile-time args [c_0, c_16,
blocks, tiles per block]; writer eltwise/unary writer_unary_interleaved_start_id.cpp with [c_16,
TensorAccessorArgs(out)] and [out, tiles, 0]. fp32 inputs: fp32 accumulation and unpack-to-dest of c_0.
"""
from __future__ import annotations

from program import AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot
from tests.conformance.bindings import Bindings, bind
from tests.conformance.programs.common import TILE_BYTES, kernel_source
from tests.conformance.work_split import split_blocks_for_tilize

ELEMENT = {"bfloat16": 2, "float32": 4}
CORE = [CoreRange((0, 0), (0, 0))]
# Wormhole's l1_size_per_core and the emulator's (and tt-metal's) L1 base of the allocator.
L1_SIZE, L1_BASE = 1499136, 105824


def block_tiles(tiles_in_row: int, dtype: str, l1_size: int = L1_SIZE, l1_base: int = L1_BASE) -> int:
    """The factory's num_tiles_per_block: max_tiles = (L1 / 2 - base) / (input tile + output tile); the
    whole row if it is no more, else the largest divisor of the row that is."""
    max_tiles = (l1_size // 2 - l1_base) // (2 * TILE_BYTES[dtype])
    if tiles_in_row <= max_tiles:
        return tiles_in_row
    return next(n for n in range(max_tiles, 0, -1) if tiles_in_row % n == 0)


def program(sticks: int, width: int, dtype: str) -> Program:
    """Tilize a [sticks, width] ROW_MAJOR tensor (sticks and width multiples of 32)."""
    tiles_in_row = width // 32
    tiles = sticks * width // 1024
    per_block = block_tiles(tiles_in_row, dtype)
    tile = TILE_BYTES[dtype]
    fp32 = dtype == "float32"
    cbs = [CircularBuffer(0, dtype, tile, per_block, CORE, "src0"), CircularBuffer(16, dtype, tile, per_block, CORE, "out")]
    rb = Bindings(rta=["num_sticks", "num_tiles_per_block", "block_width_size", "num_full_blocks_in_row",
                       "start_stick_id"], cta={"tile_height": 32}, dfb={"in": 0}, tensors=["src"])
    reader = bind(Kernel("reader", "reader", kernel_source(
        "data_movement/tilize/device/kernels/dataflow/reader_unary_stick_layout_split_rows_singlecore.cpp"), CORE), rb)
    reader.runtime_args[(0, 0)] = rb.runtime_args({
        "num_sticks": sticks, "num_tiles_per_block": per_block, "block_width_size": per_block * 32 * ELEMENT[dtype],
        "num_full_blocks_in_row": tiles_in_row // per_block, "start_stick_id": 0})
    compute = Kernel("compute", "compute", kernel_source("data_movement/tilize/device/kernels/compute/tilize.cpp"), CORE,
                     [0, 16, tiles // per_block, per_block],
                     compute_config=ComputeConfig("HiFi4", fp32, False, False, [0] if fp32 else []))
    writer = Kernel("writer", "writer",
                    kernel_source("eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id.cpp"), CORE,
                    [16, AccessorArgs("output")], {(0, 0): [BufferAddress("output"), tiles, 0]})
    tensors = [TensorSlot("src", [sticks, width], dtype, "input"), TensorSlot("output", [tiles, 1024], dtype, "output")]
    return Program("tilize_single_core", cbs, [reader, compute, writer], tensors)


def program_multi_core(sticks: int, width: int, dtype: str, grid: tuple[int, int]) -> Program:
    """ttnn.tilize's default (use_multicore) for interleaved input: TilizeMultiCoreInterleavedProgramFactory,
    ttnn/cpp/ttnn/operations/data_movement/tilize/device/tilize_multi_core_interleaved_program_factory.cpp
    (tenstorrent/tt-metal 900951752fe3c854405ba80e9af7017f669d715c). Blocks are tile-rows (a whole row of
    Wt tiles; c_0 and c_16 hold one block each), split with split_blocks_for_tilize (full cores, then one
    cliff core); per core: reader num_rows = 32 * blocks, start_page_id = its first stick; writer
    [out, Wt * blocks, first tile]; compute [c_0, c_16, blocks, Wt] per core group. The wheel's reader is
    reader_unary_stick_layout_split_rows_multicore.cpp with named bindings (CTAs tile_height,
    num_pages_in_row = 1, size_of_valid_data_in_last_page_in_row = the stick; RTAs num_rows,
    num_tiles_per_block, block_width_size, num_full_blocks_in_row = 1, start_page_id); the compute kernel is
    the wheel's data_movement tilize.cpp (the factory at that commit names deprecated/tt_dnn's, which the
    wheel no longer ships), and fp32 input unpacks c_0 to DST as the single-core factory does (the wheel's
    kernel selects its lossless fp32 mode from the CB format). Assumed: the factory's switch to its block
    variant (rows wider than 32 tiles and more cores available to a 2-D split) is not taken."""
    wt = width // 32
    work = split_blocks_for_tilize(grid, sticks // 32)
    cores = [CoreRange(c, c) for c, _ in work]
    tile = TILE_BYTES[dtype]
    fp32 = dtype == "float32"
    stick = width * ELEMENT[dtype]
    cbs = [CircularBuffer(0, dtype, tile, wt, cores, "src0"), CircularBuffer(16, dtype, tile, wt, cores, "out")]
    rb = Bindings(rta=["num_rows", "num_tiles_per_block", "block_width_size", "num_full_blocks_in_row", "start_page_id"],
                  cta={"tile_height": 32, "num_pages_in_row": 1, "size_of_valid_data_in_last_page_in_row": stick},
                  dfb={"in": 0}, tensors=["src"])
    reader = bind(Kernel("reader", "reader", kernel_source(
        "data_movement/tilize/device/kernels/dataflow/reader_unary_stick_layout_split_rows_multicore.cpp"), cores), rb)
    writer = Kernel("writer", "writer",
                    kernel_source("eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id.cpp"), cores,
                    [16, AccessorArgs("output")])
    config = ComputeConfig("HiFi4", fp32, False, False, [0] if fp32 else [])
    groups: dict[int, list[CoreRange]] = {}
    row = 0
    for core, blocks in work:
        reader.runtime_args[core] = rb.runtime_args({"num_rows": 32 * blocks, "num_tiles_per_block": wt,
                                                     "block_width_size": stick, "num_full_blocks_in_row": 1,
                                                     "start_page_id": 32 * row})
        writer.runtime_args[core] = [BufferAddress("output"), wt * blocks, wt * row]
        groups.setdefault(blocks, []).append(CoreRange(core, core))
        row += blocks
    computes = [Kernel(f"compute_{n}", "compute", kernel_source("data_movement/tilize/device/kernels/compute/tilize.cpp"),
                       group, [0, 16, n, wt], compute_config=config) for n, group in groups.items()]
    tensors = [TensorSlot("src", [sticks, width], dtype, "input"),
               TensorSlot("output", [sticks * width // 1024, 1024], dtype, "output")]
    return Program("tilize_multi_core", cbs, [reader, *computes, writer], tensors)
