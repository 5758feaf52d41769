// The part of the LLK's ckernel.h that ttnn kernel helpers call from data-movement kernels.
// load_blocking (tt-llk tt_llk_wormhole_b0/common/inc/ckernel.h, ttnn 0.81.1 wheel) is a load that stalls
// until the datum arrives, used to drain earlier L1 stores; on the host a volatile load after a
// sequentially consistent fence gives the same ordering.
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

namespace ckernel {
template <typename T, typename = std::enable_if_t<std::is_trivially_copyable_v<T>>>
inline T load_blocking(volatile T* ptr) {
    static_assert(sizeof(T) == 2 || sizeof(T) == 4, "load_blocking: operand must be 16-bit or 32-bit");
    std::atomic_thread_fence(std::memory_order_seq_cst);
    return *ptr;
}
}  // namespace ckernel
