// Copy CB tiles into DST (unpacked straight to DST for unpack_to_dest_fp32 CBs).
#pragma once

#include "api/compute/common.h"

namespace ckernel {
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void copy_init(std::uint32_t cbid, std::uint32_t transpose = 0, std::uint32_t transpose_within_16x16_face = false,
                      std::uint32_t call_line = __builtin_LINE()) {
    static_cast<void>(transpose_within_16x16_face);
    (void)call_line;
    if (transpose) {
        emu::fault("unsupported", "copy_init with transpose is not emulated");
    }
    emu::copy_init(cbid);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void copy_tile(std::uint32_t in_cb_id, std::uint32_t in_tile_index, std::uint32_t dst_tile_index) {
    emu::copy_tile(in_cb_id, in_tile_index, dst_tile_index);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void copy_block(std::uint32_t in_cb_id, std::uint32_t start_in_tile_index, std::uint32_t start_dst_tile_index,
                       std::uint32_t ntiles) {
    for (std::uint32_t i = 0; i < ntiles; ++i) {
        emu::copy_tile(in_cb_id, start_in_tile_index + i, start_dst_tile_index + i);
    }
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
[[deprecated("Renamed to copy_init(). This will be removed after 20-09-2026.")]] inline void copy_tile_init(
    std::uint32_t cbid) {
    emu::copy_init(cbid);
}
}  // namespace ckernel
