// ttnn's bf16 broadcast-scalar tiles. Each reserves and pushes one page itself and writes only the
// datums a broadcast of that kind reads; the rest of the tile keeps whatever L1 held.
#pragma once

#include <cstdint>

#include "api/dataflow/circular_buffer.h"
#include "api/dataflow/dataflow_api.h"

// bf16 `scalar >> 16` into column 0 of all 32 rows (column 0 of faces 0 and 2).
FORCE_INLINE void generate_bcast_col_scalar(CircularBuffer cb, uint32_t scalar) {
    cb.reserve_back(1);
    auto* tile = reinterpret_cast<volatile uint16_t*>(cb.get_write_ptr());
    const uint16_t value = static_cast<uint16_t>(scalar >> 16);
    for (uint32_t face = 0; face < 4; face += 2) {
        for (uint32_t row = 0; row < 16; ++row) {
            tile[face * 256 + row * 16] = value;
        }
    }
    cb.push_back(1);
}

// `scalar` holds (bf16 << 16 | bf16): written to row 0 of faces 0 and 1.
FORCE_INLINE void generate_bcast_row_scalar(CircularBuffer cb, uint32_t scalar) {
    cb.reserve_back(1);
    auto* tile = reinterpret_cast<volatile uint32_t*>(cb.get_write_ptr());
    for (uint32_t face = 0; face < 2; ++face) {
        for (uint32_t pair = 0; pair < 8; ++pair) {
            tile[face * 128 + pair] = scalar;
        }
    }
    cb.push_back(1);
}

// Element [0][0] only, written as a 32-bit word (so element [0][1] becomes the upper half: 0 for a
// bf16 in the low half).
FORCE_INLINE void generate_bcast_unary_scalar(CircularBuffer cb, uint32_t scalar) {
    cb.reserve_back(1);
    reinterpret_cast<volatile uint32_t*>(cb.get_write_ptr())[0] = scalar;
    cb.push_back(1);
}
