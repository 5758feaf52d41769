// Tiles -> row-major rows, by the packer. Widths are template parameters, as in tt-metal.
#pragma once

#include "api/compute/common.h"

namespace ckernel {
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void pack_untilize_init(uint32_t icb, uint32_t ocb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    emu::pack_untilize_init(icb, ocb, block_ct_dim, full_ct_dim);
}
// As pack_untilize_init without reprogramming the packer's address remap (the wheel's pack_untilize.h);
// the remap is a packer register setting the emulator does not model, so both inits behave alike here.
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void pack_untilize_init_skip_remap(uint32_t icb, uint32_t ocb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    emu::pack_untilize_init(icb, ocb, block_ct_dim, full_ct_dim);
}
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void pack_untilize_block(uint32_t icb, uint32_t block_rt_dim, uint32_t ocb, uint32_t block_c_index = 0) {
    emu::pack_untilize_block(icb, block_rt_dim, ocb, block_c_index, block_ct_dim, full_ct_dim);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void pack_untilize_uninit(uint32_t ocb) {
    emu::pack_untilize_uninit(ocb);
}
}  // namespace ckernel
