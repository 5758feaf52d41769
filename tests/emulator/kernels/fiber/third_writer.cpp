// Fiber isolation fixture, second kernel: takes the page, stores 1/3 as its own floating-point environment
// rounds it into word 1 (float) and words 8..11 (long double, x87), and writes the page to page 0 of the
// output.
#include <stdint.h>

#include <cstring>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr auto out_args = TensorAccessorArgs<0>();
    const uint32_t page_bytes = get_arg_val<uint32_t>(1);
    const auto out = TensorAccessor(out_args, get_arg_val<uint32_t>(0), page_bytes);
    cb_wait_front(0, 1);
    volatile float one = 1.0f;
    volatile float three = 3.0f;
    const float third = one / three;
    auto* page = reinterpret_cast<uint32_t*>(get_read_ptr(0));
    std::memcpy(&page[1], &third, sizeof third);
    const long double wide_third = static_cast<long double>(one) / static_cast<long double>(three);
    std::memcpy(&page[8], &wide_third, 10);
    noc_async_write(get_read_ptr(0), out.get_noc_addr(0), page_bytes);
    noc_async_write_barrier();
    cb_pop_front(0, 1);
}
