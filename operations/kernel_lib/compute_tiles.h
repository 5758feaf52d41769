// kernel_lib/compute_tiles.h: moving tiles between CBs and DST in a compute kernel, and SFPU arithmetic
// on DST tiles (fp32 when fp32 DST accumulation is on).
//
// Operands are unpacked straight to DST (copy_tile): exact for bf16 and for fp32 CBs listed in the
// compute config's unpack_to_dest_fp32, so no FPU operand rounding (TF32 srcA/srcB) reaches a value.
// Each helper re-issues its init: the kernels interleave copy, binary and unary SFPU operations.
#pragma once

#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/tile_move_copy.h"

namespace kernel_lib {

// Unpacks tile `tile` of `cb` into DST `dst`.
inline void load(uint32_t cb, uint32_t tile, uint32_t dst) {
    reconfig_data_format_srca(cb);
    copy_init(cb);
    copy_tile(cb, tile, dst);
}

// Moves the single tile of a running CB into DST `dst` and frees the CB for its next value.
inline void take(uint32_t cb, uint32_t dst) {
    cb_wait_front(cb, 1);
    load(cb, 0, dst);
    cb_pop_front(cb, 1);
}

// Packs DST `dst` as one new page of `cb` (in `cb`'s format).
inline void pack_to(uint32_t dst, uint32_t cb) {
    cb_reserve_back(cb, 1);
    pack_reconfig_data_format(cb);
    pack_tile(dst, cb);
    cb_push_back(cb, 1);
}

inline void add_dst(uint32_t a, uint32_t b, uint32_t out) {
    add_binary_tile_init();
    add_binary_tile(a, b, out);
}

inline void mul_dst(uint32_t a, uint32_t b, uint32_t out) {
    mul_binary_tile_init();
    mul_binary_tile(a, b, out);
}

}  // namespace kernel_lib
