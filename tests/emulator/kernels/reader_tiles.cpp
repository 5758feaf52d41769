// Test reader: tile t of every input tensor (one tile per page, datums in face order) into CB k
// (input k), tile after tile; with SCALER, first a reduce scaler tile of value `scaler_bits` in CB 8.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"
#include "ttnn/cpp/ttnn/kernel_lib/reduce_helpers_dataflow.hpp"

void kernel_main() {
    constexpr uint32_t num_inputs = get_compile_time_arg_val(0);
    constexpr auto a_args = TensorAccessorArgs<1>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    const uint32_t tile_bytes = get_arg_val<uint32_t>(3);
    const auto a = TensorAccessor(a_args, get_arg_val<uint32_t>(1), tile_bytes);
    const auto b = TensorAccessor(b_args, get_arg_val<uint32_t>(2), tile_bytes);
#ifdef SCALER
    const uint32_t scaler_bits = get_arg_val<uint32_t>(4);
    float scaler;
    __builtin_memcpy(&scaler, &scaler_bits, 4);
    dataflow_kernel_lib::prepare_reduce_scaler<8, ckernel::PoolType::SUM, ckernel::ReduceDim::REDUCE_ROW>(scaler);
#endif
    for (uint32_t t = 0; t < num_tiles; ++t) {
        for (uint32_t k = 0; k < num_inputs; ++k) {
            cb_reserve_back(k, 1);
            const uint64_t src = k == 0 ? a.get_noc_addr(t) : b.get_noc_addr(t);
            noc_async_read(src, get_write_ptr(k), tile_bytes);
            noc_async_read_barrier();
            cb_push_back(k, 1);
        }
    }
}
