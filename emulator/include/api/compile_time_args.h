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

// Named compile-time args: tt-metal's JIT passes a kernel's named compile-time args as
// -DKERNEL_COMPILE_TIME_ARG_MAP={"name",value},... (the wheel's api/compile_time_args.h, ttnn 0.81.1), and
// get_named_compile_time_arg_val("name") looks the name up at compile time. A name the map lacks fails
// the build at the call naming named_compile_time_arg_not_given.
#include <string_view>

namespace emu_ct {
struct NamedArg {
    std::string_view name;
    uint32_t value;
};
#ifdef KERNEL_COMPILE_TIME_ARG_MAP
constexpr NamedArg kNamed[] = {KERNEL_COMPILE_TIME_ARG_MAP};
#else
constexpr NamedArg kNamed[] = {{std::string_view(), 0}};
#endif
uint32_t named_compile_time_arg_not_given();  // never defined: reached only for a missing name
constexpr uint32_t named(std::string_view name) {
    for (const NamedArg& arg : kNamed) {
        if (!arg.name.empty() && arg.name == name) {
            return arg.value;
        }
    }
    return named_compile_time_arg_not_given();
}
}  // namespace emu_ct

#define get_named_compile_time_arg_val(name) (emu_ct::named(name))
