// Compute kernel for the undefined-datum tests. Per tile: x from CB 0, the partial tile p from CB IN (1, or
// 2 after the reader's L1 copy), the result into CB 16. One of:
//   COPY_P          out = p
//   BCAST_COL_P     out = x * p[:, 0]                (mul_tiles_bcast_cols reads column 0 of p only)
//   ADD_THEN_BCAST  q = x + p packed into CB 24 and unpacked again; out = x * q[:, 0]
//   ADD_THEN_COPY   q as above; out = q
//   OP_REDUCE       out = reduce_tile<SUM, REDUCE_DIM>(p) with the scaler in CB 8
#include <cstdint>

#include "api/compute/bcast.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/reduce.h"
#include "api/compute/tile_move_copy.h"

namespace {

constexpr uint32_t x = 0, p = IN, scaler = 8, out = 16, q = 24;

void pack_one(uint32_t cb) {
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(cb, 1);
    pack_tile(0, cb);
    cb_push_back(cb, 1);
    tile_regs_release();
}

// q = x + p, through CB 24; leaves q waited for at the front of CB 24.
void add_into_q() {
    add_init(x, p);
    tile_regs_acquire();
    add_tiles(x, p, 0, 0, 0);
    pack_one(q);
    cb_wait_front(q, 1);
}

}  // namespace

void kernel_main() {
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    compute_kernel_hw_startup(x, p, out);
#if defined(OP_REDUCE)
    cb_wait_front(scaler, 1);
#endif
    for (uint32_t t = 0; t < num_tiles; ++t) {
        cb_wait_front(x, 1);
        cb_wait_front(p, 1);
#if defined(COPY_P)
        copy_init(p);
        tile_regs_acquire();
        copy_tile(p, 0, 0);
#elif defined(BCAST_COL_P)
        mul_bcast_cols_init(x, p);
        tile_regs_acquire();
        mul_tiles_bcast_cols(x, p, 0, 0, 0);
#elif defined(ADD_THEN_BCAST)
        add_into_q();
        reconfig_data_format_srcb(p, q);
        mul_bcast_cols_init(x, q);
        tile_regs_acquire();
        mul_tiles_bcast_cols(x, q, 0, 0, 0);
#elif defined(ADD_THEN_COPY)
        add_into_q();
        copy_init(q);
        tile_regs_acquire();
        copy_tile(q, 0, 0);
#elif defined(OP_REDUCE)
        constexpr auto dim = ReduceDim::REDUCE_DIM;
        reconfig_data_format(scaler, p);
        reduce_init<PoolType::SUM, dim>(p, scaler, out);
        tile_regs_acquire();
        reduce_tile<PoolType::SUM, dim>(p, scaler, 0, 0, 0);
#endif
        pack_one(out);
#if defined(OP_REDUCE)
        reduce_uninit();
#endif
#if defined(ADD_THEN_BCAST) || defined(ADD_THEN_COPY)
        cb_pop_front(q, 1);
#endif
        cb_pop_front(x, 1);
        cb_pop_front(p, 1);
    }
#if defined(OP_REDUCE)
    cb_pop_front(scaler, 1);
#endif
}
