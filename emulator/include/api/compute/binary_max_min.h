// SFPU element-wise max / min of two DST tiles (the wheel's api/compute/binary_max_min.h, ttnn 0.81.1),
// included by ttnn's reduce helper for its SFPU reduction path. Not emulated: declared for name lookup,
// never defined, so a kernel that uses one fails to load naming it.
#pragma once

#include "api/compute/common.h"

namespace ckernel {
void binary_max_tile_init();
void binary_max_tile(uint32_t idst0, uint32_t idst1, uint32_t odst);
void binary_max_int32_tile_init();
void binary_max_int32_tile(uint32_t idst0, uint32_t idst1, uint32_t odst);
void binary_min_tile_init();
void binary_min_tile(uint32_t idst0, uint32_t idst1, uint32_t odst);
void binary_min_int32_tile_init();
void binary_min_int32_tile(uint32_t idst0, uint32_t idst1, uint32_t odst);
}  // namespace ckernel
