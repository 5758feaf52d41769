// The general compute header: common calls plus square_tile and sfpu_reduce.
#pragma once

#include "api/compute/common.h"

// The compute API names formats in template arguments as tt::DataFormat (tensix_types.h): the
// emulator's one definition of those values.
using DataFormat = emu::DataFormat;

namespace ckernel {
inline void square_tile_init() { emu::sfpu_init(emu::Sfpu::Square); }
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void square_tile(uint32_t idst) {
    emu::sfpu_unary(emu::Sfpu::Square, idst, 0);
}

// sfpu_reduce as the 0.81.1 wheel declares it (api/compute/compute_kernel_api.h); the emulator
// implements the one form our kernels use, a Float32 row sum over one row of ct_dim tiles.
template <PoolType pool_type, DataFormat format, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sfpu_reduce_init() {
    static_assert(pool_type == PoolType::SUM && format == DataFormat::Float32,
                  "the emulator implements sfpu_reduce for SUM over Float32 only");
    emu::sfpu_init(emu::Sfpu::ReduceRowSum);
}
template <PoolType pool_type, DataFormat format, ReduceDim reduce_dim = ReduceDim::REDUCE_COL,
          bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sfpu_reduce(uint32_t idst, uint32_t ct_dim = 1, uint32_t rt_dim = 1) {
    static_assert(pool_type == PoolType::SUM && format == DataFormat::Float32 && reduce_dim == ReduceDim::REDUCE_ROW,
                  "the emulator implements sfpu_reduce<SUM, Float32, REDUCE_ROW> only");
    emu::sfpu_reduce_row_sum(idst, ct_dim, rt_dim);
}
}  // namespace ckernel
