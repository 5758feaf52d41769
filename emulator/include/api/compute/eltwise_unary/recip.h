#pragma once

#include "api/compute/common.h"

namespace ckernel {
enum class ReciprocalDestAcc : std::uint8_t { BF16, FP32 };
enum class ReciprocalApproxMode : std::uint8_t { Default, Precise, Approximate };
template <ReciprocalDestAcc dest_acc = DST_ACCUM_MODE ? ReciprocalDestAcc::FP32 : ReciprocalDestAcc::BF16,
          ReciprocalApproxMode approximation = ReciprocalApproxMode::Default>
inline void recip_tile_init() {
    emu::sfpu_init(emu::Sfpu::Recip);
}
template <ReciprocalDestAcc dest_acc = DST_ACCUM_MODE ? ReciprocalDestAcc::FP32 : ReciprocalDestAcc::BF16,
          ReciprocalApproxMode approximation = ReciprocalApproxMode::Default>
inline void recip_tile(uint32_t idst, VectorMode vector_mode = VectorMode::RC) {
    (void)vector_mode;
    emu::sfpu_unary(emu::Sfpu::Recip, idst, static_cast<uint32_t>(approximation));
}
}  // namespace ckernel
