// layer_norm_rm reader (RISCV_1): feeds the compute kernel one tile-row (32 sticks) at a time.
//
// Per core, once: the epsilon tile (fp32), on a partial last tile (W % 32 != 0) the mask tile (1.0 in the
// W % 32 valid columns), with a 16-bit DST an all-ones tile (fp32), and gamma / beta:
//   * params_once (resident plan, when L1 holds them): all Wt row-repeated tiles of each, built from the
//     whole stick (read into cb_*_rm and dropped right after); they stay in cb_gamma / cb_beta for every
//     tile-row of the core (the compute kernel pops them at the end);
//   * else, resident plan: the whole stick, which stays in cb_*_rm; tiles are built per tile-row below.
// Per tile-row, for each pass the compute kernel makes over the input (one resident, two streamed):
//   * the valid sticks in width blocks of block_tiles tiles, each block landing as 32 rows of
//     block_tiles * 32 datums (what tilize_block expects). Only the tensor's bytes are read: the last
//     block of a stick may be partial and the last tile-row may hold fewer than 32 sticks. Padding
//     columns get the row's first datum (a value of the row's own scale; the compute kernel masks it
//     out of every statistic), padding rows get zeros, written into L1 by this core;
//   * unless params_once, gamma / beta tiles per block (after the input blocks when resident, after each
//     input block of pass 2 when streamed, then read from DRAM block by block): every row of tile t holds
//     stick[32t .. 32t+31], zeros past W.
// Stick I/O, its NOC alignment and the aligned page stride: kernel_lib/stick_io.h; constant, parameter
// and padding tiles: kernel_lib/tile_fill.h.
//
// Compile-time args: cb_in_rm, cb_eps, cb_mask, cb_gamma, cb_beta, cb_gamma_rm, cb_beta_rm, elem_bytes,
//   cb_ones, then TensorAccessorArgs of input, gamma and beta, each with RuntimePageSize (the config word
//   alone); an absent parameter's slot repeats the input's word, so the compile-time args do not depend on
//   which parameters the op has.
// Defines: PARTIAL_W (W % 32 != 0), DEST_16BIT (16-bit DST: the compute kernel's row sums need an all-ones
//   tile, pushed once per core).
// Runtime args: input_addr, gamma_addr, beta_addr, first_tile_row, num_tile_rows, W, H, eps_bits,
//   params_once, Wt (ceil(W / 32)), block_tiles, passes (1 resident, 2 streamed), has_gamma, has_beta, then
//   the aligned page sizes of input, gamma and beta (0 for an absent one). Every shape-dependent count, the
//   plan and the parameter set are runtime args, so one build serves every shape, plan and parameter set of
//   a dtype.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"
#include "../../kernel_lib/stick_io.h"
#include "../../kernel_lib/tile_fill.h"
#include "../../kernel_lib/tile_layout.h"

namespace {

using kernel_lib::kTileDim;
using kernel_lib::push_filled_fp32_tile;

constexpr uint32_t cb_in_rm = get_compile_time_arg_val(0);
constexpr uint32_t cb_eps = get_compile_time_arg_val(1);
constexpr uint32_t cb_mask = get_compile_time_arg_val(2);
constexpr uint32_t cb_gamma = get_compile_time_arg_val(3);
constexpr uint32_t cb_beta = get_compile_time_arg_val(4);
constexpr uint32_t cb_gamma_rm = get_compile_time_arg_val(5);
constexpr uint32_t cb_beta_rm = get_compile_time_arg_val(6);
constexpr uint32_t elem_bytes = get_compile_time_arg_val(7);
constexpr uint32_t cb_ones = get_compile_time_arg_val(8);
using Blocks = kernel_lib::StickBlocks<elem_bytes>;
using Datum = kernel_lib::DatumOf<elem_bytes>;
constexpr Datum kZero = 0;

// first[r] = x[r][0] (the first datum of row r of a block in L1, the padding value of its partial last
// tile), zero on padding rows.
void read_first_datums(const Blocks& blocks, uint32_t rows_l1, uint32_t valid_rows, Datum* first) {
    for (uint32_t r = 0; r < kTileDim; ++r) {
        const volatile Datum* row = reinterpret_cast<const volatile Datum*>(rows_l1 + r * blocks.bytes);
        first[r] = r < valid_rows ? row[0] : kZero;
    }
}

// One parameter (gamma or beta): whether the op has it, its tiles' CB, its stick's CB, its tensor and the
// width blocks. Every step does nothing for an absent parameter.
template <typename Accessor>
struct Param {
    bool present;
    uint32_t cb;
    uint32_t cb_rm;
    Accessor tensor;
    Blocks blocks;
    uint32_t block_tiles;

    // The whole stick into cb_rm, once per core; it stays until drop_stick.
    void load_stick(uint32_t width) const {
        if (!present) {
            return;
        }
        cb_reserve_back(cb_rm, 1);
        noc_async_read(tensor.get_noc_addr(0), get_write_ptr(cb_rm), width * elem_bytes);
        noc_async_read_barrier();
        cb_push_back(cb_rm, 1);
        cb_wait_front(cb_rm, 1);
    }
    void drop_stick() const {
        if (present) {
            cb_pop_front(cb_rm, 1);
        }
    }

