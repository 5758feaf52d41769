// layer_norm_rm compute: per tile-row (32 rows of W datums), all intermediates in fp32.
//
//   tilize   x blocks (input format) -> d = x - shift, exact in fp32 DST (SFPU column broadcast);
//            d stays resident for the tile-row (cb_d, Wt tiles)
//   mean     row sums of d (reduce, scaler 1.0) times 1/W on the SFPU      -> cb_mean
//   var      per block: (d - mean)^2 -> row sums added to the running sum   -> cb_sumsq
//            last block: times 1/W                                          -> cb_var
//   rstd     rsqrt(var + eps), exact mode                                   -> cb_rstd
//   output   per block: (d - mean) * rstd [* gamma] [+ beta] -> untilize    -> cb_out_rm
//
// Subtracting the shift (each row's first datum) before any statistics keeps a large common
// offset from cancelling digits; the variance is then the centred two-pass form on small numbers.
// FPU operands from fp32 CBs are TF32 on hardware; the shift subtraction avoids that loss by
// unpacking x and the shift straight to DST (unpack_to_dest_fp32) and subtracting on the SFPU.
//
// Compile-time args: cb_in_rm, cb_shift, cb_scaler, cb_eps, cb_gamma, cb_beta, cb_x, cb_d, cb_mean,
//   cb_sq, cb_sumsq, cb_var, cb_rstd, cb_stage_a, cb_stage_b, cb_out, cb_out_rm, block_tiles.
// Defines: FUSE_GAMMA, FUSE_BETA. Runtime args: num_tile_rows, Wt, inv_width_bits (fp32 bits of 1/W).
#include <cstdint>

#include "api/compute/bcast.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary.h"
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
constexpr uint32_t cb_mean = get_compile_time_arg_val(8);
constexpr uint32_t cb_sq = get_compile_time_arg_val(9);
constexpr uint32_t cb_sumsq = get_compile_time_arg_val(10);
constexpr uint32_t cb_var = get_compile_time_arg_val(11);
constexpr uint32_t cb_rstd = get_compile_time_arg_val(12);
constexpr uint32_t cb_stage_a = get_compile_time_arg_val(13);
constexpr uint32_t cb_stage_b = get_compile_time_arg_val(14);
constexpr uint32_t cb_out = get_compile_time_arg_val(15);
constexpr uint32_t cb_out_rm = get_compile_time_arg_val(16);
constexpr uint32_t B = get_compile_time_arg_val(17);  // tiles per width block, <= DST capacity

#ifdef FUSE_GAMMA
constexpr bool kGamma = true;
#else
constexpr bool kGamma = false;
#endif
#ifdef FUSE_BETA
constexpr bool kBeta = true;
#else
constexpr bool kBeta = false;
#endif

// Packs DST tiles 0..count-1 into `cb` (count pages, reserved and pushed here).
void pack_dst_to(uint32_t cb, uint32_t count) {
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(cb, count);
    for (uint32_t i = 0; i < count; ++i) {
        pack_tile(i, cb);
    }
    cb_push_back(cb, count);
    tile_regs_release();
}

void tilize_block_of_x() {
    reconfig_data_format(cb_in_rm, cb_in_rm);
    pack_reconfig_data_format(cb_x);
    tilize_init(cb_in_rm, B, cb_x);
    cb_wait_front(cb_in_rm, B);
    cb_reserve_back(cb_x, B);
    tilize_block(cb_in_rm, B, cb_x);
    cb_push_back(cb_x, B);
    cb_pop_front(cb_in_rm, B);
    tilize_uninit(cb_in_rm, cb_x);
}

// d = x - shift for one block, in fp32 DST: both operands are unpacked straight to DST.
void shift_block_into_d() {
    cb_wait_front(cb_x, B);
    reconfig_data_format_srca(cb_x);
    pack_reconfig_data_format(cb_d);
    copy_init(cb_x);
    sfpu_sub_bcast_col_init();
    for (uint32_t i = 0; i < B; ++i) {
        tile_regs_acquire();
        copy_tile(cb_x, i, 0);
        copy_tile(cb_shift, 0, 1);
        sfpu_sub_bcast_col(0, 1);
        pack_dst_to(cb_d, 1);
    }
    cb_pop_front(cb_x, B);
}

// Row sums of `count` tiles of `cb` from tile `first`, accumulated onto whatever DST 0 holds;
// `cb_result` is where the caller will pack them.
void reduce_rows_into_dst0(uint32_t cb, uint32_t first, uint32_t count, uint32_t cb_result) {
    reconfig_data_format(cb_scaler, cb);
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb, cb_scaler, cb_result);
    for (uint32_t t = first; t < first + count; ++t) {
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb, cb_scaler, t, 0, 0);
    }
    reduce_uninit();
}

void scale_dst0(uint32_t bits) {
    binop_with_scalar_tile_init();
    mul_unary_tile(0, bits);
}

void row_mean_of_d(uint32_t Wt, uint32_t inv_width_bits) {
    cb_wait_front(cb_d, Wt);
    pack_reconfig_data_format(cb_mean);
    tile_regs_acquire();
    reduce_rows_into_dst0(cb_d, 0, Wt, cb_mean);
    scale_dst0(inv_width_bits);
    pack_dst_to(cb_mean, 1);
}

