// Fault-test reader: pushes `num_tiles` tiles of input page data into CB 0 (and CB 1 with TWO_INPUTS),
// unless a FAULT_* define makes it break a rule on purpose.
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/dataflow/dataflow_api.h"

#if defined(FAULT_STACK_OVERFLOW)
// Recurses `depth` times with a 4 KiB frame: far deeper than any kernel stack.
uint32_t deep(uint32_t n, uint32_t depth) {
    volatile char frame[4096];
    frame[0] = static_cast<char>(n);
    return n < depth ? deep(n + 1, depth) + frame[0] : frame[0];
}
#endif

void kernel_main() {
    constexpr auto in_args = TensorAccessorArgs<0>();
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    const uint32_t page = get_arg_val<uint32_t>(2);
    const auto in = TensorAccessor(in_args, get_arg_val<uint32_t>(1), page);
#if defined(FAULT_SILENT_READER)
    return;
#elif defined(FAULT_OVER_RESERVE)
    cb_reserve_back(0, 3);
#elif defined(FAULT_UNCONFIGURED_CB)
    cb_reserve_back(5, 1);
#elif defined(FAULT_PUSH_BEYOND_FREE)
    cb_push_back(0, 3);
#elif defined(FAULT_WRAP)
    // Pushes of 2 pages into a 3-page CB: the second straddles the FIFO's end. The pages inside the FIFO
    // are filled first, so the writer sends defined data while the reader reaches the bad push.
    for (uint32_t i = 0; i < 2; ++i) {
        cb_reserve_back(0, 2);
        for (uint32_t k = 0; k < (i == 0 ? 2u : 1u); ++k) {
            noc_async_read(in.get_noc_addr(2 * i + k), get_write_ptr(0) + k * page, page);
        }
        noc_async_read_barrier();
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
#elif defined(FAULT_RETURN_WITH_PENDING_READ)
    cb_reserve_back(0, 1);
    noc_async_read(in.get_noc_addr(0), get_write_ptr(0), page);
#elif defined(FAULT_NULL_DEREF)
    *reinterpret_cast<volatile uint32_t*>(static_cast<uintptr_t>(get_arg_val<uint32_t>(3))) = 1;
#elif defined(FAULT_SPIN)
    for (volatile uint32_t i = 0;; i = i + 1) {
    }
#elif defined(FAULT_BAD_ARG)
    (void)get_arg_val<uint32_t>(40);
#elif defined(FAULT_UNKNOWN_CALL)
    noc_async_read_tile_with_magic(0);
#elif defined(FAULT_DRAM_OVERRUN)
    // Starts inside the input buffer (page 0, byte 32) and ends 32 bytes past its end in bank 0.
    cb_reserve_back(0, 1);
    noc_async_read(in.get_noc_addr(0, 32), get_write_ptr(0), page);
    noc_async_read_barrier();
#elif defined(FAULT_BANK_EQUALS_COUNT)
    cb_reserve_back(0, 1);
    noc_async_read(get_noc_addr_from_bank_id<true>(get_arg_val<uint32_t>(4), get_arg_val<uint32_t>(1)),
                   get_write_ptr(0), page);
    noc_async_read_barrier();
#elif defined(FAULT_L1_END)
    // Starts half-way into CB 0's second page, which ends exactly at the end of L1.
    cb_reserve_back(0, 1);
    noc_async_read(in.get_noc_addr(0), get_write_ptr(0) + page + page / 2, page);
    noc_async_read_barrier();
#elif defined(FAULT_CB_CROSSING)
    cb_reserve_back(0, 1);
    noc_async_read(in.get_noc_addr(0), get_write_ptr(0) + page + page / 2, page);
    noc_async_read_barrier();
#elif defined(FAULT_NO_CB)
    cb_reserve_back(0, 1);
    noc_async_read(in.get_noc_addr(0), get_write_ptr(0) + 8 * page, page);
    noc_async_read_barrier();
#elif defined(FAULT_DRAM_READ_MISALIGNED)
    cb_reserve_back(0, 1);
    noc_async_read(in.get_noc_addr(0, 16), get_write_ptr(0), page / 2);
    noc_async_read_barrier();
#elif defined(FAULT_RUNTIME_PAGE_SIZE)
    // The runtime page size (four times the compile-time one) decides where page `num_tiles - 1` lives.
    const auto wide = TensorAccessor(in_args, get_arg_val<uint32_t>(1), 4 * page);
    cb_reserve_back(0, 1);
    noc_async_read(wide.get_noc_addr(num_tiles - 1), get_write_ptr(0), page);
    noc_async_read_barrier();
#elif defined(FAULT_ARG_AT_COUNT)
    (void)get_arg_val<uint32_t>(4);
#elif defined(FAULT_COMMON_ARG)
    (void)get_common_arg_val<uint32_t>(0);
#elif defined(FAULT_SIGFPE)
    volatile uint32_t zero = get_arg_val<uint32_t>(3);
    volatile uint32_t quotient = num_tiles / zero;
    (void)quotient;
#elif defined(FAULT_ABORT)
    abort();
#elif defined(FAULT_EXIT)
    exit(3);
#elif defined(FAULT__EXIT)
    _exit(5);
#elif defined(FAULT_QUICK_EXIT)
    quick_exit(7);
#elif defined(EARLY_PEEK)
    // Page 1 gets a copy of page 0 taken after noc_async_read was issued and before its barrier: on
    // hardware the data may not have landed, so the copy must show what page 0 held before.
    cb_reserve_back(0, 2);
    auto* l1 = reinterpret_cast<volatile uint16_t*>(get_write_ptr(0));
    for (uint32_t i = 0; i < page / 2; ++i) {
        l1[i] = 0x4000;  // 2.0
    }
    noc_async_read(in.get_noc_addr(0), get_write_ptr(0), page);
    for (uint32_t i = 0; i < page / 2; ++i) {
        l1[page / 2 + i] = l1[i];
    }
    noc_async_read_barrier();
    cb_push_back(0, 2);
#elif defined(SHIFTED_READ)
    // Source and destination both 16 bytes past a 32-byte boundary: they agree modulo the DRAM read
    // alignment, which is all the NOC asks.
    for (uint32_t t = 0; t < num_tiles; ++t) {
        cb_reserve_back(0, 1);
        noc_async_read(in.get_noc_addr(t), get_write_ptr(0), 16);
        noc_async_read(in.get_noc_addr(t, 16), get_write_ptr(0) + 16, page - 16);
        noc_async_read_barrier();
        cb_push_back(0, 1);
    }
#elif defined(FAULT_STACK_OVERFLOW)
    (void)deep(0, get_arg_val<uint32_t>(4));
#elif defined(POLL)
    // Spins on the polling call before each reserve, as some kernels do instead of blocking.
    for (uint32_t t = 0; t < num_tiles; ++t) {
        while (!cb_pages_reservable_at_back(0, 1)) {
        }
        cb_reserve_back(0, 1);
        noc_async_read(in.get_noc_addr(t), get_write_ptr(0), page);
        noc_async_read_barrier();
        cb_push_back(0, 1);
    }
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
