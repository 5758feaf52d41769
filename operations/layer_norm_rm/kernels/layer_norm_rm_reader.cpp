// layer_norm_rm reader (RISCV_1): feeds the compute kernel, one tile-row (32 sticks) at a time.
//
// Per core, once: the reduce scaler tile (bf16, 1.0), the epsilon tile (fp32), and gamma / beta
// sticks read from DRAM into L1, where they stay for the whole run.
// Per tile-row:
//   * the 32 sticks in width blocks of `block_tiles` tiles (partial-stick reads), each block landing
//     as 32 contiguous rows of block_tiles * 32 datums: the layout tilize_block expects;
//   * with the first block, the shift tile: every datum of row r is x[r][0]. Compute subtracts it
//     before any statistics, so a large common offset cannot cancel digits away;
//   * after all input blocks, gamma / beta tiles per block, built from the resident sticks: every
//     row of tile t holds stick[32t .. 32t+31].
//
// Compile-time args: cb_in_rm, cb_shift, cb_scaler, cb_eps, cb_gamma, cb_beta, cb_gamma_rm,
//   cb_beta_rm, block_tiles, then TensorAccessorArgs of input [, gamma] [, beta].
// Defines: FUSE_GAMMA, FUSE_BETA when those tensors are given.
// Runtime args: input_addr, gamma_addr, beta_addr, first_tile_row, num_tile_rows, Wt, elem_bytes,
//   eps_bits (fp32 bit pattern).
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"
#include "ttnn/cpp/ttnn/kernel_lib/reduce_helpers_dataflow.hpp"

namespace {

constexpr uint32_t kTileDim = 32;
constexpr uint32_t kFaceDim = 16;
constexpr uint32_t kFaceDatums = kFaceDim * kFaceDim;

// Datum index of tile element (r, c): four 16x16 faces, row-major inside each face.
constexpr uint32_t tile_datum(uint32_t r, uint32_t c) {
    return ((r / kFaceDim) * 2 + (c / kFaceDim)) * kFaceDatums + (r % kFaceDim) * kFaceDim + (c % kFaceDim);
}

template <typename T>
void fill_rows_with_first_column(uint32_t rows_l1, uint32_t row_stride_bytes, uint32_t tile_l1) {
    volatile T* tile = reinterpret_cast<volatile T*>(tile_l1);
    for (uint32_t r = 0; r < kTileDim; ++r) {
        const T first = *reinterpret_cast<volatile T*>(rows_l1 + r * row_stride_bytes);
        for (uint32_t c = 0; c < kTileDim; ++c) {
            tile[tile_datum(r, c)] = first;
        }
    }
}

void push_shift_tile(uint32_t cb_shift, uint32_t rows_l1, uint32_t row_stride_bytes, uint32_t elem_bytes) {
    cb_reserve_back(cb_shift, 1);
    if (elem_bytes == 2) {
        fill_rows_with_first_column<uint16_t>(rows_l1, row_stride_bytes, get_write_ptr(cb_shift));
    } else {
        fill_rows_with_first_column<uint32_t>(rows_l1, row_stride_bytes, get_write_ptr(cb_shift));
    }
    cb_push_back(cb_shift, 1);
}

void push_filled_fp32_tile(uint32_t cb, uint32_t bits) {
    cb_reserve_back(cb, 1);
    volatile uint32_t* tile = reinterpret_cast<volatile uint32_t*>(get_write_ptr(cb));
    for (uint32_t i = 0; i < kTileDim * kTileDim; ++i) {
        tile[i] = bits;
    }
    cb_push_back(cb, 1);
}

// Tile t of a block repeats stick[32t .. 32t+31] in all 32 rows, so compute can multiply or add it
// element-wise on the SFPU (exactly, in fp32) instead of broadcasting row 0 through the FPU.
template <typename T>
void fill_rows_with_stick(uint32_t stick_l1, uint32_t tile_l1) {
    const volatile T* stick = reinterpret_cast<const volatile T*>(stick_l1);
    volatile T* tile = reinterpret_cast<volatile T*>(tile_l1);
    for (uint32_t r = 0; r < kTileDim; ++r) {
        for (uint32_t c = 0; c < kTileDim; ++c) {
            tile[tile_datum(r, c)] = stick[c];
        }
    }
}

void push_row_repeated_tiles(uint32_t cb, uint32_t stick_l1, uint32_t block_tiles, uint32_t elem_bytes) {
    cb_reserve_back(cb, block_tiles);
    const uint32_t tile_bytes = kTileDim * kTileDim * elem_bytes;
    const uint32_t first_tile = get_write_ptr(cb);
    for (uint32_t t = 0; t < block_tiles; ++t) {
        const uint32_t src = stick_l1 + t * kTileDim * elem_bytes;
        if (elem_bytes == 2) {
            fill_rows_with_stick<uint16_t>(src, first_tile + t * tile_bytes);
        } else {
            fill_rows_with_stick<uint32_t>(src, first_tile + t * tile_bytes);
        }
    }
    cb_push_back(cb, block_tiles);
}

template <typename Accessor>
uint32_t read_resident_stick(uint32_t cb, const Accessor& tensor, uint32_t stick_bytes) {
    cb_reserve_back(cb, 1);
    const uint32_t l1 = get_write_ptr(cb);
    noc_async_read(tensor.get_noc_addr(0), l1, stick_bytes);
    noc_async_read_barrier();
    cb_push_back(cb, 1);
    cb_wait_front(cb, 1);
    return get_read_ptr(cb);
}

}  // namespace

