// One-time hardware set-up of unpackers (srcA <- icb0, srcB <- icb1), math and packer (ocb).
#pragma once

#include "api/compute/common.h"
#include "api/compute/src_order.h"

namespace ckernel {
template <SrcOrder src_order = SrcOrder::Regular>
inline void compute_kernel_hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb) {
    if (src_order == SrcOrder::Regular) {
        emu::hw_startup(icb0, icb1, ocb);
    } else {
        emu::hw_startup(icb1, icb0, ocb);
    }
}
inline void compute_kernel_hw_startup(uint32_t icb0, uint32_t ocb) { emu::hw_startup(icb0, icb0, ocb); }
}  // namespace ckernel
