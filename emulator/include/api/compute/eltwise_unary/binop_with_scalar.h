// SFPU: DST tile op an fp32 scalar (given as its bit pattern).
#pragma once

#include "api/compute/common.h"

namespace ckernel {
inline void binop_with_scalar_tile_init() { emu::sfpu_init(emu::Sfpu::AddScalar); }
#define EMU_SCALAR_OP(NAME, OP)                                        \
    template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>              \
    inline void NAME(uint32_t idst, uint32_t param1) {                \
        emu::sfpu_unary(emu::Sfpu::OP, idst, param1);                 \
    }
EMU_SCALAR_OP(add_unary_tile, AddScalar)
EMU_SCALAR_OP(sub_unary_tile, SubScalar)
EMU_SCALAR_OP(mul_unary_tile, MulScalar)
EMU_SCALAR_OP(div_unary_tile, DivScalar)
EMU_SCALAR_OP(rsub_unary_tile, RsubScalar)
#undef EMU_SCALAR_OP
}  // namespace ckernel
