// DST ownership between MATH and PACK.
#pragma once

#include "emu/compute.h"

namespace ckernel {
inline void tile_regs_acquire() { emu::regs_acquire(); }
inline void tile_regs_commit() { emu::regs_commit(); }
inline void tile_regs_wait() { emu::regs_wait(); }
inline void tile_regs_release() { emu::regs_release(); }
[[deprecated("Use tile_regs_acquire() instead")]] inline void acquire_dst() {
    emu::regs_acquire();
}
[[deprecated("Use tile_regs_release() instead")]] inline void release_dst() {
    emu::regs_commit();
    emu::regs_wait();
    emu::regs_release();
}
}  // namespace ckernel
