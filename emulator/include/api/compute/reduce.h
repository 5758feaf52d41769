// Reductions with a scaler tile. The result of REDUCE_ROW sits in column 0; until reduce_uninit the
// packer writes only the reduced datums.
#pragma once

#include "api/compute/common.h"

namespace ckernel {
namespace emu_reduce {
constexpr emu::Pool pool(PoolType p) {
    return p == PoolType::SUM ? emu::Pool::Sum : p == PoolType::AVG ? emu::Pool::Avg
                             : p == PoolType::MAX ? emu::Pool::Max : emu::Pool::Min;
}
constexpr emu::Dim dim(ReduceDim d) {
    return d == ReduceDim::REDUCE_ROW ? emu::Dim::Row : d == ReduceDim::REDUCE_COL ? emu::Dim::Col : emu::Dim::Scalar;
}
}  // namespace emu_reduce

template <PoolType reduce_type, ReduceDim reduce_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void reduce_init(std::uint32_t icb, std::uint32_t icb_scaler, std::uint32_t ocb,
                        std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    emu::reduce_init(emu_reduce::pool(reduce_type), emu_reduce::dim(reduce_dim), icb, icb_scaler, ocb);
}
template <PoolType reduce_type, ReduceDim reduce_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void reduce_tile(std::uint32_t icb, std::uint32_t icb_scaler, std::uint32_t itile, std::uint32_t itile_scaler,
                        std::uint32_t idst) {
    emu::reduce_tile(emu_reduce::pool(reduce_type), emu_reduce::dim(reduce_dim), icb, icb_scaler, itile,
                     itile_scaler, idst);
}
inline void reduce_uninit(std::uint32_t icb = 0) {
    (void)icb;
    emu::reduce_uninit();
}
}  // namespace ckernel
