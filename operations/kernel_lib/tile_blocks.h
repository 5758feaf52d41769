// kernel_lib/tile_blocks.h: width blocks between row-major sticks and tiles in a compute kernel.
//
// A block is B tiles wide and 32 rows high: B pages of row-major rows (the reader's stick block) become
// B tiles (tilize_block), and B tiles become B pages of rows (pack_untilize_block, the writer's block).
// The FPU only moves data here; B is at most what DST holds (4 fp32 tiles in half-sync mode).
#pragma once

#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/pack_untilize.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/tilize.h"

namespace kernel_lib {

// B row-major pages of cb_rows -> B tiles of cb_tiles (pushed); cb_rows popped.
template <uint32_t B>
void tilize_block_into(uint32_t cb_rows, uint32_t cb_tiles) {
    reconfig_data_format_srca(cb_rows);
    pack_reconfig_data_format(cb_tiles);
    tilize_init(cb_rows, B, cb_tiles);
    cb_wait_front(cb_rows, B);
    cb_reserve_back(cb_tiles, B);
    tilize_block(cb_rows, B, cb_tiles);
    cb_push_back(cb_tiles, B);
    cb_pop_front(cb_rows, B);
    tilize_uninit(cb_rows, cb_tiles);
}

// B tiles of cb_tiles -> B row-major pages of cb_rows (pushed); cb_tiles popped.
template <uint32_t B>
void untilize_block_into(uint32_t cb_tiles, uint32_t cb_rows) {
    cb_wait_front(cb_tiles, B);
    cb_reserve_back(cb_rows, B);
    reconfig_data_format_srca(cb_tiles);
    pack_reconfig_data_format(cb_rows);
    pack_untilize_init<B, B>(cb_tiles, cb_rows);
    pack_untilize_block<B, B>(cb_tiles, 1, cb_rows, 0);
    pack_untilize_uninit(cb_rows);
    cb_push_back(cb_rows, B);
    cb_pop_front(cb_tiles, B);
}

}  // namespace kernel_lib
