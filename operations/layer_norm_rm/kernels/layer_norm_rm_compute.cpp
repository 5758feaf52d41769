// layer_norm_rm compute: per tile-row (32 rows of W datums); every value that decides the result is
// computed on the SFPU in fp32 DST from operands unpacked straight to DST (exact), so no TF32
// truncation of the FPU path reaches the output. The FPU only tilizes and sums rows (reduce).
//
//   A  per block: tilize x; d = x - shift (each row's first datum) -> resident cb_d (exact);
//      row sums of d, exact: split as hi = tf32(d), lo = d - hi   -> S = sum(hi) + sum(lo)
//   B  mean = S / W; per block: (d - mean)^2, row sums as in A   -> S2
//   C  rstd = rsqrt(S2 / W + eps)
//   D  per block: ((d - mean) * rstd) [* gamma] [+ beta] -> cb_out -> untilize -> cb_out_rm
//
// Why: the shift removes a large common offset before anything is summed. The FPU reads fp32 CBs
// as TF32 (10 mantissa bits, truncated), which would put an error of about 2^-12 sigma into the
// mean (and 2^-12 of the variance, visible wherever beta cancels the normalized value); the hi/lo
// split makes both halves exact in TF32, so both sums are fp32-exact. The variance is the centred
// two-pass form.
//
// Compile-time args: cb_in_rm, cb_shift, cb_scaler, cb_eps, cb_gamma, cb_beta, cb_x, cb_d, cb_hi,
//   cb_lo, cb_sum, cb_mean, cb_rstd, cb_out, cb_out_rm, block_tiles.
// Defines: FUSE_GAMMA, FUSE_BETA. Runtime args: num_tile_rows, Wt, inv_width_bits (fp32 bits of 1/W).
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/pack_untilize.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/reduce.h"
#include "api/compute/sfpu_binary_bcast.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/tilize.h"

