// layer_norm_rm writer (RISCV_0): drains untilized width blocks back into the output's sticks.
//
// Each block in cb_out_rm holds 32 rows of block_tiles * 32 datums (what pack_untilize_block
// produces); row r belongs to stick first_stick + r at byte offset block * block_bytes. Only the
// tensor's bytes are written: rows past H and datums past W (padding) stay in L1. Both addresses
// of every write start 32 B aligned (page start or CB row plus a multiple of block_bytes).
//
// Compile-time args: cb_out_rm, block_tiles, Wt, elem_bytes, then TensorAccessorArgs of the output.
// Runtime args: output_addr, first_tile_row, num_tile_rows, W, H.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr uint32_t cb_out_rm = get_compile_time_arg_val(0);
    constexpr uint32_t block_tiles = get_compile_time_arg_val(1);
    constexpr uint32_t Wt = get_compile_time_arg_val(2);
    constexpr uint32_t elem_bytes = get_compile_time_arg_val(3);
    constexpr auto output_args = TensorAccessorArgs<4>();
    constexpr uint32_t tile_dim = 32;
    constexpr uint32_t block_datums = block_tiles * tile_dim;
    constexpr uint32_t block_bytes = block_datums * elem_bytes;
    constexpr uint32_t num_blocks = Wt / block_tiles;

    const uint32_t first_tile_row = get_arg_val<uint32_t>(1);
    const uint32_t num_tile_rows = get_arg_val<uint32_t>(2);
    const uint32_t width = get_arg_val<uint32_t>(3);
    const uint32_t height = get_arg_val<uint32_t>(4);
    const auto output = TensorAccessor(output_args, get_arg_val<uint32_t>(0));

    for (uint32_t tile_row = first_tile_row; tile_row < first_tile_row + num_tile_rows; ++tile_row) {
        const uint32_t first_stick = tile_row * tile_dim;
        const uint32_t valid_rows = height - first_stick < tile_dim ? height - first_stick : tile_dim;
        for (uint32_t block = 0; block < num_blocks; ++block) {
            const uint32_t start = block * block_datums;
            const uint32_t bytes = (width - start < block_datums ? width - start : block_datums) * elem_bytes;
            cb_wait_front(cb_out_rm, block_tiles);
            const uint32_t rows_l1 = get_read_ptr(cb_out_rm);
            for (uint32_t r = 0; r < valid_rows; ++r) {
                noc_async_write(rows_l1 + r * block_bytes, output.get_noc_addr(first_stick + r, block * block_bytes),
                                bytes);
            }
            noc_async_write_barrier();
            cb_pop_front(cb_out_rm, block_tiles);
        }
    }
}
