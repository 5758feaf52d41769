// rms_norm_rm compute: per tile-row (32 rows of W datums), y = x * rsqrt(mean(x^2) + eps) [* gamma].
//
// Every value that decides the result is computed on the SFPU in fp32 DST from operands unpacked
// straight to DST (exact: bf16, and fp32 CBs in unpack_to_dest_fp32); the row sum is sfpu_reduce
// (SFPU adds, fp32; kernel_lib/row_reduce.h). The FPU only tilizes and untilizes, so neither math
// fidelity nor any FPU accumulation model reaches the result. No shift is needed: a sum of squares
// has no cancellation. The reader pads with zeros, which add nothing to it; the mean divides by the
// true W.
//
//   1  per width block: tilize x; one acquire: acc (+)= x^2 element-wise over the block's tiles
//      (acc goes through L1, cb_acc, once per block); then rinv = rsqrt(rowsum(acc) / W + eps).
//   2  per width block: tilize x again; (x * rinv) [* gamma] -> untilize.
// Nothing of a row stays in L1: the reader sends every block twice, so L1 does not depend on W.
//
// Compile-time args: cb_in_rm, cb_eps, cb_gamma, cb_x, cb_acc, cb_rinv, cb_out, cb_out_rm, block_tiles, Wt.
// Defines: FUSE_GAMMA.
// Runtime args: num_tile_rows, inv_width_bits (fp32 bits of 1/W).
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/sfpu_binary_bcast.h"
#include "../../kernel_lib/compute_tiles.h"
#include "../../kernel_lib/row_reduce.h"
#include "../../kernel_lib/tile_blocks.h"

namespace {

constexpr uint32_t cb_in_rm = get_compile_time_arg_val(0);
constexpr uint32_t cb_eps = get_compile_time_arg_val(1);
constexpr uint32_t cb_gamma = get_compile_time_arg_val(2);
constexpr uint32_t cb_x = get_compile_time_arg_val(3);
constexpr uint32_t cb_acc = get_compile_time_arg_val(4);
constexpr uint32_t cb_rinv = get_compile_time_arg_val(5);
constexpr uint32_t cb_out = get_compile_time_arg_val(6);
constexpr uint32_t cb_out_rm = get_compile_time_arg_val(7);
constexpr uint32_t B = get_compile_time_arg_val(8);   // tiles per width block (tilize/untilize batch)
constexpr uint32_t Wt = get_compile_time_arg_val(9);  // tiles per tile-row
constexpr uint32_t num_blocks = Wt / B;

using kernel_lib::add_dst;
using kernel_lib::load;
using kernel_lib::mul_dst;
using kernel_lib::pack_to;
using kernel_lib::take;

// Pass 1 for one block, in one acquire: DST 2 holds the running element-wise sum of x^2 (restored from
// cb_acc after block 0, packed back to it at the end). DST 0 and 1 are scratch.
void sum_squares_of_block(uint32_t block) {
    kernel_lib::tilize_block_into<B>(cb_in_rm, cb_x);
    cb_wait_front(cb_x, B);
    tile_regs_acquire();
    if (block > 0) {
        take(cb_acc, 2);
    }
    for (uint32_t i = 0; i < B; ++i) {
        const bool first = block == 0 && i == 0;
        load(cb_x, i, 0);
        mul_dst(0, 0, first ? 2 : 1);
        if (!first) {
            add_dst(1, 2, 2);
        }
    }
    tile_regs_commit();
    tile_regs_wait();
    pack_to(2, cb_acc);
    tile_regs_release();
    cb_pop_front(cb_x, B);
}

// rinv = rsqrt(rowsum(acc) / W + eps) -> cb_rinv (column 0 of each row).
void reciprocal_rms(uint32_t inv_width_bits) {
    tile_regs_acquire();
    take(cb_acc, 0);
    kernel_lib::row_mean_in_place(0, inv_width_bits);
    load(cb_eps, 0, 1);
    add_dst(0, 1, 0);
    rsqrt_tile_init();
    rsqrt_tile<RsqrtMode::Default>(0);
    tile_regs_commit();
    tile_regs_wait();
    pack_to(0, cb_rinv);
    tile_regs_release();
}

// Pass 2 for one block: (x * rinv) [* gamma] per tile -> cb_out, then untilized into cb_out_rm.
void scale_block() {
    kernel_lib::tilize_block_into<B>(cb_in_rm, cb_x);
    cb_wait_front(cb_x, B);
#ifdef FUSE_GAMMA
    cb_wait_front(cb_gamma, B);
#endif
    for (uint32_t i = 0; i < B; ++i) {
        tile_regs_acquire();
        load(cb_x, i, 0);
        load(cb_rinv, 0, 1);
        sfpu_mul_bcast_col_init();
        sfpu_mul_bcast_col(0, 1);
#ifdef FUSE_GAMMA
        load(cb_gamma, i, 1);
        mul_dst(0, 1, 0);
#endif
        tile_regs_commit();
        tile_regs_wait();
        pack_to(0, cb_out);
        tile_regs_release();
    }
#ifdef FUSE_GAMMA
    cb_pop_front(cb_gamma, B);
#endif
    cb_pop_front(cb_x, B);
    kernel_lib::untilize_block_into<B>(cb_out, cb_out_rm);
}

}  // namespace

void kernel_main() {
    const uint32_t num_tile_rows = get_arg_val<uint32_t>(0);
    const uint32_t inv_width_bits = get_arg_val<uint32_t>(1);

    compute_kernel_hw_startup(cb_in_rm, cb_x);
    cb_wait_front(cb_eps, 1);
    for (uint32_t row = 0; row < num_tile_rows; ++row) {
        for (uint32_t block = 0; block < num_blocks; ++block) {
            sum_squares_of_block(block);
        }
        reciprocal_rms(inv_width_bits);
        cb_wait_front(cb_rinv, 1);
        for (uint32_t block = 0; block < num_blocks; ++block) {
            scale_block();
        }
        cb_pop_front(cb_rinv, 1);
    }
    cb_pop_front(cb_eps, 1);
}