// (d - mean)^2 for one block -> cb_sq.
void squared_deviation_block(uint32_t block) {
    reconfig_data_format(cb_d, cb_mean);
    pack_reconfig_data_format(cb_sq);
    sub_bcast_cols_init(cb_d, cb_mean);
    square_tile_init();
    tile_regs_acquire();
    for (uint32_t i = 0; i < B; ++i) {
        sub_tiles_bcast_cols(cb_d, cb_mean, block * B + i, 0, i);
        square_tile(i);
    }
    pack_dst_to(cb_sq, B);
}

// Adds the row sums of the block in cb_sq to the running sum (cb_sumsq); the last block scales
// the total by 1/W and leaves the variance in cb_var.
void accumulate_sum_of_squares(bool first_block, bool last_block, uint32_t inv_width_bits) {
    cb_wait_front(cb_sq, B);
    tile_regs_acquire();
    if (!first_block) {
        cb_wait_front(cb_sumsq, 1);
        reconfig_data_format_srca(cb_sumsq);
        copy_init(cb_sumsq);
        copy_tile(cb_sumsq, 0, 0);
        cb_pop_front(cb_sumsq, 1);
    }
    const uint32_t target = last_block ? cb_var : cb_sumsq;
    pack_reconfig_data_format(target);
    reduce_rows_into_dst0(cb_sq, 0, B, target);
    if (last_block) {
        scale_dst0(inv_width_bits);
    }
    pack_dst_to(target, 1);
    cb_pop_front(cb_sq, B);
}

void row_rstd() {
    cb_wait_front(cb_var, 1);
    reconfig_data_format(cb_var, cb_eps);
    pack_reconfig_data_format(cb_rstd);
    add_init(cb_var, cb_eps);
    rsqrt_tile_init();
    tile_regs_acquire();
    add_tiles(cb_var, cb_eps, 0, 0, 0);
    rsqrt_tile<RsqrtMode::Default>(0);
    pack_dst_to(cb_rstd, 1);
    cb_pop_front(cb_var, 1);
}

enum class Stage { SubMean, MulRstd, MulGamma, AddBeta };

// An operand that either streams (waited and popped here, B tiles) or is already resident
// (indexed from `first`, left in place).
struct Operand {
    uint32_t cb;
    uint32_t first;
    bool streams;
};

void init_stage(Stage stage, uint32_t a, uint32_t b) {
    switch (stage) {
        case Stage::SubMean: sub_bcast_cols_init(a, b); break;
        case Stage::MulRstd: mul_bcast_cols_init(a, b); break;
        case Stage::MulGamma: mul_bcast_rows_init(a, b); break;
        case Stage::AddBeta: add_bcast_rows_init(a, b); break;
    }
}

void apply_stage(Stage stage, uint32_t a, uint32_t b, uint32_t ia, uint32_t ib, uint32_t dst) {
    switch (stage) {
        case Stage::SubMean: sub_tiles_bcast_cols(a, b, ia, ib, dst); break;
        case Stage::MulRstd: mul_tiles_bcast_cols(a, b, ia, ib, dst); break;
        case Stage::MulGamma: mul_tiles_bcast_rows(a, b, ia, ib, dst); break;
        case Stage::AddBeta: add_tiles_bcast_rows(a, b, ia, ib, dst); break;
    }
}

void run_stage(Stage stage, Operand a, Operand b, uint32_t cb_result) {
    if (a.streams) {
        cb_wait_front(a.cb, B);
    }
    if (b.streams) {
        cb_wait_front(b.cb, B);
    }
    reconfig_data_format(a.cb, b.cb);
    pack_reconfig_data_format(cb_result);
    init_stage(stage, a.cb, b.cb);
    tile_regs_acquire();
    for (uint32_t i = 0; i < B; ++i) {
        apply_stage(stage, a.cb, b.cb, a.first + i, b.streams ? i : b.first, i);
    }
    pack_dst_to(cb_result, B);
    if (a.streams) {
        cb_pop_front(a.cb, B);
    }
    if (b.streams) {
        cb_pop_front(b.cb, B);
    }
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

void normalize_block(uint32_t block) {
    constexpr uint32_t after_rstd = (kGamma || kBeta) ? cb_stage_b : cb_out;
    constexpr uint32_t after_gamma = kBeta ? cb_stage_a : cb_out;
    constexpr uint32_t beta_input = kGamma ? cb_stage_a : cb_stage_b;
    run_stage(Stage::SubMean, {cb_d, block * B, false}, {cb_mean, 0, false}, cb_stage_a);
    run_stage(Stage::MulRstd, {cb_stage_a, 0, true}, {cb_rstd, 0, false}, after_rstd);
    if (kGamma) {
        run_stage(Stage::MulGamma, {cb_stage_b, 0, true}, {cb_gamma, 0, true}, after_gamma);
    }
    if (kBeta) {
        run_stage(Stage::AddBeta, {beta_input, 0, true}, {cb_beta, 0, true}, cb_out);
    }
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
            tilize_block_of_x();
            shift_block_into_d();
        }
        cb_pop_front(cb_shift, 1);

        row_mean_of_d(Wt, inv_width_bits);

        cb_wait_front(cb_mean, 1);
        for (uint32_t block = 0; block < num_blocks; ++block) {
            squared_deviation_block(block);
            accumulate_sum_of_squares(block == 0, block + 1 == num_blocks, inv_width_bits);
        }
        row_rstd();

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
