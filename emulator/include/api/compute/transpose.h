// 32x32 tile transpose into DST (tt-metal 0.81 api/compute/transpose.h; model in runtime/compute.cpp).
#pragma once

#include "api/compute/common.h"

namespace ckernel {
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void transpose_init(uint32_t icb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    emu::transpose_init(icb);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void transpose_tile(uint32_t icb, uint32_t itile, uint32_t idst) {
    emu::transpose_tile(icb, itile, idst);
}
}  // namespace ckernel
