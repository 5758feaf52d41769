// layer_norm_rm compute: per tile-row (32 rows of W datums), two plans sharing one data path.
//
// Every value that decides the result is computed on the SFPU in fp32 DST from operands unpacked
// straight to DST (exact); row sums use sfpu_reduce (SFPU adds, fp32). The FPU only tilizes and
// untilizes (data movement), so no FPU accumulation precision (TF32 operands, aligned-window sums,
// fidelity phases) can reach a statistic: the kernel means the same under every numerics reading.
//
// d = x - shift removes a large common offset before any sum. Resident: shift = each row's first
// datum, and the reader fills padding columns of the last partial tile with it (d = 0 there).
// Streamed: shift = the mean of the row's first tile (computed here), so |mean - shift| is about
// sigma / sqrt(32) and the shifted sums below cancel at most a bit or two; padding is masked instead.
// Padding rows are zeros. Padding adds nothing to a sum of d or d^2; the mean divides by the true W.
//
// Resident plan (default): d for the whole tile-row stays in L1 (cb_d, Wt fp32 tiles).
//   A  per block: tilize x; d -> cb_d
//      one acquire: acc = sum of the d tiles (element-wise: 32 column partial sums per row), kept in DST;
//      mean = rowsum(acc)/W
//   B  one acquire: acc = sum of ((d - mean) [* mask on a partial last tile])^2; rstd = rsqrt(rowsum/W + eps)
//   C  per block: ((d - mean) * rstd) [* gamma] [+ beta] -> untilize
// Streamed plan (STREAMED): the reader sends every block twice, nothing of the row stays in L1.
//   1  per block: tilize x; (block 0: shift = rowsum(first tile) / min(W, 32)); one acquire per block:
//      d [* mask], acc += d, acc2 += d^2 (shifted sums; acc, acc2 go through L1 once per block)
//      mean_d = rowsum(acc)/W, var = rowsum(acc2)/W - mean_d^2, rstd = rsqrt(var + eps)
//   2  per block: tilize x again; d; ((d - mean_d) * rstd) [* gamma] [+ beta] -> untilize
//
// 16-bit DST (DEST_16BIT, compute_kernel_config.fp32_dest_acc_en = false, as ttnn allows): the same data
// path, but every DST value is a bf16 and the SFPU column broadcast and the fp32 sfpu_reduce are not
// available there (they need fp32 DST). Row means come from one FPU matmul by an all-ones tile, full width
// (kernel_lib/row_reduce.h), so mean, rstd and the streamed shift are applied element-wise; a resident row
// sum leaves DST through cb_acc for that matmul. The error bound this costs is derived in the spec.
//
// Compile-time args: cb_in_rm, cb_shift, cb_eps, cb_mask, cb_gamma, cb_beta, cb_x, cb_d, cb_acc, cb_acc2,
//   cb_mean, cb_rstd, cb_out, cb_out_rm, block_tiles (B: pack_untilize_block's block width is a template
//   argument in tt-metal, so it must be constant), passes (1 resident, 2 streamed; the reader's count,
//   unused here: STREAMED selects the code), cb_ones. cb_shift is an fp32 CB computed here.
// Defines: STREAMED, PARTIAL_W (W % 32 != 0: masks padding), DEST_16BIT (below).
// Runtime args: num_tile_rows, inv_width_bits (fp32 bits of 1/W), inv_first_bits (of 1/min(W, 32)), Wt,
//   params_once (1: the reader built all Wt gamma/beta tiles once per core; they stay in their CBs and
//   tile t of the row is read at index t; 0: B tiles per block, popped per block), has_gamma, has_beta.
//   The tile count and the parameter set are runtime args so one build serves every W of a dtype and block
//   width, with or without gamma and beta.
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "../../kernel_lib/compute_tiles.h"
#include "../../kernel_lib/row_reduce.h"
#include "../../kernel_lib/tile_blocks.h"

