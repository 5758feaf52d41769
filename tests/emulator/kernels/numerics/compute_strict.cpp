// Numerics / strictness test compute kernel: CB 0 (and CB 1) tiles -> CB 16, one scenario per define.
// Each FAULT_* scenario makes one mistake that silicon punishes silently; the others compute a result
// whose bits the tests check.
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/reduce.h"
#include "api/compute/sfpu_binary_bcast.h"
#include "api/compute/tile_move_copy.h"

namespace {

constexpr uint32_t a = 0, b = 1, scaler = 8, out = 16;

#ifndef DST_INDEX
#define DST_INDEX 0
#endif

void compute_one(uint32_t t) {
#if defined(FAULT_UNPACK_DEST)
    // CB 0 unpacks straight to DST, CB 1 (also Float32) into SrcA: no reconfig between them.
    copy_init(a);
    copy_tile(a, 0, 0);
    copy_init(b);
#ifdef WITH_RECONFIG
    reconfig_data_format_srca(a, b);
#endif
    copy_tile(b, 0, 1);
#elif defined(FAULT_SFPU_INIT_HOISTED)
    copy_init(a);
    copy_tile(a, 0, 0);
    rsqrt_tile(0);
    binop_with_scalar_tile_init();
    mul_unary_tile(0, 0x40000000u);
#elif defined(FAULT_READ_BEYOND_WAITED)
    copy_init(a);
    copy_tile(a, 1, 0);
#elif defined(FAULT_BCAST_COL_16BIT)
    copy_init(a);
    copy_tile(a, 0, 0);
    copy_tile(a, 0, 1);
    sfpu_bcast_col_init();
    sfpu_mul_bcast_col(0, 1);
#elif defined(OP_DST_INDEX)
    copy_init(a);
    copy_tile(a, 0, DST_INDEX);
#elif defined(OP_STALE_DST)
    // Tile 0 of the stream writes DST tile 1; later tiles pack DST tile 1 without writing it.
    if (t == 0) {
        copy_init(a);
        copy_tile(a, 0, 1);
    }
#elif defined(OP_REDUCE_B_SCALER)
    reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(a, b, 0, 0, 0);
#else
    copy_init(a);
    copy_tile(a, 0, 0);
#endif
}

uint32_t packed_dst() {
#if defined(OP_DST_INDEX)
    return DST_INDEX;
#elif defined(OP_STALE_DST)
    return 1;
#else
    return 0;
#endif
}

}  // namespace

void kernel_main() {
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    constexpr uint32_t num_inputs = get_compile_time_arg_val(0);
    compute_kernel_hw_startup(a, num_inputs > 1 ? b : a, out);
#if defined(FAULT_SFPU_INIT_HOISTED)
    rsqrt_tile_init();
#elif defined(OP_REDUCE_B_SCALER)
    reconfig_data_format(b, a);
    reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(a, b, out);
#endif
    for (uint32_t t = 0; t < num_tiles; ++t) {
        cb_wait_front(a, 1);
        if (num_inputs > 1) {
            cb_wait_front(b, 1);
        }
        tile_regs_acquire();
        compute_one(t);
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(out, 1);
        pack_tile(packed_dst(), out);
        cb_push_back(out, 1);
        tile_regs_release();
        cb_pop_front(a, 1);
        if (num_inputs > 1) {
            cb_pop_front(b, 1);
        }
    }
#if defined(OP_REDUCE_B_SCALER)
    reduce_uninit();
#endif
}
