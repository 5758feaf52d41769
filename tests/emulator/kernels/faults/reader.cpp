// Fault-test reader: pushes `num_tiles` tiles of input page data into CB 0 (and CB 1 with TWO_INPUTS),
// unless a FAULT_* define makes it break a rule on purpose.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr auto in_args = TensorAccessorArgs<0>();
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    const uint32_t page = get_arg_val<uint32_t>(2);
    const auto in = TensorAccessor(in_args, get_arg_val<uint32_t>(1), page);
#if defined(FAULT_SILENT_READER)
    return;
#elif defined(FAULT_OVER_RESERVE)
    cb_reserve_back(0, 3);
#elif defined(FAULT_PUSH_WITHOUT_RESERVE)
    cb_push_back(0, 1);
#elif defined(FAULT_WRAP)
    for (uint32_t i = 0; i < 2; ++i) {
        cb_reserve_back(0, 2);
        cb_push_back(0, 2);
    }
#elif defined(FAULT_NOC_OUT_OF_BOUNDS)
    cb_reserve_back(0, 1);
    noc_async_read(in.get_noc_addr(num_tiles * 1000), get_write_ptr(0), page);
    noc_async_read_barrier();
#elif defined(FAULT_MISSING_BARRIER)
    cb_reserve_back(0, 1);
    noc_async_read(in.get_noc_addr(0), get_write_ptr(0), page);
    cb_push_back(0, 1);
#elif defined(FAULT_NULL_DEREF)
    *reinterpret_cast<volatile uint32_t*>(static_cast<uintptr_t>(get_arg_val<uint32_t>(3))) = 1;
#elif defined(FAULT_SPIN)
    for (volatile uint32_t i = 0;; i = i + 1) {
    }
#elif defined(FAULT_BAD_ARG)
    (void)get_arg_val<uint32_t>(40);
#elif defined(FAULT_UNKNOWN_CALL)
    noc_async_read_tile_with_magic(0);
#elif defined(FAULT_UNWRITTEN_PAGE)
    cb_reserve_back(0, 1);
    cb_push_back(0, 1);
#else
    for (uint32_t t = 0; t < num_tiles; ++t) {
        cb_reserve_back(0, 1);
        noc_async_read(in.get_noc_addr(t), get_write_ptr(0), page);
        noc_async_read_barrier();
        cb_push_back(0, 1);
#ifdef TWO_INPUTS
        cb_reserve_back(1, 1);
        noc_async_read(in.get_noc_addr(t), get_write_ptr(1), page);
        noc_async_read_barrier();
        cb_push_back(1, 1);
#endif
    }
#endif
}
