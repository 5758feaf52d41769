// The numerics model: one small function per hardware number rule, each citing its source, so the
// compute model (compute.cpp) composes them and a later vectorised fast path can be property-tested
// against them. Where the sources disagree, the selected variant (EMULATOR_NUMERICS) picks the reading.
//
// Sources, pinned:
//   ttsim   tenstorrent/ttsim src/tensix.cpp @ 56694c8a4673544079b097ede41b1d2728886a08
//   ISA     tenstorrent/tt-isa-documentation WormholeB0/TensixTile/TensixCoprocessor/*.md
//           @ 393047195250f9262a648d75092b03160cb7ac2e
//   LLK     ttnn 0.81.1 wheel, ttnn/tt_metal/tt-llk/tt_llk_wormhole_b0/ and
//           ttnn/tt_metal/hw/ckernels/wormhole_b0/metal/llk_api/llk_sfpu/
#pragma once

#include <cstdint>

#include "emu/compute.h"

namespace emu {

// The SrcA / SrcB register formats our data formats unpack into (19-bit registers: sign, 8-bit
// exponent, 10-bit mantissa). ISA SrcASrcB.md "Data types"; LLK llk_unpack_common.h picks TF32 for
// Float32 data when fp32 dest accumulation is on, else the 16-bit format.
enum class SrcFormat : uint8_t { Bf16, Tf32 };

Numerics numerics();

// Keep the mantissa bits a source register of this format holds (truncation: ttsim unpack path).
float src_value(float v, SrcFormat f);

// The unpacker's conversion of one fp32 datum from L1 (ttsim TENSIX_EXECUTE_UNPACR, in format fp32):
// to Dst exactly; to a TF32 register by dropping 13 mantissa bits; to a bf16 register by flushing
// denormals to a zero of their sign and dropping 16 mantissa bits. No rounding anywhere.
uint32_t unpack_fp32_datum(uint32_t bits, bool to_dest, SrcFormat f);

// The format SrcB is decoded in when SrcA holds `a` and SrcB holds `b`.
SrcFormat srcb_decode_format(SrcFormat a, SrcFormat b);

// Number of fidelity phases a math fidelity runs (LoFi 1 ... HiFi4 4). LLK llk_math_reduce.h
// reduce_configure_mop: inner_loops = to_underlying(math_fidelity), LoFi = 0 -> 1 pass.
uint32_t fidelity_phases(uint32_t math_fidelity);

// One FPU instruction's contribution to one Dst datum: Dst += sum over `n` (<= 16) lanes of
// SrcA_fidelity_bits(a[k], phase) * SrcB_fidelity_bits(b[k], phase), rounded as the variant says.
// `a` and `b` hold register values (already through src_value / srcb_decode_format).
float fpu_dot_accumulate(const float* a, const float* b, uint32_t n, float dst, uint32_t phase, bool fp32_dest);

// ELWADD of two register values into a zeroed Dst (ELWSUB: pass -b).
float elw_add(float a, float b);

// The whole multi-phase product of a and b as the fidelity split computes it (for ELWMUL-style use).
float fidelity_product(float a, float b, uint32_t math_fidelity);

// The packer's Dst -> L1 conversion of one datum (ttsim TENSIX_EXECUTE_PACR, "believed bit-accurate"):
// returns the fp32 bits, or the bf16 bits in the low half when `out_fp32` is false.
uint32_t pack_datum(float v, bool fp32_dest, bool out_fp32);

// --- whole-tile forms -----------------------------------------------------------------------------
// Each applies its per-datum rule above to the 1024 datums of a tile in one loop the compiler can
// vectorise (the rule inlined, its branches loop-invariant); tests/emulator/test_fast_paths.py compares
// them with the rule datum by datum.

// The unpacker on one tile of L1 datums: bf16 exact, Float32 through unpack_fp32_datum.
void unpack_tile_datums(const uint8_t* page, bool fp32_format, bool to_dest, SrcFormat reg, float* out);

// The packer on one tile: pack_datum per datum, into bf16 (out_fp32 false) or fp32 L1 datums.
void pack_tile_datums(const float* values, bool fp32_dest, bool out_fp32, uint8_t* page);

}  // namespace emu
