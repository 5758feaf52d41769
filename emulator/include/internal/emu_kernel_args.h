// Runtime args for every kernel kind (dataflow and compute), as tt-metal's get_arg_val.
#pragma once

#include <cstdint>
#include <cstring>

#include "emu/core.h"

template <typename T>
inline T get_arg_val(int arg_idx) {
    static_assert(sizeof(T) == 4, "get_arg_val<T>: T must be 4 bytes");
    const uint32_t raw = emu::runtime_arg(static_cast<uint32_t>(arg_idx));
    T value;
    std::memcpy(&value, &raw, sizeof value);
    return value;
}

template <typename T>
inline T get_common_arg_val(int arg_idx) {
    static_assert(sizeof(T) == 4, "get_common_arg_val<T>: T must be 4 bytes");
    const uint32_t raw = emu::common_runtime_arg(static_cast<uint32_t>(arg_idx));
    T value;
    std::memcpy(&value, &raw, sizeof value);
    return value;
}