namespace {

constexpr uint32_t cb_in_rm = get_compile_time_arg_val(0);
constexpr uint32_t cb_shift = get_compile_time_arg_val(1);
constexpr uint32_t cb_scaler = get_compile_time_arg_val(2);
constexpr uint32_t cb_eps = get_compile_time_arg_val(3);
constexpr uint32_t cb_gamma = get_compile_time_arg_val(4);
constexpr uint32_t cb_beta = get_compile_time_arg_val(5);
constexpr uint32_t cb_x = get_compile_time_arg_val(6);
constexpr uint32_t cb_d = get_compile_time_arg_val(7);
constexpr uint32_t cb_hi = get_compile_time_arg_val(8);
constexpr uint32_t cb_lo = get_compile_time_arg_val(9);
constexpr uint32_t cb_sum = get_compile_time_arg_val(10);
constexpr uint32_t cb_mean = get_compile_time_arg_val(11);
constexpr uint32_t cb_rstd = get_compile_time_arg_val(12);
constexpr uint32_t cb_out = get_compile_time_arg_val(13);
constexpr uint32_t cb_out_rm = get_compile_time_arg_val(14);
constexpr uint32_t B = get_compile_time_arg_val(15);  // tiles per width block, <= DST capacity

// Unpacks one tile of `cb` into DST `dst` (exact for bf16 and for unpack_to_dest fp32 CBs).
void load(uint32_t cb, uint32_t tile, uint32_t dst) {
    reconfig_data_format_srca(cb);
    copy_init(cb);
    copy_tile(cb, tile, dst);
}

void pack_to(uint32_t dst, uint32_t cb) {
    cb_reserve_back(cb, 1);
    pack_reconfig_data_format(cb);
    pack_tile(dst, cb);
    cb_push_back(cb, 1);
}

void tilize_block_of_x() {
    reconfig_data_format_srca(cb_in_rm);
    pack_reconfig_data_format(cb_x);
    tilize_init(cb_in_rm, B, cb_x);
    cb_wait_front(cb_in_rm, B);
    cb_reserve_back(cb_x, B);
    tilize_block(cb_in_rm, B, cb_x);
    cb_push_back(cb_x, B);
    cb_pop_front(cb_in_rm, B);
    tilize_uninit(cb_in_rm, cb_x);
}

// Adds the row sums of the B tiles at the front of each stream to the running row sum in cb_sum
// (absent before the first block), all in DST 0; pops the streams.
void accumulate_row_sums(const uint32_t* streams, uint32_t count, bool first_block) {
    tile_regs_acquire();
    if (!first_block) {
        cb_wait_front(cb_sum, 1);
        load(cb_sum, 0, 0);
        cb_pop_front(cb_sum, 1);
    }
    for (uint32_t s = 0; s < count; ++s) {
        cb_wait_front(streams[s], B);
        reconfig_data_format(cb_scaler, streams[s]);
        reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(streams[s], cb_scaler, cb_sum);
        for (uint32_t t = 0; t < B; ++t) {
            reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(streams[s], cb_scaler, t, 0, 0);
        }
        reduce_uninit();
    }
    tile_regs_commit();
    tile_regs_wait();
    pack_to(0, cb_sum);
    tile_regs_release();
    for (uint32_t s = 0; s < count; ++s) {
        cb_pop_front(streams[s], B);
    }
}

enum class Quantity { Shifted, SquaredDeviation };

// DST 0 = tile i of block `block` of d, or of (d - mean)^2; computed the same way every time.
void quantity_into_dst0(Quantity q, uint32_t block, uint32_t i) {
    load(cb_d, block * B + i, 0);
    if (q == Quantity::SquaredDeviation) {
        load(cb_mean, 0, 1);
        sfpu_sub_bcast_col_init();
        sfpu_sub_bcast_col(0, 1);
        mul_binary_tile_init();
        mul_binary_tile(0, 0, 0);
    }
}

// Adds the row sums of one block of the quantity, exactly, to the running sum: the FPU reads fp32
// as TF32, so the quantity goes to cb_hi (read back as hi = tf32(q)) and q - hi, which TF32 holds
// to 2^-21 of q, to cb_lo; both are reduced.
void sum_rows_exactly(Quantity q, uint32_t block) {
    for (uint32_t i = 0; i < B; ++i) {
        tile_regs_acquire();
        quantity_into_dst0(q, block, i);
        tile_regs_commit();
        tile_regs_wait();
        pack_to(0, cb_hi);
        tile_regs_release();
    }
    cb_wait_front(cb_hi, B);
    for (uint32_t i = 0; i < B; ++i) {
        tile_regs_acquire();
        quantity_into_dst0(q, block, i);
        load(cb_hi, i, 1);  // cb_hi is not unpacked to DST: this reads tf32(q)
        sub_binary_tile_init();
        sub_binary_tile(0, 1, 0);
        tile_regs_commit();
        tile_regs_wait();
        pack_to(0, cb_lo);
        tile_regs_release();
    }
    const uint32_t streams[] = {cb_hi, cb_lo};
    accumulate_row_sums(streams, 2, block == 0);
}

// Pass A for one block: d = x - shift into the resident cb_d, then its exact row sums.
void shift_block(uint32_t block) {
    tilize_block_of_x();
    cb_wait_front(cb_x, B);
    sfpu_sub_bcast_col_init();
    for (uint32_t i = 0; i < B; ++i) {
        tile_regs_acquire();
        load(cb_x, i, 0);
        load(cb_shift, 0, 1);
        sfpu_sub_bcast_col(0, 1);
        tile_regs_commit();
        tile_regs_wait();
        pack_to(0, cb_d);
        tile_regs_release();
    }
    cb_pop_front(cb_x, B);
    cb_wait_front(cb_d, (block + 1) * B);
    sum_rows_exactly(Quantity::Shifted, block);
}

// Running row sum (DST 0 after load) times 1/W, packed to `cb`.
void scaled_sum_to(uint32_t cb, uint32_t inv_width_bits) {
    cb_wait_front(cb_sum, 1);
    tile_regs_acquire();
    load(cb_sum, 0, 0);
    binop_with_scalar_tile_init();
    mul_unary_tile(0, inv_width_bits);
    if (cb == cb_rstd) {
        load(cb_eps, 0, 1);
        add_binary_tile_init();
        add_binary_tile(0, 1, 0);
        rsqrt_tile_init();
        rsqrt_tile<RsqrtMode::Default>(0);
    }
    tile_regs_commit();
    tile_regs_wait();
    pack_to(0, cb);
    tile_regs_release();
    cb_pop_front(cb_sum, 1);
}

void untilize_output_block() {
    cb_wait_front(cb_out, B);
    cb_reserve_back(cb_out_rm, B);
    reconfig_data_format_srca(cb_out);
    pack_reconfig_data_format(cb_out_rm);
    pack_untilize_init<B, B>(cb_out, cb_out_rm);
    pack_untilize_block<B, B>(cb_out, 1, cb_out_rm, 0);
    pack_untilize_uninit(cb_out_rm);
    cb_push_back(cb_out_rm, B);
    cb_pop_front(cb_out, B);
}

// Pass D for one block: ((d - mean) * rstd) [* gamma] [+ beta], untilized.
void normalize_block(uint32_t block) {
#ifdef FUSE_GAMMA
    cb_wait_front(cb_gamma, B);
#endif
#ifdef FUSE_BETA
    cb_wait_front(cb_beta, B);
#endif
    for (uint32_t i = 0; i < B; ++i) {
        tile_regs_acquire();
        load(cb_d, block * B + i, 0);
        load(cb_mean, 0, 1);
        sfpu_sub_bcast_col_init();
        sfpu_sub_bcast_col(0, 1);
        load(cb_rstd, 0, 1);
        sfpu_mul_bcast_col_init();
        sfpu_mul_bcast_col(0, 1);
#ifdef FUSE_GAMMA
        load(cb_gamma, i, 1);
        mul_binary_tile_init();
        mul_binary_tile(0, 1, 0);
#endif
#ifdef FUSE_BETA
        load(cb_beta, i, 1);
        add_binary_tile_init();
        add_binary_tile(0, 1, 0);
#endif
        tile_regs_commit();
        tile_regs_wait();
        pack_to(0, cb_out);
        tile_regs_release();
    }
#ifdef FUSE_GAMMA
    cb_pop_front(cb_gamma, B);
#endif
#ifdef FUSE_BETA
    cb_pop_front(cb_beta, B);
#endif
    untilize_output_block();
}

}  // namespace

