// Packing DST tiles into a CB (in order by default; out_of_order honours output_tile_index).
#pragma once

#include <cstdint>

#include "emu/compute.h"

namespace ckernel {
inline void pack_init(std::uint32_t ocb, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    emu::reconfig_pack(ocb);
}
template <bool out_of_order_output = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void pack_tile(std::uint32_t ifrom_dst, std::uint32_t icb, std::uint32_t output_tile_index = 0) {
    emu::pack_tile(ifrom_dst, icb, out_of_order_output, output_tile_index);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void pack_block(std::uint32_t ifrom_dst, std::uint32_t icb, std::uint32_t ntiles) {
    for (std::uint32_t i = 0; i < ntiles; ++i) {
        emu::pack_tile(ifrom_dst + i, icb, false, 0);
    }
}
}  // namespace ckernel
