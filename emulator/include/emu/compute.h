// Internal interface between our compute API headers and the runner's compute model (compute.cpp).
// One call per tt-metal operation; template parameters of the real API become plain arguments.
#pragma once

#include <cstdint>

namespace emu {

enum class Pool : uint8_t { Sum, Avg, Max, Min };
enum class Dim : uint8_t { Row, Col, Scalar };
enum class Bcast : uint8_t { None, Col, Row, Scalar };
enum class BinOp : uint8_t { Add, Sub, Mul };
enum class Sfpu : uint8_t {
    Square, Rsqrt, RsqrtFast, Recip, Exp, Sqrt,
    AddScalar, SubScalar, MulScalar, DivScalar, RsubScalar,
    AddBinary, SubBinary, MulBinary,
    BcastCol,
    ReduceRowSum,
};

// The numerics variant (EMULATOR_NUMERICS), set by the runner from the plan; codes from emu/codes.h.
enum class Numerics : uint8_t {
#define EMU_NUMERICS(name, enumerator, value) enumerator = value,
#include "emu/codes.h"
};
void set_numerics(uint32_t code);

void hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb);
void regs_acquire();
void regs_commit();
void regs_wait();
void regs_release();
void reconfig_srca(uint32_t cb);
void reconfig_srcb(uint32_t cb);
void reconfig_pack(uint32_t cb);

void copy_init(uint32_t cb);
void copy_tile(uint32_t cb, uint32_t itile, uint32_t idst);
void tilize_init(uint32_t icb, uint32_t block, uint32_t ocb);
void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb);
void tilize_uninit(uint32_t icb, uint32_t ocb);
void pack_untilize_init(uint32_t icb, uint32_t ocb, uint32_t block_ct_dim, uint32_t full_ct_dim);
void pack_untilize_block(uint32_t icb, uint32_t block_rt_dim, uint32_t ocb, uint32_t block_c_index,
                         uint32_t block_ct_dim, uint32_t full_ct_dim);
void pack_untilize_uninit(uint32_t ocb);
void untilize_init(uint32_t icb);
void untilize_block(uint32_t icb, uint32_t full_ct_dim, uint32_t ocb);
void untilize_uninit(uint32_t icb);
void reduce_init(Pool pool, Dim dim, uint32_t icb, uint32_t icb_scaler, uint32_t ocb);
void reduce_tile(Pool pool, Dim dim, uint32_t icb, uint32_t icb_scaler, uint32_t itile, uint32_t itile_scaler,
                 uint32_t idst);
void reduce_uninit();
void binary_init(BinOp op, Bcast bcast, uint32_t icb0, uint32_t icb1);
void binary_tiles(BinOp op, Bcast bcast, uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1,
                  uint32_t idst);
void unary_bcast_init(Bcast bcast, uint32_t icb);
void unary_bcast(Bcast bcast, uint32_t icb, uint32_t itile, uint32_t idst);
void matmul_init(uint32_t in0_cb, uint32_t in1_cb);
void matmul_tiles(uint32_t in0_cb, uint32_t in1_cb, uint32_t in0_tile, uint32_t in1_tile, uint32_t idst);
void transpose_init(uint32_t cb);
void transpose_tile(uint32_t cb, uint32_t itile, uint32_t idst);
void sfpu_init(Sfpu op);
void sfpu_unary(Sfpu op, uint32_t idst, uint32_t param);
void sfpu_binary(Sfpu op, BinOp bin, uint32_t idst0, uint32_t idst1, uint32_t odst);
// sfpu_reduce<SUM, Float32, REDUCE_ROW>: row sums of ct_dim DST tiles into column 0 of tile idst.
void sfpu_reduce_row_sum(uint32_t idst, uint32_t ct_dim, uint32_t rt_dim);
void pack_tile(uint32_t idst, uint32_t ocb, bool out_of_order, uint32_t output_tile_index);

}  // namespace emu
