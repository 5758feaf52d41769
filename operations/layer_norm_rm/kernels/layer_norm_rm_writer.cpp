// layer_norm_rm writer (RISCV_0): drains untilized width blocks back into the output's sticks.
//
// Each block in cb_out_rm holds 32 rows of block_tiles * 32 datums (what pack_untilize_block
// produces); row r belongs to stick first_stick + r at byte offset block * block_bytes.
//
// Compile-time args: cb_out_rm, block_tiles, then TensorAccessorArgs of the output.
// Runtime args: output_addr, first_tile_row, num_tile_rows, Wt, elem_bytes.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr uint32_t cb_out_rm = get_compile_time_arg_val(0);
    constexpr uint32_t block_tiles = get_compile_time_arg_val(1);
    constexpr auto output_args = TensorAccessorArgs<2>();
    constexpr uint32_t tile_dim = 32;

    const uint32_t output_addr = get_arg_val<uint32_t>(0);
    const uint32_t first_tile_row = get_arg_val<uint32_t>(1);
    const uint32_t num_tile_rows = get_arg_val<uint32_t>(2);
    const uint32_t Wt = get_arg_val<uint32_t>(3);
    const uint32_t elem_bytes = get_arg_val<uint32_t>(4);

    const uint32_t block_bytes = block_tiles * tile_dim * elem_bytes;
    const uint32_t num_blocks = Wt / block_tiles;
    const auto output = TensorAccessor(output_args, output_addr, Wt * tile_dim * elem_bytes);

    for (uint32_t tile_row = first_tile_row; tile_row < first_tile_row + num_tile_rows; ++tile_row) {
        const uint32_t first_stick = tile_row * tile_dim;
        for (uint32_t block = 0; block < num_blocks; ++block) {
            cb_wait_front(cb_out_rm, block_tiles);
            const uint32_t rows_l1 = get_read_ptr(cb_out_rm);
            for (uint32_t r = 0; r < tile_dim; ++r) {
                noc_async_write(rows_l1 + r * block_bytes, output.get_noc_addr(first_stick + r, block * block_bytes),
                                block_bytes);
            }
            noc_async_write_barrier();
            cb_pop_front(cb_out_rm, block_tiles);
        }
    }
}
