// Reader that writes only row 0 of a bf16 reduce scaler tile (faces 0 and 1; with ROW0_FACE0_ONLY just
// face 0's half) into CB 8, the rest of the page left as L1 had it, then tile t of tensor a into CB 0: a
// scaler prepared for "row 0 only".
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr auto a_args = TensorAccessorArgs<1>();
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    const uint32_t tile_bytes = get_arg_val<uint32_t>(3);
    const auto a = TensorAccessor(a_args, get_arg_val<uint32_t>(1), tile_bytes);
    cb_reserve_back(8, 1);
    auto* scaler = reinterpret_cast<volatile uint16_t*>(get_write_ptr(8));
#ifdef ROW0_FACE0_ONLY
    constexpr uint32_t faces = 1;
#else
    constexpr uint32_t faces = 2;
#endif
    for (uint32_t face = 0; face < faces; ++face) {
        for (uint32_t c = 0; c < 16; ++c) {
            scaler[face * 256 + c] = 0x3F80;
        }
    }
    cb_push_back(8, 1);
    for (uint32_t t = 0; t < num_tiles; ++t) {
        cb_reserve_back(0, 1);
        noc_async_read(a.get_noc_addr(t), get_write_ptr(0), tile_bytes);
        noc_async_read_barrier();
        cb_push_back(0, 1);
    }
}
