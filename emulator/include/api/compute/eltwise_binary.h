// Element-wise FPU add / sub / mul of two CB tiles into DST.
#pragma once

#include "api/compute/common.h"

namespace ckernel {
// The generic init the wheel's add/sub/mul_init forward to (api/compute/eltwise_binary.h, ttnn 0.81.1);
// production kernels call it directly with the op type from the factory's ELTWISE_OP_TYPE define.
template <bool full_init, EltwiseBinaryType eltwise_binary_type>
inline void binary_tiles_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = false,
                              std::uint32_t call_line = __builtin_LINE()) {
    static_assert(eltwise_binary_type == EltwiseBinaryType::ELWADD || eltwise_binary_type == EltwiseBinaryType::ELWSUB ||
                      eltwise_binary_type == EltwiseBinaryType::ELWMUL,
                  "the emulator models FPU add / sub / mul only");
    (void)acc_to_dest;
    (void)call_line;
    constexpr emu::BinOp op = eltwise_binary_type == EltwiseBinaryType::ELWADD   ? emu::BinOp::Add
                              : eltwise_binary_type == EltwiseBinaryType::ELWSUB ? emu::BinOp::Sub
                                                                                 : emu::BinOp::Mul;
    emu::binary_init(op, emu::Bcast::None, icb0, icb1);
}
inline void add_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = false,
                     std::uint32_t call_line = __builtin_LINE()) {
    (void)acc_to_dest;
    (void)call_line;
    emu::binary_init(emu::BinOp::Add, emu::Bcast::None, icb0, icb1);
}
inline void sub_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = false,
                     std::uint32_t call_line = __builtin_LINE()) {
    (void)acc_to_dest;
    (void)call_line;
    emu::binary_init(emu::BinOp::Sub, emu::Bcast::None, icb0, icb1);
}
inline void mul_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = true,
                     std::uint32_t call_line = __builtin_LINE()) {
    (void)acc_to_dest;
    (void)call_line;
    emu::binary_init(emu::BinOp::Mul, emu::Bcast::None, icb0, icb1);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void add_tiles(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t itile0, std::uint32_t itile1,
                      std::uint32_t idst) {
    emu::binary_tiles(emu::BinOp::Add, emu::Bcast::None, icb0, icb1, itile0, itile1, idst);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sub_tiles(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t itile0, std::uint32_t itile1,
                      std::uint32_t idst) {
    emu::binary_tiles(emu::BinOp::Sub, emu::Bcast::None, icb0, icb1, itile0, itile1, idst);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void mul_tiles(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t itile0, std::uint32_t itile1,
                      std::uint32_t idst) {
    emu::binary_tiles(emu::BinOp::Mul, emu::Bcast::None, icb0, icb1, itile0, itile1, idst);
}
}  // namespace ckernel
