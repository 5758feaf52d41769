// Test reader for multi-core copies: pages [first, first + count) of the input, one at a time into CB 0.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr auto in_args = TensorAccessorArgs<0>();
    const uint32_t first = get_arg_val<uint32_t>(1);
    const uint32_t count = get_arg_val<uint32_t>(2);
    const uint32_t page_bytes = get_arg_val<uint32_t>(3);
    const auto in = TensorAccessor(in_args, get_arg_val<uint32_t>(0), page_bytes);
    for (uint32_t p = first; p < first + count; ++p) {
        cb_reserve_back(0, 1);
        noc_async_read(in.get_noc_addr(p), get_write_ptr(0), page_bytes);
        noc_async_read_barrier();
        cb_push_back(0, 1);
    }
}
