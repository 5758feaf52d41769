// CB calls as a compute kernel makes them (wait/pop on UNPACK, reserve/push on PACK).
#pragma once

#include <cstdint>

#include "emu/core.h"

namespace ckernel {
inline void cb_wait_front(uint32_t cbid, uint32_t ntiles) { emu::cb_wait_front(cbid, ntiles); }
inline void cb_pop_front(uint32_t cbid, uint32_t ntiles) { emu::cb_pop_front(cbid, ntiles); }
inline void cb_reserve_back(uint32_t cbid, uint32_t ntiles) { emu::cb_reserve_back(cbid, ntiles); }
inline void cb_push_back(uint32_t cbid, uint32_t ntiles) { emu::cb_push_back(cbid, ntiles); }
}  // namespace ckernel
