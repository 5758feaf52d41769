// Named kernel arguments ("Metal 2.0", the wheel's tt_metal/hw/inc/experimental/kernel_args.h, ttnn 0.81.1):
// a kernel reads get_arg(args::name), builds DataflowBuffer(dfb::name) and TensorAccessor(tensor::name);
// the constants args::*, dfb::*, tensor::* come from a per-kernel generated header. tt-metal's JIT
// generates it from the host's bindings; here the caller (tests/conformance/bindings.py) writes it and
// passes its path as -DEMU_KERNEL_BINDINGS="path", and this header includes it.
//   RtaArg{byte_offset}: a runtime arg (byte offset into the kernel's runtime args);
//   CrtaArg{byte_offset}: a common runtime arg; CtaVal{value}: a compile-time constant.
#pragma once

#include <cstdint>

#ifdef EMU_COMPUTE_KERNEL
#include "api/compute/common.h"
#endif
#include "api/dataflow/dfb_binding_token.h"
#include "api/tensor/tensor_binding_token.h"
#include "internal/emu_kernel_args.h"

#ifndef FORCE_INLINE
#define FORCE_INLINE inline __attribute__((always_inline))
#endif
// The named-arg entry point marker (the JIT derives kernel_main from it).
#define TT_KERNEL static FORCE_INLINE

namespace experimental {
template <typename T>
struct RtaArg {
    uint32_t byte_offset;
};
template <typename T>
struct CrtaArg {
    uint32_t byte_offset;
};
template <typename T>
struct CtaVal {
    T value;
};

template <typename T>
inline T get_arg(RtaArg<T> arg) {
    static_assert(sizeof(T) == 4, "Only uint32_t args are currently supported.");
    return get_arg_val<T>(static_cast<int>(arg.byte_offset / 4));
}
template <typename T>
inline T get_arg(CrtaArg<T> arg) {
    static_assert(sizeof(T) == 4, "Only uint32_t args are currently supported.");
    return get_common_arg_val<T>(static_cast<int>(arg.byte_offset / 4));
}
template <typename T>
inline constexpr T get_arg(CtaVal<T> arg) {
    return arg.value;
}
}  // namespace experimental

#ifdef EMU_KERNEL_BINDINGS
#include EMU_KERNEL_BINDINGS
#endif
