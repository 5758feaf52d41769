// TensorAccessorArgs<CTA_OFFSET>: reads a tensor's accessor words from the compile-time args, in
// tt-metal's encoding. Only interleaved tensors (DRAM or L1) are supported here: [ArgConfig bits, aligned page size]
// (ArgConfig: Sharded = 1, IsDram = 2, RuntimePageSize = 128, ...).
#pragma once

#include <cstddef>
#include <cstdint>

#include "api/compile_time_args.h"

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
    static_assert((config & tensor_accessor::kRuntimePageSize) == 0, "runtime page size is not emulated");
    static constexpr uint32_t AlignedPageSize = get_compile_time_arg_val(CTA_OFFSET + 1);

    constexpr TensorAccessorArgs() = default;
    static constexpr uint32_t num_compile_time_args() { return 2; }
    static constexpr uint32_t next_compile_time_args_offset() { return CTA_OFFSET + num_compile_time_args(); }
    static constexpr uint32_t num_common_runtime_args() { return 0; }
    constexpr uint32_t get_aligned_page_size() const { return AlignedPageSize; }
};
