// FPU binary ops with B broadcast: COL uses B's column 0, ROW its row 0, SCALAR B[0][0].
#pragma once

#include "api/compute/common.h"

namespace ckernel {
namespace emu_bcast {
constexpr emu::BinOp op(EltwiseBinaryType t) {
    return t == EltwiseBinaryType::ELWADD ? emu::BinOp::Add : t == EltwiseBinaryType::ELWSUB ? emu::BinOp::Sub
                                                                                             : emu::BinOp::Mul;
}
constexpr emu::Bcast dim(BroadcastType b) {
    return b == BroadcastType::COL ? emu::Bcast::Col : b == BroadcastType::ROW ? emu::Bcast::Row
                         : b == BroadcastType::SCALAR ? emu::Bcast::Scalar : emu::Bcast::None;
}
inline void check_row(uint32_t bcast_row_idx) {
    if (bcast_row_idx != 0) {
        emu::fault("unsupported", "bcast_row_idx != 0 is not emulated");
    }
}
}  // namespace emu_bcast

template <EltwiseBinaryType tBcastOp, BroadcastType tBcastDim>
inline void bcast_init(uint32_t icb0, uint32_t icb1, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    static_assert(tBcastOp != EltwiseBinaryType::ELWDIV && tBcastOp != EltwiseBinaryType::ELWLESS, "add/sub/mul only");
    emu::binary_init(emu_bcast::op(tBcastOp), emu_bcast::dim(tBcastDim), icb0, icb1);
}
template <EltwiseBinaryType tBcastOp, BroadcastType tBcastDim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void any_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                            uint32_t bcast_row_idx = 0) {
    emu_bcast::check_row(bcast_row_idx);
    emu::binary_tiles(emu_bcast::op(tBcastOp), emu_bcast::dim(tBcastDim), icb0, icb1, itile0, itile1, idst);
}
template <BroadcastType tBcastDim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void add_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                            uint32_t bcast_row_idx = 0) {
    any_tiles_bcast<EltwiseBinaryType::ELWADD, tBcastDim>(icb0, icb1, itile0, itile1, idst, bcast_row_idx);
}
template <BroadcastType tBcastDim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void sub_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                            uint32_t bcast_row_idx = 0) {
    any_tiles_bcast<EltwiseBinaryType::ELWSUB, tBcastDim>(icb0, icb1, itile0, itile1, idst, bcast_row_idx);
}
template <BroadcastType tBcastDim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void mul_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                            uint32_t bcast_row_idx = 0) {
    any_tiles_bcast<EltwiseBinaryType::ELWMUL, tBcastDim>(icb0, icb1, itile0, itile1, idst, bcast_row_idx);
}

// A tile copied into DST with a broadcast (tt-metal api/compute/bcast.h at the 0.81.1 wheel: one-argument
// init, then unary_bcast(icb, in_tile_index, dst_tile_index)).
template <BroadcastType bcast_type, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void unary_bcast_init(uint32_t icb) {
    emu::unary_bcast_init(emu_bcast::dim(bcast_type), icb);
}
template <BroadcastType bcast_type, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
inline void unary_bcast(uint32_t icb, uint32_t in_tile_index, uint32_t dst_tile_index) {
    emu::unary_bcast(emu_bcast::dim(bcast_type), icb, in_tile_index, dst_tile_index);
}

#define EMU_BCAST_PAIR(NAME, OP, DIM)                                                                          \
    inline void NAME##_init(uint32_t icb0, uint32_t icb1, uint32_t call_line = __builtin_LINE()) {           \
        bcast_init<EltwiseBinaryType::OP, BroadcastType::DIM>(icb0, icb1, call_line);                         \
    }
EMU_BCAST_PAIR(add_bcast_cols, ELWADD, COL)
EMU_BCAST_PAIR(sub_bcast_cols, ELWSUB, COL)
EMU_BCAST_PAIR(mul_bcast_cols, ELWMUL, COL)
EMU_BCAST_PAIR(add_bcast_rows, ELWADD, ROW)
EMU_BCAST_PAIR(sub_bcast_rows, ELWSUB, ROW)
EMU_BCAST_PAIR(mul_bcast_rows, ELWMUL, ROW)
EMU_BCAST_PAIR(add_bcast_scalar, ELWADD, SCALAR)
EMU_BCAST_PAIR(sub_bcast_scalar, ELWSUB, SCALAR)
EMU_BCAST_PAIR(mul_bcast_scalar, ELWMUL, SCALAR)
#undef EMU_BCAST_PAIR

#define EMU_BCAST_TILES(NAME, OP, DIM)                                                                            \
    template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>                                                      \
    inline void NAME(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst) {          \
        any_tiles_bcast<EltwiseBinaryType::OP, BroadcastType::DIM>(icb0, icb1, itile0, itile1, idst);          \
    }
#define EMU_BCAST_ROW_TILES(NAME, OP)                                                                             \
    template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>                                                      \
    inline void NAME(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,            \
                     uint32_t bcast_row_idx = 0) {                                                            \
        any_tiles_bcast<EltwiseBinaryType::OP, BroadcastType::ROW>(icb0, icb1, itile0, itile1, idst,           \
                                                                    bcast_row_idx);                            \
    }
EMU_BCAST_TILES(add_tiles_bcast_cols, ELWADD, COL)
EMU_BCAST_TILES(sub_tiles_bcast_cols, ELWSUB, COL)
EMU_BCAST_TILES(mul_tiles_bcast_cols, ELWMUL, COL)
EMU_BCAST_ROW_TILES(add_tiles_bcast_rows, ELWADD)
EMU_BCAST_ROW_TILES(sub_tiles_bcast_rows, ELWSUB)
EMU_BCAST_ROW_TILES(mul_tiles_bcast_rows, ELWMUL)
EMU_BCAST_TILES(add_tiles_bcast_scalar, ELWADD, SCALAR)
EMU_BCAST_TILES(sub_tiles_bcast_scalar, ELWSUB, SCALAR)
EMU_BCAST_TILES(mul_tiles_bcast_scalar, ELWMUL, SCALAR)
#undef EMU_BCAST_TILES
#undef EMU_BCAST_ROW_TILES
}  // namespace ckernel
