// Fiber isolation fixture, first kernel: switches its own floating-point rounding to toward-zero (SSE MXCSR
// and the x87 control word alike), stores 1/3 as it rounds it in float into word 0 of CB 0's one page and in
// long double (x87) into words 4..7 (zeros elsewhere), pushes the page, then blocks on
// a second reserve until the other kernel of this core has popped it, so that kernel runs while this
// kernel's rounding mode is set.
#include <stdint.h>

#include <cfenv>
#include <cstring>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t words = get_arg_val<uint32_t>(0);
    std::fesetround(FE_TOWARDZERO);
    volatile float one = 1.0f;
    volatile float three = 3.0f;
    cb_reserve_back(0, 1);
    auto* page = reinterpret_cast<uint32_t*>(get_write_ptr(0));
    for (uint32_t i = 0; i < words; ++i) {
        page[i] = 0;
    }
    const float third = one / three;
    std::memcpy(&page[0], &third, sizeof third);
    const long double wide_third = static_cast<long double>(one) / static_cast<long double>(three);
    std::memcpy(&page[4], &wide_third, 10);  // the x87 80-bit format's significant bytes
    cb_push_back(0, 1);
    cb_reserve_back(0, 1);
}