void kernel_main() {
    constexpr uint32_t cb_in_rm = get_compile_time_arg_val(0);
    constexpr uint32_t cb_shift = get_compile_time_arg_val(1);
    constexpr uint32_t cb_scaler = get_compile_time_arg_val(2);
    constexpr uint32_t cb_eps = get_compile_time_arg_val(3);
    constexpr uint32_t cb_gamma = get_compile_time_arg_val(4);
    constexpr uint32_t cb_beta = get_compile_time_arg_val(5);
    constexpr uint32_t cb_gamma_rm = get_compile_time_arg_val(6);
    constexpr uint32_t cb_beta_rm = get_compile_time_arg_val(7);
    constexpr uint32_t block_tiles = get_compile_time_arg_val(8);
    constexpr auto input_args = TensorAccessorArgs<9>();
#ifdef FUSE_GAMMA
    constexpr auto gamma_args = TensorAccessorArgs<input_args.next_compile_time_args_offset()>();
    constexpr uint32_t beta_args_offset = gamma_args.next_compile_time_args_offset();
#else
    constexpr uint32_t beta_args_offset = input_args.next_compile_time_args_offset();
#endif
#ifdef FUSE_BETA
    constexpr auto beta_args = TensorAccessorArgs<beta_args_offset>();
#endif

    const uint32_t input_addr = get_arg_val<uint32_t>(0);
    const uint32_t first_tile_row = get_arg_val<uint32_t>(3);
    const uint32_t num_tile_rows = get_arg_val<uint32_t>(4);
    const uint32_t Wt = get_arg_val<uint32_t>(5);
    const uint32_t elem_bytes = get_arg_val<uint32_t>(6);
    const uint32_t eps_bits = get_arg_val<uint32_t>(7);

    const uint32_t stick_bytes = Wt * kTileDim * elem_bytes;
    const uint32_t block_bytes = block_tiles * kTileDim * elem_bytes;
    const uint32_t num_blocks = Wt / block_tiles;
    const auto input = TensorAccessor(input_args, input_addr, stick_bytes);

    dataflow_kernel_lib::calculate_and_prepare_reduce_scaler<cb_scaler, ckernel::PoolType::SUM,
                                                             ckernel::ReduceDim::REDUCE_ROW>();
    push_filled_fp32_tile(cb_eps, eps_bits);
#ifdef FUSE_GAMMA
    const auto gamma = TensorAccessor(gamma_args, get_arg_val<uint32_t>(1), stick_bytes);
    const uint32_t gamma_l1 = read_resident_stick(cb_gamma_rm, gamma, stick_bytes);
#endif
#ifdef FUSE_BETA
    const auto beta = TensorAccessor(beta_args, get_arg_val<uint32_t>(2), stick_bytes);
    const uint32_t beta_l1 = read_resident_stick(cb_beta_rm, beta, stick_bytes);
#endif

    for (uint32_t tile_row = first_tile_row; tile_row < first_tile_row + num_tile_rows; ++tile_row) {
        const uint32_t first_stick = tile_row * kTileDim;
        for (uint32_t block = 0; block < num_blocks; ++block) {
            cb_reserve_back(cb_in_rm, block_tiles);
            const uint32_t rows_l1 = get_write_ptr(cb_in_rm);
            for (uint32_t r = 0; r < kTileDim; ++r) {
                noc_async_read(input.get_noc_addr(first_stick + r, block * block_bytes), rows_l1 + r * block_bytes,
                               block_bytes);
            }
            noc_async_read_barrier();
            if (block == 0) {
                push_shift_tile(cb_shift, rows_l1, block_bytes, elem_bytes);
            }
            cb_push_back(cb_in_rm, block_tiles);
        }
#if defined(FUSE_GAMMA) || defined(FUSE_BETA)
        for (uint32_t block = 0; block < num_blocks; ++block) {
#ifdef FUSE_GAMMA
            push_row_repeated_tiles(cb_gamma, gamma_l1 + block * block_bytes, block_tiles, elem_bytes);
#endif
#ifdef FUSE_BETA
            push_row_repeated_tiles(cb_beta, beta_l1 + block * block_bytes, block_tiles, elem_bytes);
#endif
        }
#endif
    }

#ifdef FUSE_GAMMA
    cb_pop_front(cb_gamma_rm, 1);
#endif
#ifdef FUSE_BETA
    cb_pop_front(cb_beta_rm, 1);
#endif
}
