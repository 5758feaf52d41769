// The LLK-level calls (llk_*) that ttnn's compute helpers make directly, below the compute API (e.g. the
// wheel's ttnn/cpp/ttnn/kernel_lib/reduce_helpers_compute.inl, ttnn 0.81.1, reduce_init_short_with_dt).
// Each maps onto the emulator's compute model the way the compute API call that wraps the same LLK pair
// does: the unpacker reconfiguration changes the srcA format; the reduce init pair configures the reduce
// (the emulator keeps one reduce state, set by the math half; the unpack half has nothing of its own);
// the packer's reduce mask is the emulator's reduce mask, set by reduce init and cleared by reduce_uninit.
#pragma once

#include <cstdint>

#include "emu/compute.h"
#include "emu/core.h"
#include "internal/cb_formats.h"
#include "llk_defs.h"

namespace ckernel {
// tt-llk llk_defs.h (ttnn 0.81.1 wheel): math fidelity and the dest-reuse operand selector, as template
// arguments of the LLK and compute-API calls below.
enum class MathFidelity : std::uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4 };
enum class EltwiseBinaryReuseDestType { NONE = 0, DEST_TO_SRCA = 1, DEST_TO_SRCB = 2 };
}  // namespace ckernel

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

// The compute API's SFPU reduction (sfpu_reduce_init / sfpu_reduce), which ttnn's reduce helper selects
// for Int32, MIN of bf16 and accurate fp32, is api/compute/compute_kernel_api.h's.
#include "api/compute/compute_kernel_api.h"

// The FPU binary init pair ttnn's eltwise chain (kernel_lib/eltwise/core/chain.inl, BinaryFpu with a
// broadcast) calls directly: the math half configures the operation and its broadcast, which is what the
// compute API's bcast init does here; the unpack half has no state of its own in the emulator. The
// fidelity argument is unused because add/sub never multiply and mul reads the kernel's MATH_FIDELITY.
template <ckernel::EltwiseBinaryType type, ckernel::BroadcastType bcast, auto math_fidelity>
inline void llk_math_eltwise_binary_init(std::uint32_t operand_a, std::uint32_t operand_b, bool acc_to_dest = false) {
    static_assert(type == ckernel::EltwiseBinaryType::ELWADD || type == ckernel::EltwiseBinaryType::ELWSUB ||
                      type == ckernel::EltwiseBinaryType::ELWMUL, "the emulator models FPU add / sub / mul only");
    if (acc_to_dest) {
        emu::fault("unsupported", "llk_math_eltwise_binary_init with acc_to_dest is not emulated");
    }
    const emu::BinOp op = type == ckernel::EltwiseBinaryType::ELWADD ? emu::BinOp::Add
                          : type == ckernel::EltwiseBinaryType::ELWSUB ? emu::BinOp::Sub : emu::BinOp::Mul;
    const emu::Bcast b = bcast == ckernel::BroadcastType::COL ? emu::Bcast::Col : bcast == ckernel::BroadcastType::ROW
                         ? emu::Bcast::Row : bcast == ckernel::BroadcastType::SCALAR ? emu::Bcast::Scalar : emu::Bcast::None;
    emu::binary_init(op, b, operand_a, operand_b);
}
template <ckernel::BroadcastType bcast>
inline void llk_unpack_AB_init(std::uint32_t operand_a, std::uint32_t operand_b) {
    (void)operand_a;
    (void)operand_b;  // configured by llk_math_eltwise_binary_init
}
