// TensorAccessorArgs<CTA_OFFSET>: reads a tensor's accessor words from the compile-time args, in
// tt-metal's encoding. Only interleaved tensors (DRAM or L1) are supported here: [ArgConfig bits, aligned page size]
// (ArgConfig: Sharded = 1, IsDram = 2, RuntimePageSize = 128, ...), or the config word alone with
// RuntimePageSize set: then the aligned page size is the accessor's first common runtime arg, read only when
// asked for (a kernel that passes the page size to the TensorAccessor constructor needs none), as in
// tt-metal 0.81.1 hw/inc/api/tensor/tensor_accessor_args.h (page_size_is_crta).
#pragma once

#include <cstddef>
#include <cstdint>

#include "api/compile_time_args.h"
#include "internal/emu_kernel_args.h"

namespace tensor_accessor {
constexpr std::size_t UNKNOWN = static_cast<std::size_t>(-1);
constexpr uint32_t kSharded = 1;
constexpr uint32_t kIsDram = 2;
constexpr uint32_t kRuntimePageSize = 128;
}  // namespace tensor_accessor

template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET = tensor_accessor::UNKNOWN>
struct TensorAccessorArgs {
    static constexpr uint32_t config = get_compile_time_arg_val(CTA_OFFSET);
    static constexpr bool is_sharded = (config & tensor_accessor::kSharded) != 0;
    static constexpr bool is_dram = (config & tensor_accessor::kIsDram) != 0;
    static_assert(!is_sharded, "the emulator supports interleaved tensors only");
    static constexpr bool page_size_is_crta = (config & tensor_accessor::kRuntimePageSize) != 0;
    static constexpr uint32_t AlignedPageSize = [] {
        if constexpr (page_size_is_crta) {
            return 0u;  // not a compile-time arg: get_aligned_page_size() reads the common runtime arg
        } else {
            return get_compile_time_arg_val(CTA_OFFSET + 1);
        }
    }();

    constexpr TensorAccessorArgs() = default;
    constexpr explicit TensorAccessorArgs(uint32_t crta_offset) : crta_offset_rt_(crta_offset) {
        static_assert(CRTA_OFFSET == tensor_accessor::UNKNOWN, "Do not pass crta_offset when CRTA_OFFSET is known");
    }
    constexpr uint32_t crta_offset() const {
        return CRTA_OFFSET != tensor_accessor::UNKNOWN ? static_cast<uint32_t>(CRTA_OFFSET) : crta_offset_rt_;
    }
    static constexpr uint32_t num_compile_time_args() { return page_size_is_crta ? 1 : 2; }
    static constexpr uint32_t next_compile_time_args_offset() { return CTA_OFFSET + num_compile_time_args(); }
    constexpr uint32_t num_common_runtime_args() const { return page_size_is_crta ? 1 : 0; }
    uint32_t get_aligned_page_size() const {
        if constexpr (page_size_is_crta) {
            return get_common_arg_val<uint32_t>(crta_offset());
        } else {
            return AlignedPageSize;
        }
    }

private:
    uint32_t crta_offset_rt_ = 0;
};
