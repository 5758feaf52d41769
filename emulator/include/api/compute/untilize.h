// The unpack-based untilize, deprecated in 0.81 in favour of pack_untilize (kept: kernels still use it).
#pragma once

#include "api/compute/common.h"

namespace ckernel {
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
[[deprecated("unpack-based untilize is deprecated; use pack_untilize instead.")]] inline void untilize_init(
    uint32_t icb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    emu::untilize_init(icb);
}
template <uint32_t block_ct_dim = 1, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
[[deprecated("unpack-based untilize is deprecated; use pack_untilize instead.")]] inline void untilize_block(
    uint32_t icb, uint32_t full_ct_dim, uint32_t ocb) {
    emu::untilize_block(icb, full_ct_dim, ocb);
}
[[deprecated("unpack-based untilize is deprecated; use pack_untilize instead.")]] inline void untilize_uninit(
    uint32_t icb) {
    emu::untilize_uninit(icb);
}
}  // namespace ckernel
