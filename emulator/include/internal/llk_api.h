// The LLK-level calls (llk_*) that ttnn's compute helpers make directly, below the compute API (e.g. the
// wheel's ttnn/cpp/ttnn/kernel_lib/reduce_helpers_compute.inl, ttnn 0.81.1, reduce_init_short_with_dt).
// Each maps onto the emulator's compute model the way the compute API call that wraps the same LLK pair
// does: the unpacker reconfiguration changes the srcA format; the reduce init pair configures the reduce
// (the emulator keeps one reduce state, set by the math half; the unpack half has nothing of its own);
// the packer's reduce mask is the emulator's reduce mask, set by reduce init and cleared by reduce_uninit.
#pragma once

#include <cstdint>

#include "emu/compute.h"
#include "internal/cb_formats.h"
#include "llk_defs.h"

// tt-llk's stride selector of the unpacker reconfig (values do not matter to the emulator).
enum class p_dim_stride_target : std::uint32_t { FACE_ROW_MAJOR = 0, ROW_MAJOR = 1, IGNORE = 2 };
// tt-llk's pack mode of llk_pack_reduce_mask_config.
enum class PackMode : std::uint8_t { Default = 0 };

template <bool is_fp32_dest_acc_en, p_dim_stride_target stride = p_dim_stride_target::IGNORE>
inline void llk_unpack_reconfig_data_format_srca(std::uint32_t old_operand, std::uint32_t new_operand) {
    (void)old_operand;
    emu::reconfig_srca(new_operand);
}
template <bool is_fp32_dest_acc_en>
inline void llk_math_reconfig_data_format_srca(std::uint32_t old_operand, std::uint32_t new_operand) {
    (void)old_operand;
    (void)new_operand;  // the math half follows the unpacker's format; modelled by the unpack half
}
template <ckernel::PoolType type, ckernel::ReduceDim dim>
inline void llk_unpack_AB_reduce_init(std::uint32_t operand_a, std::uint32_t operand_b) {
    (void)operand_a;
    (void)operand_b;  // the reduce state is configured by llk_math_reduce_init
}
template <ckernel::PoolType type, ckernel::ReduceDim dim, bool is_fp32_dest_acc_en, int math_fidelity>
inline void llk_math_reduce_init(std::uint32_t operand_a, std::uint32_t operand_b) {
    const emu::Pool pool = type == ckernel::PoolType::SUM ? emu::Pool::Sum : type == ckernel::PoolType::AVG
                           ? emu::Pool::Avg : type == ckernel::PoolType::MAX ? emu::Pool::Max : emu::Pool::Min;
    const emu::Dim d = dim == ckernel::ReduceDim::REDUCE_ROW ? emu::Dim::Row
                       : dim == ckernel::ReduceDim::REDUCE_COL ? emu::Dim::Col : emu::Dim::Scalar;
    emu::reduce_init(pool, d, operand_a, operand_b, operand_a);
}

// The packer-only reduce mask of the helpers' SFPU reduce path. That path needs sfpu_reduce, which the
// emulator does not implement, so these are declared for name lookup only and never defined.
template <ckernel::ReduceDim dim, PackMode mode>
void llk_pack_reduce_mask_config(std::uint32_t output);
void llk_pack_reduce_mask_clear();

// The compute API's SFPU reduction (sfpu_reduce_init / sfpu_reduce, the wheel's api/compute/reduce.h),
// which ttnn's reduce helper selects for Int32, MIN of bf16 and accurate fp32. Not emulated: declared
// for name lookup, never defined.
template <ckernel::PoolType pool_type, DataFormat format>
void sfpu_reduce_init();
template <ckernel::PoolType pool_type, DataFormat format, ckernel::ReduceDim reduce_dim>
void sfpu_reduce(std::uint32_t idst, std::uint32_t ct_dim, std::uint32_t rt_dim);
