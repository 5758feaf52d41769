// Misuse fixture: tilizes one block of B tiles from CB 0 into CB 24, then (without tilize_uninit) starts
// pack_untilize from CB 24 into CB 16. The emulator must refuse the second init.
#include <cstdint>

#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/pack_untilize.h"
#include "api/compute/tilize.h"

void kernel_main() {
    constexpr uint32_t B = get_compile_time_arg_val(0);
    compute_kernel_hw_startup(0, 24);
    cb_wait_front(0, B);
    cb_reserve_back(24, B);
    tilize_init(0, B, 24);
    tilize_block(0, B, 24);
    cb_push_back(24, B);
    cb_pop_front(0, B);
    cb_wait_front(24, B);
    cb_reserve_back(16, B);
    pack_untilize_init<B, B>(24, 16);
    pack_untilize_block<B, B>(24, 1, 16);
    pack_untilize_uninit(16);
    cb_push_back(16, B);
    cb_pop_front(24, B);
}
