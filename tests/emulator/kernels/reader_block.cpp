// Test reader: all pages of the input tensor, back to back, into `cb_pages` pages of CB 0 at once.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr uint32_t cb_pages = get_compile_time_arg_val(0);
    constexpr auto in_args = TensorAccessorArgs<1>();
    const uint32_t num_pages = get_arg_val<uint32_t>(1);
    const uint32_t page_bytes = get_arg_val<uint32_t>(2);
    const auto in = TensorAccessor(in_args, get_arg_val<uint32_t>(0), page_bytes);
    cb_reserve_back(0, cb_pages);
    const uint32_t l1 = get_write_ptr(0);
    for (uint32_t p = 0; p < num_pages; ++p) {
        noc_async_read(in.get_noc_addr(p), l1 + p * page_bytes, page_bytes);
    }
    noc_async_read_barrier();
    cb_push_back(0, cb_pages);
}
