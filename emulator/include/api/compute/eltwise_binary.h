// Element-wise FPU add / sub / mul of two CB tiles into DST.
#pragma once

#include "api/compute/common.h"

namespace ckernel {
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