namespace {

constexpr uint32_t cb_in_rm = get_compile_time_arg_val(0);
constexpr uint32_t cb_shift = get_compile_time_arg_val(1);
constexpr uint32_t cb_eps = get_compile_time_arg_val(2);
constexpr uint32_t cb_mask = get_compile_time_arg_val(3);
constexpr uint32_t cb_gamma = get_compile_time_arg_val(4);
constexpr uint32_t cb_beta = get_compile_time_arg_val(5);
constexpr uint32_t cb_x = get_compile_time_arg_val(6);
constexpr uint32_t cb_d = get_compile_time_arg_val(7);
constexpr uint32_t cb_acc = get_compile_time_arg_val(8);
constexpr uint32_t cb_acc2 = get_compile_time_arg_val(9);
constexpr uint32_t cb_mean = get_compile_time_arg_val(10);
constexpr uint32_t cb_rstd = get_compile_time_arg_val(11);
constexpr uint32_t cb_out = get_compile_time_arg_val(12);
constexpr uint32_t cb_out_rm = get_compile_time_arg_val(13);
constexpr uint32_t B = get_compile_time_arg_val(14);  // tiles per width block (tilize/untilize batch)
constexpr uint32_t cb_ones = get_compile_time_arg_val(16);  // 16-bit DST: an all-ones tile (matmul row sums)

// The shape and parameter set of this run.
struct Row {
    uint32_t Wt;  // tiles per tile-row
    uint32_t num_blocks;
    uint32_t inv_width_bits;
    uint32_t inv_first_bits;
    bool gamma;
    bool beta;
    bool params_once;
};

using kernel_lib::add_dst;
using kernel_lib::load;
using kernel_lib::mul_col;
using kernel_lib::mul_dst;
using kernel_lib::pack_to;
using kernel_lib::sub_col;
using kernel_lib::take;

#ifndef DEST_16BIT
using kernel_lib::row_mean_in_place;

// DST `dst` (an open acquire) <- the row means of DST `dst`, column 0.
void finish_row_mean(uint32_t dst, uint32_t inv_bits) { row_mean_in_place(dst, inv_bits); }

// DST `dst` <- the row means of the running CB `cb`'s front tile, which is popped.
void row_mean_of(uint32_t cb, uint32_t dst, uint32_t inv_bits) {
    take(cb, dst);
    row_mean_in_place(dst, inv_bits);
}
#else
constexpr uint32_t kInv32Bits = 0x3D000000u;  // 1/32 in fp32

void row_mean_of(uint32_t cb, uint32_t dst, uint32_t inv_bits) {
    cb_wait_front(cb, 1);
    kernel_lib::row_mean_broadcast(cb, 0, cb_ones, dst, inv_bits);
    cb_pop_front(cb, 1);
}

// The row sums of DST `dst` leave DST through cb_acc for the matmul; the acquire is open again after, with
// the full-width means in DST `dst` (every other DST tile is lost).
void finish_row_mean(uint32_t dst, uint32_t inv_bits) {
    tile_regs_commit();
    tile_regs_wait();
    pack_to(dst, cb_acc);
    tile_regs_release();
    tile_regs_acquire();
    row_mean_of(cb_acc, dst, inv_bits);
}
#endif

void tilize_block_of_x() { kernel_lib::tilize_block_into<B>(cb_in_rm, cb_x); }

// DST 0 = tile i of the tilized block minus the row shift (DST 1 is scratch).
void shifted_into_dst0(uint32_t i) {
    load(cb_x, i, 0);
    load(cb_shift, 0, 1);
    sub_col(0, 1);
}

// DST 0 = ((DST 0 - mean) * rstd) [* gamma tile p] [+ beta tile p] (DST 1 is scratch).
void normalize_dst0(const Row& row, uint32_t p) {
    load(cb_mean, 0, 1);
    sub_col(0, 1);
    load(cb_rstd, 0, 1);
    mul_col(0, 1);
    if (row.gamma) {
        load(cb_gamma, p, 1);
        mul_dst(0, 1, 0);
    }
    if (row.beta) {
        load(cb_beta, p, 1);
        add_dst(0, 1, 0);
    }
}

// Waits for / pops `n` tiles of each parameter the op has.
void wait_params(const Row& row, uint32_t n) {
    if (row.gamma) {
        cb_wait_front(cb_gamma, n);
    }
    if (row.beta) {
        cb_wait_front(cb_beta, n);
    }
}
void pop_params(const Row& row, uint32_t n) {
    if (row.gamma) {
        cb_pop_front(cb_gamma, n);
    }
    if (row.beta) {
        cb_pop_front(cb_beta, n);
    }
}

void untilize_output_block() { kernel_lib::untilize_block_into<B>(cb_out, cb_out_rm); }

// One block of normalized output tiles; `from_x`: d is recomputed from the tilized block (streamed),
// else read from the resident cb_d.
void normalize_block(const Row& row, uint32_t block, bool from_x) {
    const uint32_t first_param = row.params_once ? block * B : 0;
    if (!row.params_once) {
        wait_params(row, B);
    }
    for (uint32_t i = 0; i < B; ++i) {
        tile_regs_acquire();
        if (from_x) {
            shifted_into_dst0(i);
        } else {
            load(cb_d, block * B + i, 0);
        }
        normalize_dst0(row, first_param + i);
        tile_regs_commit();
        tile_regs_wait();
        pack_to(0, cb_out);
        tile_regs_release();
    }
    if (!row.params_once) {
        pop_params(row, B);
    }
    untilize_output_block();
}

// The row shift: the mean of the row's first tile (padding masked), fp32 in cb_shift. Needs the tilized
// first block in cb_x.
void center_from_first_tile(const Row& row) {
    const uint32_t inv_first_bits = row.inv_first_bits;
    tile_regs_acquire();
#ifndef DEST_16BIT
    load(cb_x, 0, 0);
#ifdef PARTIAL_W
    if (row.Wt == 1) {
        load(cb_mask, 0, 1);
        mul_dst(0, 1, 0);
    }
#endif
    row_mean_in_place(0, inv_first_bits);
#else
    // All 32 columns: padding holds the row's first datum (the reader's fill), so this is a weighted mean of
    // the row's own values, as good a shift as the masked one.
    (void)inv_first_bits;
    kernel_lib::row_mean_broadcast(cb_x, 0, cb_ones, 0, kInv32Bits);
#endif
    tile_regs_commit();
    tile_regs_wait();
    pack_to(0, cb_shift);
    tile_regs_release();
    cb_wait_front(cb_shift, 1);
}

#ifndef STREAMED
// Pass A for one block: d = x - shift [* mask on a partial last tile] -> the resident cb_d (padding d = 0).
void shift_block(const Row& row, uint32_t block) {
    tilize_block_of_x();
    cb_wait_front(cb_x, B);
    if (block == 0) {
        center_from_first_tile(row);
    }
    for (uint32_t i = 0; i < B; ++i) {
        tile_regs_acquire();
        shifted_into_dst0(i);
#ifdef PARTIAL_W
        if (block * B + i == row.Wt - 1) {
            load(cb_mask, 0, 1);
            mul_dst(0, 1, 0);
        }
#endif
        tile_regs_commit();
        tile_regs_wait();
        pack_to(0, cb_d);
        tile_regs_release();
    }
    cb_pop_front(cb_x, B);
}

#ifdef DEST_16BIT
constexpr uint32_t kLevels = 5;  // DST holds 8 bf16 tiles: 0 term, 1 mean, 3 mask; 2, 4..7 partial sums
#else
constexpr uint32_t kLevels = 1;  // fp32 DST holds 4 tiles: one running sum (fp32 additions)
#endif

// The DST tile holding the partial sum of cascade level k.
constexpr uint32_t level_slot(uint32_t k) { return k == 0 ? 2 : k + 3; }

// DST `slot` = tile t's term: d (centred = false) or ((d - mean) [* mask on the `last` tile])^2 (DST 1 holds
// the mean).
void term_into(uint32_t t, [[maybe_unused]] bool last, bool centred, uint32_t slot) {
    load(cb_d, t, slot);
    if (centred) {
        sub_col(slot, 1);
#ifdef PARTIAL_W
        if (last) {
            load(cb_mask, 0, 3);
            mul_dst(slot, 3, slot);
        }
#endif
        mul_dst(slot, slot, slot);
    }
}

// The element-wise sum over the row's tiles of their terms, all in one acquire (the sum never leaves DST);
// returns the DST tile holding it. A cascade: level k holds the sum of 2^k consecutive terms, two equal
// levels merge into the next, and the top level (kLevels - 1) adds on sequentially. With fp32 DST that is
// one level, a running fp32 sum; with bf16 DST the pairwise order makes the rounding error grow with
// log2(Wt) rather than Wt (the bound in the spec).
uint32_t sum_tiles(uint32_t Wt, bool centred) {
    if (centred) {
        load(cb_mean, 0, 1);
    }
    uint32_t occupied = 0;
    for (uint32_t t = 0; t < Wt; ++t) {
        uint32_t k = 0;
        while (k + 1 < kLevels && ((occupied >> k) & 1u)) {
            ++k;
        }
        const bool onto_top = (occupied >> k) & 1u;
        term_into(t, t + 1 == Wt, centred, k == 0 && !onto_top ? level_slot(0) : 0);
        for (uint32_t j = 0; j < k; ++j) {
            add_dst(level_slot(j), 0, j + 1 == k && !onto_top ? level_slot(k) : 0);
        }
        if (onto_top) {
            add_dst(level_slot(k), 0, level_slot(k));
        }
        occupied = (occupied & ~((1u << k) - 1u)) | (1u << k);
    }
    uint32_t total = kLevels;  // none yet
    for (uint32_t k = 0; k < kLevels; ++k) {
        if ((occupied >> k) & 1u) {
            if (total != kLevels) {
                add_dst(level_slot(k), total, level_slot(k));
            }
            total = level_slot(k);
        }
    }
    return total;
}

// mean = rowsum(d) / W -> cb_mean; then rstd = rsqrt(rowsum((d - mean)^2) / W + eps) -> cb_rstd.
void resident_statistics(const Row& row) {
    const uint32_t inv_width_bits = row.inv_width_bits;
    cb_wait_front(cb_d, row.Wt);
    tile_regs_acquire();
    const uint32_t sum = sum_tiles(row.Wt, false);
    finish_row_mean(sum, inv_width_bits);
    tile_regs_commit();
    tile_regs_wait();
    pack_to(sum, cb_mean);
    tile_regs_release();

    cb_wait_front(cb_mean, 1);
    tile_regs_acquire();
    const uint32_t squares = sum_tiles(row.Wt, true);
    finish_row_mean(squares, inv_width_bits);
    load(cb_eps, 0, 1);
    add_dst(squares, 1, squares);
    rsqrt_tile_init();
    rsqrt_tile<RsqrtMode::Default>(squares);
    tile_regs_commit();
    tile_regs_wait();
    pack_to(squares, cb_rstd);
    tile_regs_release();
}

void tile_row(const Row& row) {
    for (uint32_t block = 0; block < row.num_blocks; ++block) {
        shift_block(row, block);
    }
    cb_pop_front(cb_shift, 1);
    resident_statistics(row);
    cb_wait_front(cb_rstd, 1);
    for (uint32_t block = 0; block < row.num_blocks; ++block) {
        normalize_block(row, block, false);
    }
    cb_pop_front(cb_d, row.Wt);
}
#else

// Pass 1 for one block, in one acquire: the running element-wise sums of d (DST 2 <-> cb_acc) and of
// d^2 (DST 3 <-> cb_acc2) leave DST once per block. DST 0 and 1 are scratch.
void sum_block(const Row& row, uint32_t block) {
    tilize_block_of_x();
    cb_wait_front(cb_x, B);
    if (block == 0) {
        center_from_first_tile(row);
    }
    tile_regs_acquire();
    if (block > 0) {
        take(cb_acc, 2);
        take(cb_acc2, 3);
    }
    for (uint32_t i = 0; i < B; ++i) {
        const bool first = block == 0 && i == 0;
        const uint32_t d = first ? 2 : 0;
        load(cb_x, i, d);
        load(cb_shift, 0, 1);
        sub_col(d, 1);
#ifdef PARTIAL_W
        if (block * B + i == row.Wt - 1) {
            load(cb_mask, 0, 1);
            mul_dst(d, 1, d);
        }
#endif
        mul_dst(d, d, first ? 3 : 1);
        if (!first) {
            add_dst(0, 2, 2);
            add_dst(1, 3, 3);
        }
    }
    tile_regs_commit();
    tile_regs_wait();
    pack_to(2, cb_acc);
    pack_to(3, cb_acc2);
    tile_regs_release();
    cb_pop_front(cb_x, B);
}

// mean of d -> cb_mean; rsqrt(E[d^2] - mean^2 + eps) -> cb_rstd.
void shifted_statistics(uint32_t inv_width_bits) {
    tile_regs_acquire();
    row_mean_of(cb_acc, 0, inv_width_bits);
    row_mean_of(cb_acc2, 1, inv_width_bits);
    mul_dst(0, 0, 2);
    sub_binary_tile_init();
    sub_binary_tile(1, 2, 1);
    load(cb_eps, 0, 2);
    add_dst(1, 2, 1);
    rsqrt_tile_init();
    rsqrt_tile<RsqrtMode::Default>(1);
    tile_regs_commit();
    tile_regs_wait();
    pack_to(0, cb_mean);
    pack_to(1, cb_rstd);
    tile_regs_release();
}

void tile_row(const Row& row) {
    for (uint32_t block = 0; block < row.num_blocks; ++block) {
        sum_block(row, block);
    }
    shifted_statistics(row.inv_width_bits);
    cb_wait_front(cb_mean, 1);
    cb_wait_front(cb_rstd, 1);
    for (uint32_t block = 0; block < row.num_blocks; ++block) {
        tilize_block_of_x();
        cb_wait_front(cb_x, B);
        normalize_block(row, block, true);
        cb_pop_front(cb_x, B);
    }
    cb_pop_front(cb_shift, 1);
}
#endif

}  // namespace

