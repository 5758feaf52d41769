// kernel_lib/row_reduce.h: the mean of each row of a tile, for the two DST widths.
//
// fp32 DST (the default): sfpu_reduce<SUM, Float32, REDUCE_ROW> adds the 32 datums of each row with SFPU
// adds (fp32), leaving the sums in column 0 (declared in the 0.81.1 wheel's api/compute/compute_kernel_api.h);
// the FPU's reduce (TF32 operands, fidelity phases) never touches a statistic. The scale is a scalar multiply
// by fp32 bits (1/W). Results hold the mean in column 0 only: apply them with the SFPU column broadcast.
//
// 16-bit DST (DEST_16BIT, fp32_dest_acc_en = false): the SFPU column broadcast needs fp32 DST (0.81.1
// api/compute/sfpu_binary_bcast.h), so a row mean is made full-width instead: one FPU matmul of the tile by
// an all-ones tile puts row r's sum in every column of row r ((A 1)[r][c] = sum_k A[r][k]), then the same
// scalar multiply. The ones tile is srcA and exact in every fidelity phase (1.0 has no low mantissa bits);
// with 16-bit DST every value is a bf16 anyway, so the FPU's operand formats cost nothing beyond that.
#pragma once

#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/matmul.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/sfpu_binary_bcast.h"
#include "compute_tiles.h"

namespace kernel_lib {

#ifndef DEST_16BIT
// DST `dst` <- its row sums (column 0), times the fp32 whose bits are `scale_bits`.
inline void row_mean_in_place(uint32_t dst, uint32_t scale_bits) {
    sfpu_reduce_init<PoolType::SUM, DataFormat::Float32>();
    sfpu_reduce<PoolType::SUM, DataFormat::Float32, ReduceDim::REDUCE_ROW>(dst, 1);
    binop_with_scalar_tile_init();
    mul_unary_tile(dst, scale_bits);
}

// DST a <- DST a - (column 0 of DST b, broadcast along the row); DST a <- DST a * (the same).
inline void sub_col(uint32_t a, uint32_t b) {
    sfpu_sub_bcast_col_init();
    sfpu_sub_bcast_col(a, b);
}
inline void mul_col(uint32_t a, uint32_t b) {
    sfpu_mul_bcast_col_init();
    sfpu_mul_bcast_col(a, b);
}
#else
// DST `dst` <- row r of tile `tile` of `cb` summed into every column of row r, times the fp32 whose bits are
// `scale_bits`. `cb_ones` holds an all-ones tile. DST `dst` must be zero (fresh acquire): matmul accumulates.
inline void row_mean_broadcast(uint32_t cb, uint32_t tile, uint32_t cb_ones, uint32_t dst, uint32_t scale_bits) {
    reconfig_data_format(cb_ones, cb);
    matmul_init(cb, cb_ones);
    matmul_tiles(cb, cb_ones, tile, 0, dst);
    binop_with_scalar_tile_init();
    mul_unary_tile(dst, scale_bits);
}

// Statistics are full-width tiles here, so the "column broadcast" is the plain element-wise SFPU op.
inline void sub_col(uint32_t a, uint32_t b) {
    sub_binary_tile_init();
    sub_binary_tile(a, b, a);
}
inline void mul_col(uint32_t a, uint32_t b) { mul_dst(a, b, a); }
#endif

}  // namespace kernel_lib
