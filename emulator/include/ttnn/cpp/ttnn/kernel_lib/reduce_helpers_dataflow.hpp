// ttnn's reduce-scaler helpers: one tile, zeroed, with the scaler in row 0 of every face (only the
// first `valid` columns for REDUCE_ROW). bf16 CBs get the top half of the fp32 pattern (truncation).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "api/dataflow/dataflow_api.h"
#include "llk_defs.h"

namespace dataflow_kernel_lib {

using ckernel::PoolType;
using ckernel::ReduceDim;

constexpr uint32_t SUM_AND_MAX_REDUCE_FACTOR = 1;

template <uint32_t dfb_id, PoolType pool_type, ReduceDim reduce_dim>
FORCE_INLINE void prepare_reduce_scaler(float scaler_f, uint32_t valid_reduce_dim_elements_in_tile = 32) {
    const bool fp32 = get_dataformat(dfb_id) == DataFormat::Float32;
    const uint32_t datum_bytes = fp32 ? 4 : 2;
    uint32_t bits;
    std::memcpy(&bits, &scaler_f, sizeof bits);
    cb_reserve_back(dfb_id, 1);
    auto* tile = reinterpret_cast<volatile uint8_t*>(get_write_ptr(dfb_id));
    for (uint32_t i = 0; i < 1024 * datum_bytes; ++i) {
        tile[i] = 0;
    }
    const uint32_t valid =
        reduce_dim == ReduceDim::REDUCE_ROW ? valid_reduce_dim_elements_in_tile : 32;
    for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t col = 0; col < 16; ++col) {
            const uint32_t tile_col = (face % 2) * 16 + col;
            if (tile_col >= valid) {
                continue;
            }
            const uint32_t datum = face * 256 + col;
            if (fp32) {
                reinterpret_cast<volatile uint32_t*>(tile)[datum] = bits;
            } else {
                reinterpret_cast<volatile uint16_t*>(tile)[datum] = static_cast<uint16_t>(bits >> 16);
            }
        }
    }
    cb_push_back(dfb_id, 1);
}

template <uint32_t dfb_id, PoolType pool_type, ReduceDim reduce_dim, uint32_t reduce_factor = SUM_AND_MAX_REDUCE_FACTOR>
FORCE_INLINE void calculate_and_prepare_reduce_scaler(uint32_t valid_reduce_dim_elements_in_tile = 32) {
    float scaler = 1.0f;
    if (pool_type == PoolType::AVG) {
        scaler = reduce_dim == ReduceDim::REDUCE_SCALAR ? 1.0f / std::sqrt(static_cast<float>(reduce_factor))
                                                        : 1.0f / static_cast<float>(reduce_factor);
    }
    prepare_reduce_scaler<dfb_id, pool_type, reduce_dim>(scaler, valid_reduce_dim_elements_in_tile);
}

}  // namespace dataflow_kernel_lib
