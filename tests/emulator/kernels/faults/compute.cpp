// Fault-test compute kernel: copies tiles CB 0 -> CB 16 correctly, or, with a FAULT_* define, makes
// one of the mistakes hardware punishes silently or with a hang.
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/reduce.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
#if defined(FAULT_WAIT_FOREVER)
    compute_kernel_hw_startup(0, 16);
    cb_wait_front(0, 1);
#elif defined(FAULT_REMOVED_NAME)
    binary_op_init_common(0, 0, 16);
#elif defined(FAULT_OLD_INIT_NAME)
    mul_tiles_init(0, 1);
#else
#ifndef FAULT_NO_STARTUP
    compute_kernel_hw_startup(0, 16);
#endif
    for (uint32_t t = 0; t < num_tiles; ++t) {
#if defined(FAULT_WAIT_BEYOND_CAPACITY)
        cb_wait_front(0, 3);
#else
        cb_wait_front(0, 1);
#endif
#ifdef TWO_INPUTS
        cb_wait_front(1, 1);
#endif
        tile_regs_acquire();
#if defined(FAULT_MISSING_INIT)
        mul_tiles(0, 0, 0, 0, 0);
#elif defined(FAULT_REDUCE_MASK)
        reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(0, 0, 16);
        copy_init(0);
        copy_tile(0, 0, 0);
#elif defined(FAULT_FORMAT)
        add_init(0, 1);
        add_tiles(0, 1, 0, 0, 0);
#elif defined(FAULT_READ_BEYOND_WAITED)
        copy_init(0);
        copy_tile(0, 1, 0);
#elif defined(FAULT_DST_OVERFLOW)
        copy_init(0);
        copy_tile(0, 0, 4);
#else
        copy_init(0);
        copy_tile(0, 0, 0);
#endif
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(16, 1);
        pack_tile(0, 16);
#if defined(PACK_INTO_FREE_UNRESERVED)
        // layernorm_large_tensor.cpp's pattern on CB 24, which only this kernel uses: pack and push one
        // page never reserved, into a CB whose pages are all free, then consume it.
        pack_tile(0, 24);
        cb_push_back(24, 1);
        cb_wait_front(24, 1);
        cb_pop_front(24, 1);
#elif defined(FAULT_PACK_OVER_UNCONSUMED)
        // CB 24 (3 pages) ends with pages 1 and 2 pushed, unpopped, and the write pointer wrapped to page 0;
        // the one free page is page 0, so tile 1 beyond the write pointer is page 1, still unconsumed.
        cb_reserve_back(24, 1);
        pack_tile(0, 24);
        cb_push_back(24, 1);
        cb_wait_front(24, 1);
        cb_pop_front(24, 1);
        cb_reserve_back(24, 2);
        pack_tile(0, 24);
        pack_tile(0, 24);
        cb_push_back(24, 2);
        pack_tile<true>(0, 24, 1);
#elif defined(FAULT_PACK_PAST_FIFO_END)
        // CB 24 (3 pages) empty with its write pointer at page 1: tile 2 beyond it is free but past the end.
        cb_reserve_back(24, 1);
        pack_tile(0, 24);
        cb_push_back(24, 1);
        cb_wait_front(24, 1);
        cb_pop_front(24, 1);
        cb_reserve_back(24, 1);
        pack_tile<true>(0, 24, 2);
#endif
        cb_push_back(16, 1);
        tile_regs_release();
        cb_pop_front(0, 1);
#ifdef TWO_INPUTS
        cb_pop_front(1, 1);
#endif
    }
#endif
}
