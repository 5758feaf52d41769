// Test compute kernel: tilize 32 row-major rows of B tiles (CB 0) and, unless TILIZE_ONLY, bring them
// back to row-major with pack_untilize (or, with UNPACK_UNTILIZE, the deprecated untilize) into CB 16.
#include <cstdint>

#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/pack_untilize.h"
#include "api/compute/tilize.h"
#include "api/compute/untilize.h"

void kernel_main() {
    constexpr uint32_t B = get_compile_time_arg_val(0);
#ifdef TILIZE_ONLY
    constexpr uint32_t tiles = 16;
#else
    constexpr uint32_t tiles = 24;
#endif
    compute_kernel_hw_startup(0, tiles);
    cb_wait_front(0, B);
    cb_reserve_back(tiles, B);
    tilize_init(0, B, tiles);
    tilize_block(0, B, tiles);
    tilize_uninit(0, tiles);
    cb_push_back(tiles, B);
    cb_pop_front(0, B);
#ifndef TILIZE_ONLY
    cb_wait_front(24, B);
    cb_reserve_back(16, B);
#ifdef UNPACK_UNTILIZE
    untilize_init(24);
    untilize_block(24, B, 16);
    untilize_uninit(24);
#else
    pack_untilize_init<B, B>(24, 16);
    pack_untilize_block<B, B>(24, 1, 16);
    pack_untilize_uninit(16);
#endif
    cb_push_back(16, B);
    cb_pop_front(24, B);
#endif
}
