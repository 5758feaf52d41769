// kernel_lib/row_major_writer.h: the row-major norm ops' writer kernel (RISCV_0), shared by layer_norm_rm
// and rms_norm_rm: drains untilized width blocks back into the output's sticks. Each op's kernels/ holds a
// one-line source including this header (the builder keeps kernel sources inside the op folder), so the
// kernel is written once.
//
// Each block in cb_out_rm holds 32 rows of block_tiles * 32 datums (what pack_untilize_block produces);
// row r belongs to stick first_stick + r at byte offset block * block_bytes. Only the tensor's bytes are
// written: rows past H and datums past W (padding) stay in L1 (stick_io.h: exact sizes, NOC alignment,
// aligned page stride).
//
// Compile-time args: cb_out_rm, elem_bytes, then TensorAccessorArgs of the output with RuntimePageSize (the
//   config word alone).
// Runtime args: output_addr, first_tile_row, num_tile_rows, W, H, Wt (ceil(W / 32)), block_tiles, the output's
//   aligned page size. Nothing that varies with the shape is a compile-time arg, so one build serves every shape
//   of a dtype (the CB formats, which tt-metal compiles into every kernel, follow the dtype).
#pragma once

#include <stdint.h>

#include "api/dataflow/dataflow_api.h"
#include "stick_io.h"
#include "tile_layout.h"

void kernel_main() {
    constexpr uint32_t cb_out_rm = get_compile_time_arg_val(0);
    constexpr uint32_t elem_bytes = get_compile_time_arg_val(1);
    constexpr auto output_args = TensorAccessorArgs<2>();

    const uint32_t first_tile_row = get_arg_val<uint32_t>(1);
    const uint32_t num_tile_rows = get_arg_val<uint32_t>(2);
    const uint32_t width = get_arg_val<uint32_t>(3);
    const uint32_t height = get_arg_val<uint32_t>(4);
    const uint32_t block_tiles = get_arg_val<uint32_t>(6);
    const auto output = TensorAccessor(output_args, get_arg_val<uint32_t>(0), get_arg_val<uint32_t>(7));
    const uint32_t num_blocks = get_arg_val<uint32_t>(5) / block_tiles;
    const auto blocks = kernel_lib::stick_blocks<elem_bytes>(block_tiles);

    for (uint32_t tile_row = first_tile_row; tile_row < first_tile_row + num_tile_rows; ++tile_row) {
        const uint32_t first_stick = tile_row * kernel_lib::kTileDim;
        const uint32_t valid_rows = kernel_lib::valid_rows_of(first_stick, height);
        for (uint32_t block = 0; block < num_blocks; ++block) {
            cb_wait_front(cb_out_rm, block_tiles);
            blocks.write_rows(get_read_ptr(cb_out_rm), output, first_stick, valid_rows, block, width);
            cb_pop_front(cb_out_rm, block_tiles);
        }
    }
}
