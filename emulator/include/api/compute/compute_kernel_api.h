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
// implements the one form our kernels use, a Float32 row sum over one row of ct_dim tiles. Other forms
// call a function that is declared and never defined, so a kernel that reaches one fails to load, naming
// it, while library branches that merely compile them (ttnn's reduce helper) cost nothing.
void sfpu_reduce_form_not_emulated();
template <PoolType pool_type, DataFormat format, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sfpu_reduce_init() {
    if constexpr (pool_type == PoolType::SUM && format == DataFormat::Float32) {
        emu::sfpu_init(emu::Sfpu::ReduceRowSum);
    } else {
        sfpu_reduce_form_not_emulated();
    }
}
template <PoolType pool_type, DataFormat format, ReduceDim reduce_dim = ReduceDim::REDUCE_COL,
          bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sfpu_reduce(uint32_t idst, uint32_t ct_dim = 1, uint32_t rt_dim = 1) {
    if constexpr (pool_type == PoolType::SUM && format == DataFormat::Float32 && reduce_dim == ReduceDim::REDUCE_ROW) {
        emu::sfpu_reduce_row_sum(idst, ct_dim, rt_dim);
    } else {
        sfpu_reduce_form_not_emulated();
    }
}
}  // namespace ckernel
