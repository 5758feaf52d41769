// Row-major CB pages -> tiles. tilize_block manages DST itself; the caller does the CB calls.
#pragma once

#include "api/compute/common.h"

namespace ckernel {
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void tilize_init(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    emu::tilize_init(icb, block, ocb);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t input_tile_index = 0,
                         uint32_t output_tile_index = 0) {
    if (input_tile_index || output_tile_index) {
        emu::fault("unsupported", "tilize_block with tile offsets is not emulated");
    }
    emu::tilize_block(icb, block, ocb);
}
inline void tilize_uninit(uint32_t icb, uint32_t ocb) { emu::tilize_uninit(icb, ocb); }
}  // namespace ckernel
