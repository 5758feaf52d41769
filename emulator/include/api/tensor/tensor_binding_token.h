// TensorBindingToken<CTA_OFFSET, ADDR_CRTA_OFFSET>: the handle of a named tensor binding (tensor::name),
// as in the wheel's api/tensor/tensor_binding_token.h (ttnn 0.81.1): the tensor's accessor words sit in
// the compile-time args at CTA_OFFSET and its buffer address in the common runtime args at byte offset
// ADDR_CRTA_OFFSET. TensorAccessor(tensor::name) reads both (api/tensor/tensor_accessor.h).
#pragma once

#include <cstdint>

#include "api/tensor/tensor_accessor_args.h"

namespace tensor_accessor {
template <uint32_t CTA_OFFSET, uint32_t ADDR_CRTA_OFFSET>
struct TensorBindingToken {
    using args_t = TensorAccessorArgs<CTA_OFFSET>;
    static constexpr args_t args{};
    static constexpr uint32_t addr_crta_offset = ADDR_CRTA_OFFSET;  // in bytes
};
}  // namespace tensor_accessor
