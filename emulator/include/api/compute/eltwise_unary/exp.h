#pragma once

#include "api/compute/common.h"

namespace ckernel {
enum class InputClamping : std::uint8_t { ClampToNegative, None };
template <bool approx = false, uint32_t scale = 0x3F800000, InputClamping input_clamping = InputClamping::ClampToNegative,
          bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void exp_tile_init() {
    emu::sfpu_init(emu::Sfpu::Exp);
}
template <bool approx = false, bool scale_en = false, InputClamping input_clamping = InputClamping::ClampToNegative,
          int iterations = 8, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void exp_tile(uint32_t idst, VectorMode vector_mode = VectorMode::RC, uint16_t scale = 0x3F80) {
    (void)vector_mode;
    (void)scale;
    emu::sfpu_unary(emu::Sfpu::Exp, idst, 0);
}
}  // namespace ckernel
