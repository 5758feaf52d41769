// Circular-buffer data formats as compile-time constants, as tt-metal's JIT gives them to kernels (it
// generates constexpr per-CB format arrays, so get_dataformat(cb) and unpack_src_format[cb] are constant
// expressions usable in templates). The emulator's run step passes every CB's format of the kernel's
// core as -DEMU_CB_DATA_FORMATS=f0,f1,...,f31 (0xff where no CB is configured).
#pragma once

#include <cstdint>

#include "emu/core.h"

// tt::DataFormat: the one enum of emu/codes.h (emulated formats plus the names production code mentions).
using DataFormat = emu::DataFormat;

namespace emu_cb {
#ifdef EMU_CB_DATA_FORMATS
constexpr uint8_t kFormats[32] = {EMU_CB_DATA_FORMATS};
#else
constexpr uint8_t kFormats[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
#endif
}  // namespace emu_cb

constexpr DataFormat get_dataformat(const std::int32_t operand) {
    return static_cast<DataFormat>(emu_cb::kFormats[operand]);
}

// The same formats and the tile geometry as the JIT's per-CB descriptor arrays (unpack_src_format[cb],
// pack_dst_format[cb], unpack_tile_r_dim[cb], ...), which ttnn's kernel helpers read in every kernel kind.
// The unpacker's and packer's L1 formats are equal, as the JIT makes them; tiles are 32x32 throughout.
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

