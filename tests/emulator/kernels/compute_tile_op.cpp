// Test compute kernel: one tile-wide operation per tile, chosen by a define. Inputs arrive in CB 0
// (and CB 1), the scaler in CB 8, results leave through CB 16.
#include <cstdint>

#include "api/compute/bcast.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/eltwise_unary/recip.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/eltwise_unary/sqrt.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/reduce.h"
#include "api/compute/sfpu_binary_bcast.h"
#include "api/compute/tile_move_copy.h"

namespace {

constexpr uint32_t a = 0, b = 1, scaler = 8, out = 16;

#if defined(OP_COPY) || defined(OP_SFPU_UNARY) || defined(OP_SFPU_BINARY) || defined(OP_SFPU_BCAST_COL) || \
    defined(OP_SFPU_REDUCE_ROW)
constexpr bool kUsesCopy = true;
#else
constexpr bool kUsesCopy = false;
#endif

void init_once() {
#if defined(OP_BINARY)
    OP_BINARY_INIT(a, b);
#elif defined(OP_REDUCE)
    reconfig_data_format(scaler, a);
    reduce_init<OP_POOL, OP_DIM>(a, scaler, out);
#elif defined(OP_SFPU_UNARY)
    OP_SFPU_INIT();
#elif defined(OP_SFPU_BINARY)
    OP_SFPU_INIT();
#elif defined(OP_SFPU_BCAST_COL)
    sfpu_bcast_col_init();
#elif defined(OP_SFPU_REDUCE_ROW)
    sfpu_reduce_init<PoolType::SUM, DataFormat::Float32>();
#elif defined(OP_UNARY_BCAST)
    unary_bcast_init<OP_UNARY_BCAST>(a);
#endif
}

void compute_one() {
    if (kUsesCopy) {
        copy_init(a);
        copy_tile(a, 0, 0);
#if defined(OP_SFPU_BINARY) || defined(OP_SFPU_BCAST_COL) || (defined(OP_SFPU_REDUCE_ROW) && OP_SFPU_REDUCE_ROW == 2)
        copy_tile(b, 0, 1);
#endif
    }
#if defined(OP_BINARY)
    OP_BINARY(a, b, 0, 0, 0);
#elif defined(OP_REDUCE)
    reduce_tile<OP_POOL, OP_DIM>(a, scaler, 0, 0, 0);
#elif defined(OP_SFPU_UNARY)
    OP_SFPU(0);
#elif defined(OP_SFPU_BINARY)
    OP_SFPU(0, 1, 0);
#elif defined(OP_SFPU_BCAST_COL)
    OP_SFPU(0, 1);
#elif defined(OP_SFPU_REDUCE_ROW)
    sfpu_reduce<PoolType::SUM, DataFormat::Float32, ReduceDim::REDUCE_ROW>(0, OP_SFPU_REDUCE_ROW, OP_SFPU_REDUCE_RT);
#elif defined(OP_UNARY_BCAST)
    unary_bcast<OP_UNARY_BCAST>(a, 0, 0);
#endif
}

}  // namespace

void kernel_main() {
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    constexpr uint32_t num_inputs = get_compile_time_arg_val(0);
    compute_kernel_hw_startup(a, num_inputs > 1 ? b : a, out);
#ifdef OP_REDUCE
    cb_wait_front(scaler, 1);
#endif
    init_once();
    for (uint32_t t = 0; t < num_tiles; ++t) {
        cb_wait_front(a, 1);
        if (num_inputs > 1) {
            cb_wait_front(b, 1);
        }
        tile_regs_acquire();
        compute_one();
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(out, 1);
        pack_tile(0, out);
        cb_push_back(out, 1);
        tile_regs_release();
        cb_pop_front(a, 1);
        if (num_inputs > 1) {
            cb_pop_front(b, 1);
        }
    }
#ifdef OP_REDUCE
    reduce_uninit();
    cb_pop_front(scaler, 1);
#endif
}
