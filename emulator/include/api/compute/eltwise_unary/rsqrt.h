#pragma once

#include "api/compute/common.h"

namespace ckernel {
enum class RsqrtMode { Default, Fast };
inline void rsqrt_tile_init() { emu::sfpu_init(emu::Sfpu::Rsqrt); }
// Default returns NaN for negative inputs; Fast skips that check. Precision follows APPROX.
template <RsqrtMode mode = RsqrtMode::Default, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void rsqrt_tile(uint32_t idst) {
    emu::sfpu_unary(mode == RsqrtMode::Default ? emu::Sfpu::Rsqrt : emu::Sfpu::RsqrtFast, idst, 0);
}
}  // namespace ckernel
