// kernel_lib/row_reduce.h: the mean of each row of a DST tile, on the SFPU in fp32.
//
// sfpu_reduce<SUM, Float32, REDUCE_ROW> adds the 32 datums of each row with SFPU adds (fp32), leaving the
// sums in column 0 (declared in the 0.81.1 wheel's api/compute/compute_kernel_api.h); the FPU's reduce (TF32 operands,
// fidelity phases) never touches a statistic. The scale is a scalar multiply by fp32 bits (1/W).
#pragma once

#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"

namespace kernel_lib {

// DST `dst` <- its row sums (column 0), times the fp32 whose bits are `scale_bits`.
inline void row_mean_in_place(uint32_t dst, uint32_t scale_bits) {
    sfpu_reduce_init<PoolType::SUM, DataFormat::Float32>();
    sfpu_reduce<PoolType::SUM, DataFormat::Float32, ReduceDim::REDUCE_ROW>(dst, 1);
    binop_with_scalar_tile_init();
    mul_unary_tile(dst, scale_bits);
}

}  // namespace kernel_lib
