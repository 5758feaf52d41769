// Test reader: one tile from a ttnn dataflow helper (chosen by define) into CB 16. With PREFILL, CB 16's
// page first receives page 0 of the `fill` tensor by NOC, so the datums the helper leaves alone hold
// defined data the writer may send.
#include <stdint.h>

#include "api/dataflow/dataflow_api.h"
#include "ttnn/cpp/ttnn/kernel_lib/reduce_helpers_dataflow.hpp"
#include "ttnn/kernel/dataflow/generate_bcast_scalar.hpp"
#include "ttnn/kernel/dataflow/generate_reduce_scaler.hpp"

void kernel_main() {
    const uint32_t value = get_arg_val<uint32_t>(0);
#ifdef PREFILL
    constexpr auto fill_args = TensorAccessorArgs<0>();
    const uint32_t page = get_arg_val<uint32_t>(2);
    const auto fill = TensorAccessor(fill_args, get_arg_val<uint32_t>(1), page);
    cb_reserve_back(16, 1);
    noc_async_read(fill.get_noc_addr(0), get_write_ptr(16), page);
    noc_async_read_barrier();
#endif
#if defined(HELPER_PREPARE)
    float f;
    __builtin_memcpy(&f, &value, 4);
    dataflow_kernel_lib::prepare_reduce_scaler<16, ckernel::PoolType::SUM, ckernel::ReduceDim::REDUCE_ROW>(f, 20);
#elif defined(HELPER_AVG)
    dataflow_kernel_lib::calculate_and_prepare_reduce_scaler<16, ckernel::PoolType::AVG, ckernel::ReduceDim::REDUCE_ROW,
                                                             64>();
#elif defined(HELPER_COL)
    generate_bcast_col_scalar(CircularBuffer(16), value);
#elif defined(HELPER_ROW)
    generate_bcast_row_scalar(CircularBuffer(16), value);
#elif defined(HELPER_UNARY)
    generate_bcast_unary_scalar(CircularBuffer(16), value);
#elif defined(HELPER_WH)
    wh_generate_reduce_scaler<true>(16, value);
#endif
}
