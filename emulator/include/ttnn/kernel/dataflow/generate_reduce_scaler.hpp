// ttnn's legacy bf16 reduce scaler: optionally zero the tile, then the packed (bf16 << 16 | bf16)
// scaler in row 0 of all four faces.
#pragma once

#include <cstdint>

#include "api/dataflow/circular_buffer.h"
#include "api/dataflow/dataflow_api.h"

template <bool needs_zeroing = true>
FORCE_INLINE void wh_generate_reduce_scaler(const uint32_t cb_id, const uint32_t scaler) {
    cb_reserve_back(cb_id, 1);
    auto* tile = reinterpret_cast<volatile uint32_t*>(get_write_ptr(cb_id));
    if (needs_zeroing) {
        for (uint32_t i = 0; i < 512; ++i) {
            tile[i] = 0;
        }
    }
    for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t pair = 0; pair < 8; ++pair) {
            tile[face * 128 + pair] = scaler;
        }
    }
    cb_push_back(cb_id, 1);
}