    // block_tiles row-repeated tiles of block `block` into cb: from the stick kept in cb_rm, or (`staged`)
    // from the block read now through one page of cb_rm.
    void push_tiles(uint32_t block, uint32_t width, bool staged) const {
        if (!present) {
            return;
        }
        const uint32_t stick = staged ? blocks.stage(cb_rm, tensor, 0, block, width)
                                      : get_read_ptr(cb_rm) + block * blocks.bytes;
        kernel_lib::push_row_repeated_tiles<Datum>(cb, stick, blocks.valid_datums(block, width), block_tiles);
        if (staged) {
            cb_pop_front(cb_rm, 1);
        }
    }
};

template <typename Accessor>
Param<Accessor> param(bool present, uint32_t cb, uint32_t cb_rm, const Accessor& tensor, const Blocks& blocks,
                      uint32_t block_tiles) {
    return Param<Accessor>{present, cb, cb_rm, tensor, blocks, block_tiles};
}

}  // namespace

void kernel_main() {
    constexpr auto input_args = TensorAccessorArgs<9>();
    constexpr auto gamma_args = TensorAccessorArgs<input_args.next_compile_time_args_offset()>();
    constexpr auto beta_args = TensorAccessorArgs<gamma_args.next_compile_time_args_offset()>();

    const uint32_t first_tile_row = get_arg_val<uint32_t>(3);
    const uint32_t num_tile_rows = get_arg_val<uint32_t>(4);
    const uint32_t width = get_arg_val<uint32_t>(5);
    const uint32_t height = get_arg_val<uint32_t>(6);
    const bool params_once = get_arg_val<uint32_t>(8) != 0;
    const uint32_t block_tiles = get_arg_val<uint32_t>(10);
    const uint32_t num_blocks = get_arg_val<uint32_t>(9) / block_tiles;
    const uint32_t num_passes = get_arg_val<uint32_t>(11);  // 1 resident, 2 streamed
    const bool streamed = num_passes == 2;
    const bool has_gamma = get_arg_val<uint32_t>(12) != 0;
    const bool has_beta = get_arg_val<uint32_t>(13) != 0;
    const Blocks blocks = kernel_lib::stick_blocks<elem_bytes>(block_tiles);
    const auto input = TensorAccessor(input_args, get_arg_val<uint32_t>(0), get_arg_val<uint32_t>(14));
    const auto gamma = param(has_gamma, cb_gamma, cb_gamma_rm,
                             TensorAccessor(gamma_args, get_arg_val<uint32_t>(1), get_arg_val<uint32_t>(15)), blocks,
                             block_tiles);
    const auto beta = param(has_beta, cb_beta, cb_beta_rm,
                            TensorAccessor(beta_args, get_arg_val<uint32_t>(2), get_arg_val<uint32_t>(16)), blocks,
                            block_tiles);
    // Resident without params_once: the sticks stay in L1 and tiles are rebuilt per tile-row from them.
    const bool whole_sticks = !streamed && !params_once;

    push_filled_fp32_tile(cb_eps, get_arg_val<uint32_t>(7), kTileDim);
#ifdef PARTIAL_W
    push_filled_fp32_tile(cb_mask, 0x3F800000u, width % kTileDim);
#endif
#ifdef DEST_16BIT
    push_filled_fp32_tile(cb_ones, 0x3F800000u, kTileDim);
#endif
    if (params_once) {
        auto all_tiles = [&](const auto& p) {
            p.load_stick(width);
            for (uint32_t block = 0; block < num_blocks; ++block) {
                p.push_tiles(block, width, false);
            }
            p.drop_stick();
        };
        all_tiles(gamma);
        all_tiles(beta);
    } else if (whole_sticks) {
        gamma.load_stick(width);
        beta.load_stick(width);
    }

    Datum first[kTileDim];
    for (uint32_t tile_row = first_tile_row; tile_row < first_tile_row + num_tile_rows; ++tile_row) {
        const uint32_t first_stick = tile_row * kTileDim;
        const uint32_t valid_rows = kernel_lib::valid_rows_of(first_stick, height);
        for (uint32_t pass = 0; pass < num_passes; ++pass) {
            for (uint32_t block = 0; block < num_blocks; ++block) {
                cb_reserve_back(cb_in_rm, block_tiles);
                const uint32_t rows_l1 = get_write_ptr(cb_in_rm);
                blocks.read_rows(input, first_stick, valid_rows, block, width, rows_l1);
                if (pass == 0 && block == 0) {
                    read_first_datums(blocks, rows_l1, valid_rows, first);
                }
                kernel_lib::pad_block_rows<Datum>(rows_l1, blocks.datums, valid_rows,
                                                  blocks.valid_datums(block, width), first);
                cb_push_back(cb_in_rm, block_tiles);
                if (streamed && pass == 1) {
                    gamma.push_tiles(block, width, true);
                    beta.push_tiles(block, width, true);
                }
            }
        }
        if (whole_sticks) {
            for (uint32_t block = 0; block < num_blocks; ++block) {
                gamma.push_tiles(block, width, false);
                beta.push_tiles(block, width, false);
            }
        }
    }
    if (whole_sticks) {
        gamma.drop_stick();
        beta.drop_stick();
    }
}
