// rms_norm_rm reader (RISCV_1): feeds the compute kernel one tile-row (32 sticks) at a time, twice.
//
// Per core, once: the epsilon tile (fp32). Per tile-row, for each of the two passes the compute kernel
// makes (sum of squares, then scaling), the valid sticks in width blocks of block_tiles tiles, each
// block landing as 32 rows of block_tiles * 32 datums (what tilize_block expects). Only the tensor's
// bytes are read (kernel_lib/stick_io.h); padding columns and padding rows are zeros written into L1
// by this core (kernel_lib/tile_fill.h), so padding adds nothing to a sum of squares. With gamma, each
// block of pass 2 is followed by the matching gamma tiles (every row of tile t holds
// gamma[32t .. 32t+31], zeros past W), read from DRAM block by block.
//
// Compile-time args: cb_in_rm, cb_eps, cb_gamma, cb_gamma_rm, block_tiles, Wt, elem_bytes, then
//   TensorAccessorArgs of input [, gamma].
// Defines: FUSE_GAMMA.
// Runtime args: input_addr, gamma_addr, first_tile_row, num_tile_rows, W, H, eps_bits.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"
#include "../../kernel_lib/stick_io.h"
#include "../../kernel_lib/tile_fill.h"
#include "../../kernel_lib/tile_layout.h"

namespace {

constexpr uint32_t cb_in_rm = get_compile_time_arg_val(0);
constexpr uint32_t cb_eps = get_compile_time_arg_val(1);
constexpr uint32_t cb_gamma = get_compile_time_arg_val(2);
constexpr uint32_t cb_gamma_rm = get_compile_time_arg_val(3);
constexpr uint32_t block_tiles = get_compile_time_arg_val(4);
constexpr uint32_t Wt = get_compile_time_arg_val(5);
constexpr uint32_t elem_bytes = get_compile_time_arg_val(6);
constexpr uint32_t num_passes = 2;  // sum of squares, then scaling
constexpr uint32_t num_blocks = Wt / block_tiles;
using Datum = kernel_lib::DatumOf<elem_bytes>;

}  // namespace

void kernel_main() {
    constexpr auto input_args = TensorAccessorArgs<7>();
#ifdef FUSE_GAMMA
    constexpr auto gamma_args = TensorAccessorArgs<input_args.next_compile_time_args_offset()>();
    const auto gamma = TensorAccessor(gamma_args, get_arg_val<uint32_t>(1));
#endif
    const auto input = TensorAccessor(input_args, get_arg_val<uint32_t>(0));
    const uint32_t first_tile_row = get_arg_val<uint32_t>(2);
    const uint32_t num_tile_rows = get_arg_val<uint32_t>(3);
    const uint32_t width = get_arg_val<uint32_t>(4);
    const uint32_t height = get_arg_val<uint32_t>(5);

    kernel_lib::push_filled_fp32_tile(cb_eps, get_arg_val<uint32_t>(6), kernel_lib::kTileDim);
    const auto blocks = kernel_lib::stick_blocks<elem_bytes>(block_tiles);

    const Datum zeros[kernel_lib::kTileDim] = {};
    for (uint32_t tile_row = first_tile_row; tile_row < first_tile_row + num_tile_rows; ++tile_row) {
        const uint32_t first_stick = tile_row * kernel_lib::kTileDim;
        const uint32_t valid_rows = kernel_lib::valid_rows_of(first_stick, height);
        for (uint32_t pass = 0; pass < num_passes; ++pass) {
            for (uint32_t block = 0; block < num_blocks; ++block) {
                const uint32_t valid = blocks.valid_datums(block, width);
                cb_reserve_back(cb_in_rm, block_tiles);
                const uint32_t rows_l1 = get_write_ptr(cb_in_rm);
                blocks.read_rows(input, first_stick, valid_rows, block, width, rows_l1);
                kernel_lib::pad_block_rows<Datum>(rows_l1, blocks.datums, valid_rows, valid, zeros);
                cb_push_back(cb_in_rm, block_tiles);
#ifdef FUSE_GAMMA
                if (pass == 1) {
                    const uint32_t stick_l1 = blocks.stage(cb_gamma_rm, gamma, 0, block, width);
                    kernel_lib::push_row_repeated_tiles<Datum>(cb_gamma, stick_l1, valid, block_tiles);
                    cb_pop_front(cb_gamma_rm, 1);
                }
#endif
            }
        }
    }
}