void kernel_main() {
    const uint32_t num_tile_rows = get_arg_val<uint32_t>(0);
    const uint32_t Wt = get_arg_val<uint32_t>(1);
    const uint32_t inv_width_bits = get_arg_val<uint32_t>(2);
    const uint32_t num_blocks = Wt / B;

    compute_kernel_hw_startup(cb_in_rm, cb_x);
    cb_wait_front(cb_scaler, 1);
    cb_wait_front(cb_eps, 1);

    for (uint32_t row = 0; row < num_tile_rows; ++row) {
        cb_wait_front(cb_shift, 1);
        for (uint32_t block = 0; block < num_blocks; ++block) {
            shift_block(block);
        }
        cb_pop_front(cb_shift, 1);
        scaled_sum_to(cb_mean, inv_width_bits);

        cb_wait_front(cb_mean, 1);
        for (uint32_t block = 0; block < num_blocks; ++block) {
            sum_rows_exactly(Quantity::SquaredDeviation, block);
        }
        scaled_sum_to(cb_rstd, inv_width_bits);

        cb_wait_front(cb_rstd, 1);
        for (uint32_t block = 0; block < num_blocks; ++block) {
            normalize_block(block);
        }
        cb_pop_front(cb_d, Wt);
        cb_pop_front(cb_mean, 1);
        cb_pop_front(cb_rstd, 1);
    }

    cb_pop_front(cb_scaler, 1);
    cb_pop_front(cb_eps, 1);
}
