// What tt-metal's JIT build puts in front of a compute kernel besides the API: per-CB data formats and
// tile geometry as constexpr arrays (unpack_src_format[cb], pack_dst_format[cb], ...), the DST sync
// enum, the per-TRISC wrappers MATH(...) / PACK(...) / UNPACK(...), and ASSERT. ttnn's compute helpers
// (the wheel's ttnn/cpp/ttnn/kernel_lib/*.hpp, ttnn 0.81.1) read these. The emulator runs a compute
// kernel as one thread doing the work of all three TRISCs, so each wrapper simply runs its argument.
// CB formats come from EMU_CB_DATA_FORMATS (internal/cb_formats.h); tiles are 32x32 throughout.
#pragma once

#include <cstdint>

#include "emu/core.h"
#include "internal/cb_formats.h"

#ifndef MATH
#define MATH(x) x
#endif
#ifndef PACK
#define PACK(x) x
#endif
#ifndef UNPACK
#define UNPACK(x) x
#endif
// The watcher's ASSERT: a failed condition stops the core; here it ends the run with a report.
#ifndef ASSERT
#define ASSERT(condition, ...) \
    ((condition) ? (void)0 : emu::fault("assert", "ASSERT(%s) failed at %s:%d", #condition, __FILE__, __LINE__))
#endif

// ckernel's DstSync (tt-llk llk_defs): DST_SYNC_MODE compares against these.
enum DstSync : std::uint8_t { SyncHalf = 0, SyncFull = 1 };

// For helpers that test the 32-bit DST mode outside the TRISC build macros (dest_helpers.hpp).
#ifndef ENABLE_FP32_DEST_ACC
#define ENABLE_FP32_DEST_ACC (DST_ACCUM_MODE ? 1 : 0)
#endif

namespace emu_jit {
struct FormatTable {
    std::uint32_t v[32];
};
constexpr FormatTable formats() {
    FormatTable t{};
    for (int i = 0; i < 32; ++i) {
        t.v[i] = emu_cb::kFormats[i];
    }
    return t;
}
struct DimTable {
    std::uint32_t v[32];
};
constexpr DimTable dims(std::uint32_t value) {
    DimTable t{};
    for (int i = 0; i < 32; ++i) {
        t.v[i] = value;
    }
    return t;
}
constexpr FormatTable kFormatTable = formats();
constexpr DimTable kTileDims = dims(32);
constexpr DimTable kFaceDims = dims(16);
constexpr DimTable kNumFaces = dims(4);
}  // namespace emu_jit

// L1 formats of every CB as the unpacker reads and the packer writes them (equal, as the JIT makes them).
constexpr const std::uint32_t (&unpack_src_format)[32] = emu_jit::kFormatTable.v;
constexpr const std::uint32_t (&unpack_dst_format)[32] = emu_jit::kFormatTable.v;
constexpr const std::uint32_t (&pack_src_format)[32] = emu_jit::kFormatTable.v;
constexpr const std::uint32_t (&pack_dst_format)[32] = emu_jit::kFormatTable.v;
constexpr const std::uint32_t (&unpack_tile_r_dim)[32] = emu_jit::kTileDims.v;
constexpr const std::uint32_t (&unpack_tile_c_dim)[32] = emu_jit::kTileDims.v;
constexpr const std::uint32_t (&pack_tile_r_dim)[32] = emu_jit::kTileDims.v;
constexpr const std::uint32_t (&pack_tile_c_dim)[32] = emu_jit::kTileDims.v;
constexpr const std::uint32_t (&unpack_tile_face_r_dim)[32] = emu_jit::kFaceDims.v;
constexpr const std::uint32_t (&pack_tile_face_r_dim)[32] = emu_jit::kFaceDims.v;
constexpr const std::uint32_t (&unpack_tile_num_faces)[32] = emu_jit::kNumFaces.v;
constexpr const std::uint32_t (&pack_tile_num_faces)[32] = emu_jit::kNumFaces.v;

// A compute kernel's view of a CB's FIFO: sizes in 16-byte units, as the TRISCs hold them
// (the wheel's kernel_lib/dfb_helpers_compute.inl shifts fifo_page_size by DFB_COMPUTE_ADDR_SHIFT = 4).
struct LocalCBInterface {
    std::uint32_t fifo_size;
    std::uint32_t fifo_page_size;
    std::uint32_t fifo_num_pages;
};
// Returned by reference as in tt-metal (callers bind `auto&`): a per-thread copy refreshed by each call.
inline LocalCBInterface& get_local_cb_interface(std::uint32_t cb_id) {
    thread_local LocalCBInterface view;
    const emu::CBConfig& c = emu::cb_config(cb_id);
    view = {(c.page_size * c.num_pages) >> 4, c.page_size >> 4, c.num_pages};
    return view;
}
