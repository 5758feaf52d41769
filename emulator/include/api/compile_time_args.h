// Compile-time args arrive as -DKERNEL_COMPILE_TIME_ARGS=a,b,c, (trailing comma), as tt-metal passes
// them; get_compile_time_arg_val(i) is a constant expression usable in templates and constexpr.
#pragma once

#include <cstdint>

#ifndef KERNEL_COMPILE_TIME_ARGS
#define KERNEL_COMPILE_TIME_ARGS
#endif

namespace emu_ct {
constexpr uint32_t kArgs[] = {KERNEL_COMPILE_TIME_ARGS 0u};
constexpr uint32_t kCount = sizeof(kArgs) / sizeof(kArgs[0]) - 1;
}  // namespace emu_ct

template <uint32_t Index>
constexpr uint32_t get_ct_arg() {
    static_assert(Index < emu_ct::kCount, "get_compile_time_arg_val: index beyond the compile-time args given");
    return emu_ct::kArgs[Index];
}

#define get_compile_time_arg_val(arg_idx) get_ct_arg<(arg_idx)>()
