// SFPU ops between a DST tile and column 0 of another DST tile, broadcast over the columns (fp32 DST).
#pragma once

#include "api/compute/common.h"

namespace ckernel {
inline void sfpu_bcast_col_init() { emu::sfpu_init(emu::Sfpu::BcastCol); }
inline void sfpu_sub_bcast_col_init() { sfpu_bcast_col_init(); }
inline void sfpu_add_bcast_col_init() { sfpu_bcast_col_init(); }
inline void sfpu_mul_bcast_col_init() { sfpu_bcast_col_init(); }
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sfpu_sub_bcast_col(uint32_t dst_data_idx, uint32_t dst_col_vec_idx) {
    emu::sfpu_binary(emu::Sfpu::BcastCol, emu::BinOp::Sub, dst_data_idx, dst_col_vec_idx, dst_data_idx);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sfpu_add_bcast_col(uint32_t dst_data_idx, uint32_t dst_col_vec_idx) {
    emu::sfpu_binary(emu::Sfpu::BcastCol, emu::BinOp::Add, dst_data_idx, dst_col_vec_idx, dst_data_idx);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sfpu_mul_bcast_col(uint32_t dst_data_idx, uint32_t dst_col_vec_idx) {
    emu::sfpu_binary(emu::Sfpu::BcastCol, emu::BinOp::Mul, dst_data_idx, dst_col_vec_idx, dst_data_idx);
}
}  // namespace ckernel
