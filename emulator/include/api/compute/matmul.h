// Tile matmul on the FPU: DST[idst] += in0 tile x in1 tile (tt-metal 0.81 api/compute/matmul.h; the
// numeric model is in runtime/compute.cpp matmul_tiles).
#pragma once

#include "api/compute/common.h"

namespace ckernel {
inline void matmul_init(std::uint32_t in0_cb_id, std::uint32_t in1_cb_id, const std::uint32_t transpose = 0,
                        std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    if (transpose != 0) {
        emu::fault("unsupported", "matmul_init with transpose is not emulated");
    }
    emu::matmul_init(in0_cb_id, in1_cb_id);
}
inline void matmul_tiles(std::uint32_t in0_cb_id, std::uint32_t in1_cb_id, std::uint32_t in0_tile_index,
                         std::uint32_t in1_tile_index, std::uint32_t idst) {
    emu::matmul_tiles(in0_cb_id, in1_cb_id, in0_tile_index, in1_tile_index, idst);
}
}  // namespace ckernel
