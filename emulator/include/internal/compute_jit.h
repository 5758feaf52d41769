// What tt-metal's JIT build puts in front of a compute kernel besides the API: the DST sync enum, the
// per-TRISC wrappers MATH(...) / PACK(...) / UNPACK(...) and the CB interface (per-CB format and tile
// arrays are in internal/cb_formats.h, ASSERT in api/debug/assert.h). ttnn's compute helpers
// (the wheel's ttnn/cpp/ttnn/kernel_lib/*.hpp, ttnn 0.81.1) read these. The emulator runs a compute
// kernel as one thread doing the work of all three TRISCs, so each wrapper simply runs its argument.
#pragma once

#include <cstdint>

#include "emu/core.h"
#include "api/debug/assert.h"
#include "internal/cb_formats.h"

#ifndef MATH
#define MATH(...) __VA_ARGS__
#endif
#ifndef PACK
#define PACK(...) __VA_ARGS__
#endif
#ifndef UNPACK
#define UNPACK(...) __VA_ARGS__
#endif

// ckernel's DstSync (tt-llk llk_defs): DST_SYNC_MODE compares against these.
enum DstSync : std::uint8_t { SyncHalf = 0, SyncFull = 1 };

// For helpers that test the 32-bit DST mode outside the TRISC build macros (dest_helpers.hpp).
#ifndef ENABLE_FP32_DEST_ACC
#define ENABLE_FP32_DEST_ACC (DST_ACCUM_MODE ? 1 : 0)
#endif

// A compute kernel's view of a CB's FIFO: sizes in 16-byte units, as the TRISCs hold them
// (the wheel's kernel_lib/dfb_helpers_compute.inl shifts fifo_page_size by DFB_COMPUTE_ADDR_SHIFT = 4).
struct LocalCBInterface {
    std::uint32_t fifo_size;
    std::uint32_t fifo_page_size;
    std::uint32_t fifo_num_pages;
};
// Returned by reference as in tt-metal (callers bind `auto&`): a per-thread copy refreshed by each call.
// Internal linkage, so no STB_GNU_UNIQUE symbol keeps the kernel loaded (see dataflow_api.h).
static inline LocalCBInterface& get_local_cb_interface(std::uint32_t cb_id) {
    thread_local LocalCBInterface view;
    const emu::CBConfig& c = emu::cb_config(cb_id);
    view = {(c.page_size * c.num_pages) >> 4, c.page_size >> 4, c.num_pages};
    return view;
}
