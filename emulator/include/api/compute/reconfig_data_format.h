// Re-target the unpackers (srcA / srcB) and the packer at CBs of another data format.
#pragma once

#include "api/compute/common.h"
#include "api/compute/src_order.h"

namespace ckernel {
template <SrcOrder src_order = SrcOrder::Regular>
inline void reconfig_data_format(const uint32_t icb0_new_operand, const uint32_t icb1_new_operand) {
    const bool regular = src_order == SrcOrder::Regular;
    emu::reconfig_srca(regular ? icb0_new_operand : icb1_new_operand);
    emu::reconfig_srcb(regular ? icb1_new_operand : icb0_new_operand);
}
template <SrcOrder src_order = SrcOrder::Regular>
inline void reconfig_data_format(const uint32_t icb0_old_operand, const uint32_t icb0_new_operand,
                                 const uint32_t icb1_old_operand, const uint32_t icb1_new_operand) {
    (void)icb0_old_operand;
    (void)icb1_old_operand;
    reconfig_data_format<src_order>(icb0_new_operand, icb1_new_operand);
}
inline void reconfig_data_format_srca(const uint32_t srca_new_operand) { emu::reconfig_srca(srca_new_operand); }
inline void reconfig_data_format_srca(const uint32_t srca_old_operand, const uint32_t srca_new_operand) {
    (void)srca_old_operand;
    emu::reconfig_srca(srca_new_operand);
}
inline void reconfig_data_format_srcb(const uint32_t srcb_new_operand) { emu::reconfig_srcb(srcb_new_operand); }
inline void reconfig_data_format_srcb(const uint32_t srcb_old_operand, const uint32_t srcb_new_operand) {
    (void)srcb_old_operand;
    emu::reconfig_srcb(srcb_new_operand);
}
template <bool is_tile_dim_reconfig_en = false>
inline void pack_reconfig_data_format(const uint32_t new_cb_id) {
    emu::reconfig_pack(new_cb_id);
}
template <bool is_tile_dim_reconfig_en = false>
inline void pack_reconfig_data_format(const uint32_t old_cb_id, const uint32_t new_cb_id) {
    (void)old_cb_id;
    emu::reconfig_pack(new_cb_id);
}
}  // namespace ckernel
