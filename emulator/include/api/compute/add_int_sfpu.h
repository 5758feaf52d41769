// SFPU integer add of two DST tiles (the wheel's api/compute/add_int_sfpu.h, ttnn 0.81.1), included by
// ttnn's reduce helper for Int32 reductions. Not emulated (Int32 CBs are not): declared for name lookup,
// never defined.
#pragma once

#include "api/compute/common.h"

namespace ckernel {
void add_int_tile_init();
template <DataFormat format>
void add_int_tile(uint32_t idst0, uint32_t idst1, uint32_t odst);
}  // namespace ckernel
