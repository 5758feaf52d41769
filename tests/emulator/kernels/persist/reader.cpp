// Persistent-runner test reader: copies `num_tiles` pages into CB 0 like the fault-test reader, and
// overwrites the first page's first datums with what this launch saw: its global, thread_local and
// function-local static counters after incrementing them (1 each in a fresh launch, as on hardware,
// which loads the kernel binary anew for every launch) and the 32-bit word it found at a scratch L1
// address outside every CB before storing a marker there (0 in a fresh L1); with UNIQUE_STATIC also
// a counter whose symbol keeps the kernel object loaded; with STACK_PROBE the word it found deep in its
// fiber stack (0 on a fresh stack).
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "api/dataflow/dataflow_api.h"

uint32_t g_launches = 0;
thread_local uint32_t t_launches = 0;

#if defined(UNIQUE_STATIC)
// A static local of an inline function: g++ gives it an STB_GNU_UNIQUE symbol, which keeps the kernel
// object loaded after dlclose (the runner then ends after the run instead of serving another).
inline uint32_t& unique_launches() {
    static uint32_t n = 0;
    return n;
}
#endif

void kernel_main() {
    constexpr auto in_args = TensorAccessorArgs<0>();
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    const uint32_t page = get_arg_val<uint32_t>(2);
    const auto in = TensorAccessor(in_args, get_arg_val<uint32_t>(1), page);
#if defined(SELF_KILL)
    kill(getpid(), SIGKILL);  // the runner dies without a report
#elif defined(SEND_UNWRITTEN)
    // Sends one whole 256-byte block of a CB page nothing wrote in this run to DRAM: undefined data.
    cb_reserve_back(0, 1);
    const uint32_t block = (get_write_ptr(0) + 511) & ~255u;
    noc_async_write(block, in.get_noc_addr(0), 256);
    noc_async_write_barrier();
#elif defined(SEND_PART_WRITTEN)
    // Writes the first 32 bytes of one 256-byte block of a CB page (a DRAM read), then sends the whole
    // block to DRAM: its other 224 bytes are undefined data in this run, whatever an earlier run wrote.
    cb_reserve_back(0, 1);
    const uint32_t block = (get_write_ptr(0) + 511) & ~255u;
    noc_async_read(in.get_noc_addr(0), block, 32);
    noc_async_read_barrier();
    noc_async_write(block, in.get_noc_addr(0), 256);
    noc_async_write_barrier();
#elif defined(PRINT)
    printf("persist-reader-was-here\n");  // kernel stdout: the runner's log, never its answers
    fflush(stdout);
#elif defined(POKE_NEXT_CORE)
    // The next core index's L1 (l1.cpp maps core i at a 2 MiB stride): not mapped when no core has it.
    *reinterpret_cast<volatile uint32_t*>(get_write_ptr(0) + (2u << 20)) = 1;
#endif
#if defined(STACK_PROBE)
    // A word 96 KiB down this kernel's fiber stack, below every frame it uses: what an earlier run left
    // there (0 on a fresh stack), then a marker for the next run to find.
    auto* deep = reinterpret_cast<volatile uint32_t*>(reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) -
                                                       96 * 1024);
    const uint32_t stale_stack = *deep;
    *deep = 0xC0FFEE11u;
#endif
    static uint32_t s_launches = 0;
    const uint32_t global = ++g_launches, local = ++t_launches, stat = ++s_launches;
    // 512 KiB above CB 0: inside L1 (1464 KiB), above every CB of the test program.
    auto* scratch = reinterpret_cast<volatile uint32_t*>(get_write_ptr(0) + 512 * 1024);
    const uint32_t stale = *scratch;
    *scratch = 0xBEEF1234u;
    for (uint32_t t = 0; t < num_tiles; ++t) {
        cb_reserve_back(0, 1);
        noc_async_read(in.get_noc_addr(t), get_write_ptr(0), page);
        noc_async_read_barrier();
        if (t == 0) {
            auto* datums = reinterpret_cast<volatile uint16_t*>(get_write_ptr(0));
            datums[0] = static_cast<uint16_t>(global);
            datums[1] = static_cast<uint16_t>(local);
            datums[2] = static_cast<uint16_t>(stat);
            datums[3] = static_cast<uint16_t>(stale);
            datums[4] = static_cast<uint16_t>(stale >> 16);
#if defined(UNIQUE_STATIC)
            datums[5] = static_cast<uint16_t>(++unique_launches());
#endif
#if defined(STACK_PROBE)
            datums[6] = static_cast<uint16_t>(stale_stack);
            datums[7] = static_cast<uint16_t>(stale_stack >> 16);
#endif
        }
        cb_push_back(0, 1);
    }
}
