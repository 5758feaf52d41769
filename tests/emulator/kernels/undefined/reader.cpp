// Reader for the undefined-datum tests: per tile t, tile t of tensor a into CB 0 by NOC, and a partial
// bf16 tile stored by pointer, of which some datums are never written:
//   COL0_ONLY   only column 0 (0.5), as ttnn's generate_bcast_col_scalar writes its epsilon tile;
//   SKIP_ONE    every datum (1.0) but (skip_row, skip_col).
//   TAIL_BY_NOC tile t of tensor a but its first 32 bytes (row 0, columns 0..15), by one NOC read that
//               starts inside the page.
// The partial tile goes to CB 1, or with VIA_L1_COPY is stored into CB 1's reserved page (never pushed) and
// copied by a NOC read from this core's own L1 into CB 2. With SCALER, a 1.0 reduce scaler first into CB 8.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"
#include "ttnn/cpp/ttnn/kernel_lib/reduce_helpers_dataflow.hpp"

namespace {

constexpr uint32_t datum_index(uint32_t r, uint32_t c) {
    return ((r >> 4) * 2 + (c >> 4)) * 256 + (r & 15) * 16 + (c & 15);
}

void store_partial_tile(uint32_t l1_addr, uint32_t skip_row, uint32_t skip_col) {
    auto* tile = reinterpret_cast<volatile uint16_t*>(l1_addr);
    for (uint32_t r = 0; r < 32; ++r) {
#ifdef COL0_ONLY
        (void)skip_row;
        (void)skip_col;
        tile[datum_index(r, 0)] = 0x3F00;
#else
        for (uint32_t c = 0; c < 32; ++c) {
            if (r != skip_row || c != skip_col) {
                tile[datum_index(r, c)] = 0x3F80;
            }
        }
#endif
    }
}

}  // namespace

void kernel_main() {
    constexpr auto a_args = TensorAccessorArgs<0>();
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    const uint32_t tile_bytes = get_arg_val<uint32_t>(2);
    const uint32_t skip_row = get_arg_val<uint32_t>(3), skip_col = get_arg_val<uint32_t>(4);
    const auto a = TensorAccessor(a_args, get_arg_val<uint32_t>(1), tile_bytes);
#ifdef SCALER
    dataflow_kernel_lib::prepare_reduce_scaler<8, ckernel::PoolType::SUM, ckernel::ReduceDim::REDUCE_ROW>(1.0f);
#endif
    for (uint32_t t = 0; t < num_tiles; ++t) {
        cb_reserve_back(0, 1);
        noc_async_read(a.get_noc_addr(t), get_write_ptr(0), tile_bytes);
        noc_async_read_barrier();
        cb_push_back(0, 1);
        cb_reserve_back(1, 1);
#ifdef TAIL_BY_NOC
        noc_async_read(a.get_noc_addr(t) + 32, get_write_ptr(1) + 32, tile_bytes - 32);
        noc_async_read_barrier();
#else
        store_partial_tile(get_write_ptr(1), skip_row, skip_col);
#endif
#ifdef VIA_L1_COPY
        cb_reserve_back(2, 1);
        noc_async_read(get_noc_addr(get_write_ptr(1)), get_write_ptr(2), tile_bytes);
        noc_async_read_barrier();
        cb_push_back(2, 1);
#else
        cb_push_back(1, 1);
#endif
    }
}
