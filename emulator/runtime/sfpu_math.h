// The SFPU's arithmetic, one function per rule: the Wormhole SFPMAD (every SFPU add and multiply is
// one), SFPLOAD / SFPSTORE conversions, and the LLK's algorithms built on them. ttsim's README calls its
// SFPU model bit-accurate, so these follow it bit for bit (sources pinned in numerics.h).
#pragma once

#include <cstdint>

namespace emu {

// SFPMAD on Wormhole: a * b + c, ttsim src/fma.cpp fma_model_wh.
float sfpu_mad(float a, float b, float c);
inline float sfpu_add(float a, float b) { return sfpu_mad(a, 1.0f, b); }
inline float sfpu_mul(float a, float b) { return sfpu_mad(a, b, 0.0f); }

// SFPSTORE of an LReg into Dst: denormals to zero keeping the sign; a 16-bit (bf16) Dst takes the top
// half (truncation). ttsim TENSIX_EXECUTE_SFPSTORE instr_mod0 2 / 3 and denormals_as_zeros.
float sfpu_store(float v, bool fp32_dest);

// The LLK's square root and reciprocal square root (ckernel_sfpu_sqrt.h _calculate_sqrt_body_,
// wheel 0.81.1): a magic-constant estimate refined by SFPMAD steps; `fast` skips the edge guards.
float sfpu_sqrt_body(float x, bool approx, bool reciprocal, bool fast);

// SFP_STOCH_RND FP32_TO_FP16B, round to nearest (what sfpi::convert<vFloat16b>(x, Nearest) issues).
float sfpu_round_bf16(float v);

// The LLK's reciprocal (ckernel_sfpu_recip.h sfpu_reciprocal_iter, wheel 0.81.1): a quadratic minimax
// estimate on the mantissa, Newton steps (one when `approx` or for a 16-bit DST, two for fp32 DST), for a
// 16-bit DST a round to bf16 before scaling by the exponent, and the input's sign copied last.
float sfpu_recip(float x, bool approx, bool fp32_dest);

// The column broadcast value of one row: SFPU column 0 kept by a multiply with the lane mask
// (1.0 in column 0, 0.0 in columns 1..7) and the rotate-and-add (ckernel_sfpu_binary_bcast.h BCAST_COL).
float sfpu_bcast_col_value(const float* row_cols_0_to_7);

// --- whole-tile forms -----------------------------------------------------------------------------
// Each equals applying its per-datum rule above to every datum, bit for bit (property-tested against
// them in tests/emulator/test_fast_paths.py). `out` may be an input (in place) or disjoint from them.

// out[i] = sfpu_add(a[i], b[i]) / sfpu_mul(a[i], b[i]) for i < n. Where both operands are normal and the
// IEEE-754 binary32 result (round to nearest even) is normal with a biased exponent >= 2 and finite,
// SFPMAD's result is that IEEE result: the product (or the addend times 1.0) is exact in SFPMAD's 27 bits
// or rounded with a sticky bit, the semi-sticky alignment drops only an addend below 1/8 ulp of the
// other (which rounds away in IEEE too), and three guard bits round an add or multiply correctly; an add
// that cancels exactly gives +0 in both. Those datums take the host's float arithmetic in a loop the
// compiler vectorises, as do zero and denormal operands (which SFPMAD reads as zero: sfpu_math.cpp
// AddKnown, MulKnown); the others take sfpu_mad.
// No result is a denormal: the rule flushes them (ttsim's fma_model_wh), and the IEEE path only takes
// results with an exponent field >= 2 or an exact +0.
void sfpu_add_n(const float* a, const float* b, float* out, uint32_t n);
void sfpu_mul_n(const float* a, const float* b, float* out, uint32_t n);

// out[i] = sfpu_mad(a[i], b[i], c[i]) for i < n: a vector of datums at a time along mad_bits' common path
// (all operands normal, the result normal or an exact zero), the rest through sfpu_mad.
void sfpu_mad_n(const float* a, const float* b, const float* c, float* out, uint32_t n);

// out[i] = sfpu_sqrt_body(x[i], false, reciprocal, fast) for i < n (the precise algorithm): its multiplies
// and adds through sfpu_mul_n / sfpu_add_n, its three fused steps through sfpu_mad_n.
void sfpu_sqrt_body_n(const float* x, float* out, uint32_t n, bool reciprocal, bool fast);

// v[i] = sfpu_store(v[i], fp32_dest) for i < n.
void sfpu_store_n(float* v, uint32_t n, bool fp32_dest);

// column[r] = sfpu_bcast_col_value(columns 0..7 of row r of the DST tile `tile`), r < 32. With columns
// 1..7 finite, their lanes are +0 after the mask multiply and stay +0 through the rotate-and-add, so the
// value is the same chain of SFPMADs on column 0 alone (x 1.0, + 0.0 three times: exact, so a normal
// value comes back unchanged); a row with Inf or NaN there takes the full rule.
void sfpu_bcast_col_column(const float* tile, float* column);

}  // namespace emu
