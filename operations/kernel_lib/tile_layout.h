// kernel_lib/tile_layout.h: where a datum lives inside a 32x32 tile, and the datum type of a format.
//
// A tile is four 16x16 faces (top-left, top-right, bottom-left, bottom-right), each row-major: the
// layout tilize produces and the unpacker reads (tt-metal 0.81 tt_metal/api/tt-metalium/constants.hpp:
// TILE_HEIGHT/TILE_WIDTH 32, FACE_HEIGHT/FACE_WIDTH 16). Shared by the row-major norm ops' kernels.
#pragma once

#include <stdint.h>

#include <type_traits>

namespace kernel_lib {

constexpr uint32_t kTileDim = 32;
constexpr uint32_t kFaceDim = 16;
constexpr uint32_t kFaceDatums = kFaceDim * kFaceDim;

// Datum index of tile element (r, c).
constexpr uint32_t tile_datum(uint32_t r, uint32_t c) {
    return ((r / kFaceDim) * 2 + (c / kFaceDim)) * kFaceDatums + (r % kFaceDim) * kFaceDim + (c % kFaceDim);
}

// The raw datum of a 2-byte (bfloat16) or 4-byte (float32) format.
template <uint32_t elem_bytes>
using DatumOf = typename std::conditional<elem_bytes == 2, uint16_t, uint32_t>::type;

// Sticks of a tile-row that exist in the tensor: 32, fewer on the last tile-row when H % 32 != 0.
inline uint32_t valid_rows_of(uint32_t first_stick, uint32_t height) {
    return height - first_stick < kTileDim ? height - first_stick : kTileDim;
}

}  // namespace kernel_lib
