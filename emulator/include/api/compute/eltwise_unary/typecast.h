// SFPU typecast of a DST tile (the wheel's api/compute/eltwise_unary/typecast.h, ttnn 0.81.1), included by
// ttnn's reduce helper for Int32 post-scaling. Not emulated: declared for name lookup, never defined.
#pragma once

#include "api/compute/common.h"

namespace ckernel {
template <uint32_t in_dtype, uint32_t out_dtype>
void typecast_tile_init();
template <uint32_t in_dtype, uint32_t out_dtype>
void typecast_tile(uint32_t idst);
}  // namespace ckernel
