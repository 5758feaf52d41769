"""ttnn's multi-core interleaved untilize (UntilizeMultiCoreProgramFactory, TILE pages -> ROW_MAJOR sticks).

Factory: ttnn/cpp/ttnn/operations/data_movement/untilize/device/factories/untilize_multi_core_program_factory.cpp
(tenstorrent/tt-metal 005c3528129fc4774d50b195d4906570b04bf9da), interleaved input and output, the
"slow untilize" branch (use_pack_untilize=False): blocks = rows of tiles, split_blocks_for_tilize over the
grid; CBs c_0 and c_16 of one block (tiles per row) or two when a core takes 2+ blocks; reader
reader_unary_start_id.cpp with [c_0, TensorAccessorArgs(src)] and [src, tiles, first tile]; compute
untilize_variable_num_blocks.cpp with [tiles per block, c_0, c_16] and [blocks]; writer
writer_unary_stick_layout_split_rows_multi_core.cpp, in the 0.81.1 wheel with named bindings: CTAs
tile_height, num_tiles_per_input_block, num_output_blocks_across_width = 1, output_element_size,
num_cols_per_input_block, num_cols_per_output_block; RTAs num_input_blocks_to_process,
height_wise_input_block_start_index, num_unpadded_cols_per_input_block,
width_wise_output_block_start_index = 0, num_cols_already_processed_in_first_output_block = 0; dfb out;
tensor dst. fp32 inputs: fp32 accumulation (DST_ACCUM_MODE define), no unpack-to-dest on this branch.
"""
from __future__ import annotations

from program import AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot
from tests.conformance.bindings import Bindings, bind
from tests.conformance.programs.common import TILE_BYTES, kernel_source
from tests.conformance.work_split import split_blocks_for_tilize

KERNELS = "data_movement/untilize/device/kernels/"
ELEMENT = {"bfloat16": 2, "float32": 4}


def program(height: int, width: int, dtype: str, grid: tuple[int, int]) -> Program:
    """Untilize a [height, width] TILE tensor into ROW_MAJOR sticks of `width`."""
    per_row = width // 32
    work = split_blocks_for_tilize(grid, height // 32)
    cores = [CoreRange(c, c) for c, _ in work]
    depth = per_row if work[0][1] == 1 else 2 * per_row
    tile = TILE_BYTES[dtype]
    cbs = [CircularBuffer(0, dtype, tile, depth, cores, "src0"), CircularBuffer(16, dtype, tile, depth, cores, "out")]
    reader = Kernel("reader", "reader", kernel_source(KERNELS + "dataflow/reader_unary_start_id.cpp"), cores,
                    [0, AccessorArgs("src")])
    compute = Kernel("compute", "compute", kernel_source(KERNELS + "compute/untilize_variable_num_blocks.cpp"), cores,
                     [per_row, 0, 16], compute_config=ComputeConfig("HiFi4", dtype == "float32", False, False, []))
    wb = Bindings(rta=["num_input_blocks_to_process", "height_wise_input_block_start_index",
                       "num_unpadded_cols_per_input_block", "width_wise_output_block_start_index",
                       "num_cols_already_processed_in_first_output_block"],
                  cta={"tile_height": 32, "num_tiles_per_input_block": per_row, "num_output_blocks_across_width": 1,
                       "output_element_size": ELEMENT[dtype], "num_cols_per_input_block": width,
                       "num_cols_per_output_block": width},
                  dfb={"out": 16}, tensors=["dst"])
    writer = bind(Kernel("writer", "writer", kernel_source(
        KERNELS + "dataflow/writer_unary_stick_layout_split_rows_multi_core.cpp"), cores), wb)
    row = 0
    for core, blocks in work:
        reader.runtime_args[core] = [BufferAddress("src"), blocks * per_row, row * per_row]
        compute.runtime_args[core] = [blocks]
        writer.runtime_args[core] = wb.runtime_args({
            "num_input_blocks_to_process": blocks, "height_wise_input_block_start_index": row,
            "num_unpadded_cols_per_input_block": width, "width_wise_output_block_start_index": 0,
            "num_cols_already_processed_in_first_output_block": 0})
        row += blocks
    tensors = [TensorSlot("src", [height * width // 1024, 1024], dtype, "input"),
               TensorSlot("dst", [height, width], dtype, "output")]
    return Program("untilize_multi_core", cbs, [reader, compute, writer], tensors)
