// Fault-test writer: drains `num_tiles` pages from CB `drain_cb` into the output (unless a FAULT_*
// define breaks a rule).
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr uint32_t drain_cb = get_compile_time_arg_val(0);
    constexpr auto out_args = TensorAccessorArgs<1>();
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    const uint32_t page = get_arg_val<uint32_t>(2);
    const auto out = TensorAccessor(out_args, get_arg_val<uint32_t>(1), page);
#if defined(FAULT_OVER_POP)
    cb_wait_front(drain_cb, 1);
    cb_pop_front(drain_cb, 2);
#elif defined(FAULT_NO_WRITE_BARRIER)
    cb_wait_front(drain_cb, 1);
    noc_async_write(get_read_ptr(drain_cb), out.get_noc_addr(0), page);
    cb_pop_front(drain_cb, 1);
    noc_async_write_barrier();
#elif defined(FAULT_RETURN_WITH_PENDING_WRITE)
    cb_wait_front(drain_cb, 1);
    noc_async_write(get_read_ptr(drain_cb), out.get_noc_addr(0), page);
#elif defined(FAULT_POP_STRADDLE)
    // A 3-page CB drained two pages at a time: the second pop starts at page 2 and would wrap.
    for (uint32_t i = 0; i < 2; ++i) {
        cb_wait_front(drain_cb, 2);
        cb_pop_front(drain_cb, 2);
    }
#elif defined(FAULT_POP_UNWAITED)
    // Both pages are there (no race decides the outcome), but only one was waited for.
    while (!cb_pages_available_at_front(drain_cb, 2)) {
    }
    cb_wait_front(drain_cb, 1);
    cb_pop_front(drain_cb, 2);
#elif defined(FAULT_DRAM_WRITE_MISALIGNED)
    cb_wait_front(drain_cb, 1);
    noc_async_write(get_read_ptr(drain_cb), out.get_noc_addr(0, 8), page / 2);
    noc_async_write_barrier();
#elif defined(POLL)
    // Spins on the polling call before each wait, as some kernels do instead of blocking.
    for (uint32_t t = 0; t < num_tiles; ++t) {
        while (!cb_pages_available_at_front(drain_cb, 1)) {
        }
        cb_wait_front(drain_cb, 1);
        noc_async_write(get_read_ptr(drain_cb), out.get_noc_addr(t), page);
        noc_async_write_barrier();
        cb_pop_front(drain_cb, 1);
    }
#elif defined(FAULT_UNDRAINED)
    cb_wait_front(drain_cb, 1);
#else
    for (uint32_t t = 0; t < num_tiles; ++t) {
        cb_wait_front(drain_cb, 1);
        noc_async_write(get_read_ptr(drain_cb), out.get_noc_addr(t), page);
        noc_async_write_barrier();
        cb_pop_front(drain_cb, 1);
    }
#endif
}
