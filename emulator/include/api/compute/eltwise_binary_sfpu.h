// SFPU binary ops between two DST tiles (fp32 lanes).
#pragma once

#include "api/compute/common.h"

namespace ckernel {
enum class DstRoundingMode : std::uint8_t { Default = 0 };

inline void add_binary_tile_init() { emu::sfpu_init(emu::Sfpu::AddBinary); }
inline void sub_binary_tile_init() { emu::sfpu_init(emu::Sfpu::SubBinary); }
inline void mul_binary_tile_init() { emu::sfpu_init(emu::Sfpu::MulBinary); }
template <DstRoundingMode dst_rounding_mode = DstRoundingMode::Default, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void add_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    emu::sfpu_binary(emu::Sfpu::AddBinary, emu::BinOp::Add, idst0, idst1, odst);
}
template <DstRoundingMode dst_rounding_mode = DstRoundingMode::Default, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sub_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    emu::sfpu_binary(emu::Sfpu::SubBinary, emu::BinOp::Sub, idst0, idst1, odst);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void mul_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    emu::sfpu_binary(emu::Sfpu::MulBinary, emu::BinOp::Mul, idst0, idst1, odst);
}
}  // namespace ckernel
