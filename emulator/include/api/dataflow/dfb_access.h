// DataflowBuffer access patterns and traits (the wheel's api/dataflow/dfb_access.h, ttnn 0.81.1). The
// patterns only select Quasar's buffer implementations; on Wormhole a DataflowBuffer is one class.
#pragma once

#include <cstdint>

namespace dfb {
enum AccessPattern : uint8_t { STRIDED, ALL, BLOCKED, UNKNOWN };
}  // namespace dfb

class DataflowBuffer;
using DataflowBufferAnyPattern = DataflowBuffer;

template <typename T>
inline constexpr bool is_dataflow_buffer_v = false;
template <>
inline constexpr bool is_dataflow_buffer_v<DataflowBuffer> = true;
