// Test writer for multi-core copies: CB 0's pages to pages [first, first + count) of the output.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr auto out_args = TensorAccessorArgs<0>();
    const uint32_t first = get_arg_val<uint32_t>(1);
    const uint32_t count = get_arg_val<uint32_t>(2);
    const uint32_t page_bytes = get_arg_val<uint32_t>(3);
    const auto out = TensorAccessor(out_args, get_arg_val<uint32_t>(0), page_bytes);
    for (uint32_t p = first; p < first + count; ++p) {
        cb_wait_front(0, 1);
        noc_async_write(get_read_ptr(0), out.get_noc_addr(p), page_bytes);
        noc_async_write_barrier();
        cb_pop_front(0, 1);
    }
}
