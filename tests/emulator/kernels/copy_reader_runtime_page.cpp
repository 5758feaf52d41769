// Test reader with a runtime page size (ArgConfig::RuntimePageSize): the accessor's compile-time args are
// its config word alone and its page size is its first common runtime arg, read by the two-argument
// TensorAccessor constructor. Pages [first, first + count) of the input, one at a time into CB 0.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr auto in_args = TensorAccessorArgs<0, 0>();
    static_assert(in_args.num_compile_time_args() == 1, "RuntimePageSize: the config word alone");
    const uint32_t first = get_arg_val<uint32_t>(1);
    const uint32_t count = get_arg_val<uint32_t>(2);
    const auto in = TensorAccessor(in_args, get_arg_val<uint32_t>(0));
    const uint32_t page_bytes = in.get_aligned_page_size();
    for (uint32_t p = first; p < first + count; ++p) {
        cb_reserve_back(0, 1);
        noc_async_read(in.get_noc_addr(p), get_write_ptr(0), page_bytes);
        noc_async_read_barrier();
        cb_push_back(0, 1);
    }
}
