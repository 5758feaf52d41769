// Compute-API functions that ttnn's kernel helpers name (the eltwise chain and reduce libraries of the
// ttnn 0.81.1 wheel, kernel_lib/eltwise/..., kernel_lib/reduce_helpers_compute.inl) but the emulator does
// not implement: the packer's ReLU and L1 accumulation, dest-reuse binaries, and SFPU families outside
// the emulated ones. They are declared so those libraries compile, and never defined: a kernel that
// reaches one fails to load, naming it; a library branch that is compiled but not taken costs nothing.
#pragma once

#include <cstdint>

#include "internal/cb_formats.h"
#include "internal/llk_api.h"

namespace ckernel {
// The packer ReLU configuration (tt-llk llk_defs.h ReluConfig): only its type and named constructors.
struct ReluConfig {
    std::uint32_t mode;
    std::uint32_t threshold;
    static constexpr ReluConfig none() { return {0, 0}; }
    static constexpr ReluConfig zero() { return {1, 0}; }
};
void pack_relu_config(const ReluConfig& config);
void pack_reconfig_l1_acc(std::uint32_t l1_acc_en);

template <EltwiseBinaryReuseDestType reuse_dest>
void add_reuse_dest_init(std::uint32_t icb, std::uint32_t call_line = __builtin_LINE());
template <EltwiseBinaryReuseDestType reuse_dest>
void sub_reuse_dest_init(std::uint32_t icb, std::uint32_t call_line = __builtin_LINE());
template <EltwiseBinaryReuseDestType reuse_dest>
void mul_reuse_dest_init(std::uint32_t icb, std::uint32_t call_line = __builtin_LINE());
template <EltwiseBinaryReuseDestType reuse_dest, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void add_reuse_dest_tiles(std::uint32_t in_cb_id, std::uint32_t in_tile_index, std::uint32_t dst_tile_index);
template <EltwiseBinaryReuseDestType reuse_dest, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void sub_reuse_dest_tiles(std::uint32_t in_cb_id, std::uint32_t in_tile_index, std::uint32_t dst_tile_index);
template <EltwiseBinaryReuseDestType reuse_dest, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void mul_reuse_dest_tiles(std::uint32_t in_cb_id, std::uint32_t in_tile_index, std::uint32_t dst_tile_index);

void sign_tile_init();
void sign_tile(std::uint32_t idst);
void abs_tile_init();
void abs_tile(std::uint32_t idst);
void power_tile_init();
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void power_tile(std::uint32_t idst, std::uint32_t param0);
void power_iterative_tile_init();
void power_iterative_tile(std::uint32_t idst, std::uint32_t param0);
template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void log_tile_init();
template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void log_tile(std::uint32_t idst);
template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void log1p_tile_init();
template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void log1p_tile(std::uint32_t idst);
void rpow_tile_init();
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void rpow_tile(std::uint32_t idst, std::uint32_t base_val, VectorMode vector_mode = VectorMode::RC);
template <bool fast_and_approx = true>
void negative_tile_init();
template <bool fast_and_approx = true>
void negative_tile(std::uint32_t idst);
void identity_tile_init();
void identity_tile(std::uint32_t idst);
void cbrt_tile_init();
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
void cbrt_tile(std::uint32_t idst);
void cumsum_tile_init();
void cumsum_tile(std::uint32_t idst, bool first = true);
void mask_tile_init();
void mask_tile(std::uint32_t idst_data, std::uint32_t idst2_mask, DataFormat data_format = DataFormat::Float16_b);
void mask_posinf_tile(std::uint32_t idst_data, std::uint32_t idst2_mask);
void copy_dest_values_init();
template <DataFormat DATA_FORMAT>
void copy_dest_values(std::uint32_t idst_in, std::uint32_t idst_out);
}  // namespace ckernel
