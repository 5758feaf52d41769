#pragma once

#include "api/compute/common.h"

namespace ckernel {
inline void sqrt_tile_init() { emu::sfpu_init(emu::Sfpu::Sqrt); }
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sqrt_tile(uint32_t idst) {
    emu::sfpu_unary(emu::Sfpu::Sqrt, idst, 0);
}
}  // namespace ckernel
