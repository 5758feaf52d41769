// Blackhole's fast untilize (the wheel's api/compute/experimental/fast_untilize.h, ttnn 0.81.1). The
// ttnn untilize helper selects it only on Blackhole (can_use_fast_untilize is false elsewhere); the
// emulator models Wormhole, so these are declared for name lookup and never defined: a kernel that
// reaches one fails to link, naming it.
#pragma once

#include "api/compute/common.h"

namespace ckernel {
template <std::uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void fast_untilize_init(uint32_t icb, uint32_t ocb, uint32_t call_line = __builtin_LINE());
template <std::uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void fast_untilize_init_skip_remap(uint32_t icb, uint32_t ocb, uint32_t call_line = __builtin_LINE());
template <std::uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void fast_untilize_block(uint32_t icb, uint32_t block_rt_dim, uint32_t ocb);
template <std::uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void fast_untilize_uninit(uint32_t ocb);
}  // namespace ckernel
