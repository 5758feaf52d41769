// Test writer: every page pushed into CB 16 goes to page t of the output tensor.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr auto out_args = TensorAccessorArgs<0>();
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    const uint32_t page_bytes = get_arg_val<uint32_t>(2);
    const auto out = TensorAccessor(out_args, get_arg_val<uint32_t>(1), page_bytes);
    for (uint32_t t = 0; t < num_tiles; ++t) {
        cb_wait_front(16, 1);
        noc_async_write(get_read_ptr(16), out.get_noc_addr(t), page_bytes);
        noc_async_write_barrier();
        cb_pop_front(16, 1);
    }
}
