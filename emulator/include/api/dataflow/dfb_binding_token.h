// DFBBindingToken: the compile-time handle of a named CB binding (dfb::name), as in the wheel's
// api/dataflow/dfb_binding_token.h (ttnn 0.81.1). On Wormhole it is a CB id: it converts to uint32_t
// for the CB-id APIs and constructs a DataflowBuffer. The producer/consumer access patterns only
// matter on Quasar and are not modelled.
#pragma once

#include <cstdint>

template <int ProducerPattern = 0, int ConsumerPattern = 0>
struct DFBBindingToken {
    explicit constexpr DFBBindingToken(uint16_t id) noexcept : id_(id) {}
    constexpr operator uint32_t() const noexcept { return id_; }

private:
    uint16_t id_;
};
