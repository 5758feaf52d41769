// Test writer: `cb_pages` pages of CB 16 at once, written back to back as the output tensor's pages.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr uint32_t cb_pages = get_compile_time_arg_val(0);
    constexpr auto out_args = TensorAccessorArgs<1>();
    const uint32_t num_pages = get_arg_val<uint32_t>(1);
    const uint32_t page_bytes = get_arg_val<uint32_t>(2);
    const auto out = TensorAccessor(out_args, get_arg_val<uint32_t>(0), page_bytes);
    cb_wait_front(16, cb_pages);
    const uint32_t l1 = get_read_ptr(16);
    for (uint32_t p = 0; p < num_pages; ++p) {
        noc_async_write(l1 + p * page_bytes, out.get_noc_addr(p), page_bytes);
    }
    noc_async_write_barrier();
    cb_pop_front(16, cb_pages);
}
