// Tile and face geometry (tt::constants in tt-metal's tt_metal/api/tt-metalium/constants.hpp, ttnn 0.81.1
// wheel): a tile is 32x32 datums in four 16x16 faces. Included by ttnn kernel helpers such as
// ttnn/operations/kernel_helper_functions/pad_tile.hpp.
#pragma once

#include <cstdint>

namespace tt::constants {
constexpr uint32_t TILE_HEIGHT = 32;
constexpr uint32_t TILE_WIDTH = 32;
constexpr uint32_t TILE_HW = TILE_WIDTH * TILE_HEIGHT;
constexpr uint32_t FACE_HEIGHT = 16;
constexpr uint32_t FACE_WIDTH = 16;
constexpr uint32_t FACE_HW = FACE_WIDTH * FACE_HEIGHT;
}  // namespace tt::constants