void kernel_main() {
    const uint32_t num_tile_rows = get_arg_val<uint32_t>(0);
    const uint32_t Wt = get_arg_val<uint32_t>(3);
    const Row row{Wt, Wt / B, get_arg_val<uint32_t>(1), get_arg_val<uint32_t>(2), get_arg_val<uint32_t>(5) != 0,
                  get_arg_val<uint32_t>(6) != 0, get_arg_val<uint32_t>(4) != 0};

    compute_kernel_hw_startup(cb_in_rm, cb_x);
    cb_wait_front(cb_eps, 1);
#ifdef PARTIAL_W
    cb_wait_front(cb_mask, 1);
#endif
#ifdef DEST_16BIT
    cb_wait_front(cb_ones, 1);
#endif
    if (row.params_once) {
        wait_params(row, Wt);
    }
    for (uint32_t r = 0; r < num_tile_rows; ++r) {
        tile_row(row);
        cb_pop_front(cb_mean, 1);
        cb_pop_front(cb_rstd, 1);
    }
    if (row.params_once) {
        pop_params(row, Wt);
    }
    cb_pop_front(cb_eps, 1);
#ifdef PARTIAL_W
    cb_pop_front(cb_mask, 1);
#endif
#ifdef DEST_16BIT
    cb_pop_front(cb_ones, 1);
#endif
}
