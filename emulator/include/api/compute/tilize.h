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

// Wormhole's fast tilize (the wheel's api/compute/tilize.h, ttnn 0.81.1) reorders the same datums with
// the unpackers and a datacopy; ttnn's tilize helper takes it for bf16 and fp32 inputs with 16-bit
// outputs. What lands in the output CB is the tilized block either way, so it runs the tilize model.
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void fast_tilize_init(uint32_t icb, uint32_t full_dim, uint32_t ocb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    emu::tilize_init(icb, full_dim, ocb);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void fast_tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t input_tile_index = 0,
                              uint32_t output_tile_index = 0) {
    tilize_block<is_fp32_dest_acc_en>(icb, block, ocb, input_tile_index, output_tile_index);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void fast_tilize_uninit(uint32_t icb, uint32_t ocb, uint32_t full_dim) {
    (void)full_dim;
    emu::tilize_uninit(icb, ocb);
}
}  // namespace ckernel
