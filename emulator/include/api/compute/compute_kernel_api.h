// The general compute header: common calls plus square_tile.
#pragma once

#include "api/compute/common.h"

namespace ckernel {
inline void square_tile_init() { emu::sfpu_init(emu::Sfpu::Square); }
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void square_tile(uint32_t idst) {
    emu::sfpu_unary(emu::Sfpu::Square, idst, 0);
}
}  // namespace ckernel
