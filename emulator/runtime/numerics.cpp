// The FPU's number rules (see numerics.h for the pinned sources). Each function is the single
// definition of its rule; comments name the source and, where sources disagree, each variant's reading.
#include "numerics.h"

#include <algorithm>
#include <cstring>

namespace emu {

namespace {

Numerics g_numerics = Numerics::Pessimistic;

uint32_t bits_of(float f) { return __builtin_bit_cast(uint32_t, f); }

// The empty asm keeps g++ from folding a masked bit_cast back into the unmasked value (see compute.cpp).
float float_of(uint32_t u) {
    __asm__("" : "+r"(u));
    return __builtin_bit_cast(float, u);
}

bool accumulates_like_ttsim() { return g_numerics == Numerics::Ttsim || g_numerics == Numerics::Pessimistic; }

// ISA ELWMUL.md "Functional model", SrcAFidelityBits: even phases take sign, exponent, the implicit one and
// the next four mantissa bits (mask 0xfff80000); odd phases the next five (x minus x & 0xfff83fff). The last
// TF32 mantissa bit (bit 13) is consumed by no phase (MVMUL.md footnote †; ttsim mvmul: (man >> 1) & 31).
// `exact` keeps the whole remainder (today's behaviour before the variants).
float srca_fidelity_bits(float x, uint32_t phase) {
    const float hi = float_of(bits_of(x) & 0xFFF80000u);
    if ((phase & 1) == 0) {
        return hi;
    }
    if (g_numerics == Numerics::Exact) {
        return x - hi;
    }
    return x - float_of(bits_of(x) & 0xFFF83FFFu);
}

// ISA ELWMUL.md SrcBFidelityBits: phases without bit 1 take sign, exponent, implicit one and six mantissa
// bits (mask 0xfffe0000); the others the next four (x minus x & 0xfffe1fff). ttsim mvmul agrees
// (man >> 4, (man & 15) << 3).
float srcb_fidelity_bits(float x, uint32_t phase) {
    const float hi = float_of(bits_of(x) & 0xFFFE0000u);
    if ((phase & 2) == 0) {
        return hi;
    }
    if (g_numerics == Numerics::Exact) {
        return x - hi;
    }
    return x - float_of(bits_of(x) & 0xFFFE1FFFu);
}

// A signed term of ttsim's accumulator: magnitude `man` with its leading one at bit 23 meaning
// 2^(exp - 127).
struct Term {
    uint32_t sign = 0;
    int32_t exp = 0;
    uint32_t man = 0;
};

// ttsim mvmul, "Align all products to max exp for their group of 8": each 5x7-bit product keeps its
// 12-bit mantissa, is shifted to the group's largest product exponent with round-half-up on the
// magnitude, and the signed sum becomes one term (man << 13).
Term ttsim_group_sum(const float* a, const float* b, uint32_t n, uint32_t phase) {
    int32_t exps[8];
    int32_t mans[8];
    uint32_t signs[8];
    // fpu_exp_prod_adj: 8-bit exponent formats rebias by -127, and each lo part is 5 (A) or 7 (B) bits down.
    const int32_t adj = -127 - ((phase & 1) ? 5 : 0) - ((phase & 2) ? 7 : 0);
    for (uint32_t k = 0; k < 8; ++k) {
        const uint32_t ua = k < n ? bits_of(a[k]) : 0, ub = k < n ? bits_of(b[k]) : 0;
        const int32_t ea = (ua >> 23) & 255, eb = (ub >> 23) & 255;
        if (ea == 0 || eb == 0) {  // zero or denormal source datum: flushed (ttsim: (x & 0x3FFFF) < 0x400)
            exps[k] = std::max(adj, 0);
            mans[k] = 0;
            signs[k] = 0;
            continue;
        }
        uint32_t ma = ((ua >> 13) & 0x3FF) | 0x400, mb = ((ub >> 13) & 0x3FF) | 0x400;  // 11-bit mantissas
        ma = (phase & 1) ? (ma >> 1) & 31 : ma >> 6;
        mb = (phase & 2) ? (mb & 15) << 3 : mb >> 4;
        exps[k] = ea + eb + adj;
        mans[k] = static_cast<int32_t>(ma * mb);
        signs[k] = (ua ^ ub) >> 31;
    }
    Term t;
    const int32_t top = *std::max_element(exps, exps + 8);
    if (top <= 0) {
        return t;
    }
    int32_t sum = 0;
    for (uint32_t k = 0; k < 8; ++k) {
        const uint32_t diff = std::min<uint32_t>(static_cast<uint32_t>(top - exps[k]), 30u);
        const int32_t m = ((mans[k] << 1) + (1 << diff)) >> (diff + 1);
        sum += signs[k] ? -m : m;
    }
    t.sign = sum < 0;
    t.man = static_cast<uint32_t>(sum < 0 ? -sum : sum) << 13;
    t.exp = top;
    return t;
}

// ttsim fpu_accum_normalize_encode: the two group terms and Dst are aligned to the largest exponent
// (round half up, group terms biased by their sign), added, renormalised with rounding, and encoded;
// results below the normal range become 0, overflow becomes Inf. A 16-bit (bf16) Dst rounds away the
// low 16 mantissa bits of every term first. Wormhole (TT_ARCH_VERSION 0) renormalises -1 wrongly.
uint32_t ttsim_accumulate(Term s0, Term s1, uint32_t dst, bool fp32_acc) {
    Term d{dst >> 31, static_cast<int32_t>((dst >> 23) & 255), (dst & 0x7FFFFFu) | 0x800000u};
    if (d.exp == 0) {
        d.man = 0;
    }
    int32_t exp = std::max(std::max(s0.exp, s1.exp), d.exp);
    if (exp <= 0) {
        return 0;
    }
    auto align = [exp](Term& t, bool biased) {
        if (t.exp >= exp) {
            return;
        }
        const uint32_t diff = static_cast<uint32_t>(exp - t.exp);
        t.man = diff < 31 ? (t.man + (1u << (diff - 1)) - (biased ? t.sign : 0u)) >> diff : 0u;
    };
    align(s0, true);
    align(s1, true);
    align(d, false);
    if (!fp32_acc) {
        s0.man = (s0.man + (1u << 12) - s0.sign) & ~0x1FFFu;
        s1.man = (s1.man + (1u << 12) - s1.sign) & ~0x1FFFu;
        d.man = (d.man + (1u << 12)) & ~0x1FFFu;
    }
    uint32_t sign = d.sign;
    int32_t man = static_cast<int32_t>(d.man);
    man += s0.sign == sign ? static_cast<int32_t>(s0.man) : -static_cast<int32_t>(s0.man);
    man += s1.sign == sign ? static_cast<int32_t>(s1.man) : -static_cast<int32_t>(s1.man);
    if (man < 0) {
        man = -man;
        sign ^= 1;
    }
    if (man == 0) {
        return 0;
    }
    int32_t shift = __builtin_clz(static_cast<uint32_t>(man)) - 8;
    if (sign && man == 1) {
        shift -= 27;
    }
    exp -= shift;
    if (!fp32_acc) {
        shift -= 16;
    }
    if (shift < 0) {
        man = (man + (1 << (-shift - 1))) >> -shift;
    } else {
        man <<= shift;
    }
    if (!fp32_acc) {
        man <<= 16;
    }
    if (man & 0x1000000) {
        ++exp;
    }
    if (exp <= 0) {
        return 0;
    }
    if (exp >= 255) {
        return (sign << 31) | (255u << 23);
    }
    return (sign << 31) | (uint32_t(exp) << 23) | (uint32_t(man) & 0x7FFFFFu);
}

// ISA MVMUL.md "Functional model": the lane products summed in fp32 in lane order, then added to Dst in
// fp32, or rounded to bf16 for a 16-bit Dst (RoundToBF16: nearest even, ELWMUL.md).
float isa_dot_accumulate(const float* a, const float* b, uint32_t n, float dst, uint32_t phase, bool fp32_dest) {
    float x = 0.0f;
    for (uint32_t k = 0; k < n; ++k) {
        x += srca_fidelity_bits(a[k], phase) * srcb_fidelity_bits(b[k], phase);
    }
    x += dst;
    if (fp32_dest) {
        return x;
    }
    const uint32_t u = bits_of(x);
    return float_of((u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u);
}

}  // namespace

// fp32 Dst: to fp32 unchanged; to bf16, NaN becomes Inf of its sign, the low 16 bits round half up on the
// magnitude ((u + 0x8000) >> 16; tt-metal issue #17018 reports the same), and a result below the normal
// range, or a zero of either sign, becomes +0. A 16-bit Dst holds bf16: NaN to Inf, denormals and -0 to +0,
// for bf16 and fp32 outputs alike.
uint32_t pack_datum(float v, bool fp32_dest, bool out_fp32) {
    uint32_t u = bits_of(v);
    if (fp32_dest && out_fp32) {
        return u;
    }
    uint32_t h;
    if (fp32_dest) {
        if ((u & 0x7FFFFFFFu) > 0x7F800000u) {
            u = (u & 0x80000000u) | 0x7F800000u;
        }
        h = (u + 0x8000u) >> 16;
        if ((h & 0x7FFFu) < 0x80u) {
            h = 0;
        }
    } else {
        h = u >> 16;
        if ((h & 0x7FFFu) > 0x7F80u) {
            h = (h & 0x8000u) | 0x7F80u;
        } else if ((h & 0x7FFFu) < 0x80u) {
            h = 0;
        }
    }
    return out_fp32 ? h << 16 : h;
}

void set_numerics(uint32_t code) {
    g_numerics = code <= static_cast<uint32_t>(Numerics::Exact) ? static_cast<Numerics>(code) : Numerics::Pessimistic;
}

Numerics numerics() { return g_numerics; }

// Unpacker: Float32 data into a TF32 register drops the low 13 mantissa bits, into a bf16 register the
// low 16 (truncation; ttsim tensix_matmul_op reads `value &= 0xFFFF0000` for non-TF32 formats).
float src_value(float v, SrcFormat f) { return float_of(bits_of(v) & (f == SrcFormat::Tf32 ? 0xFFFFE000u : 0xFFFF0000u)); }

uint32_t unpack_fp32_datum(uint32_t bits, bool to_dest, SrcFormat f) {
    if (to_dest) {
        return bits;
    }
    if (f == SrcFormat::Tf32) {
        return bits & 0xFFFFE000u;
    }
    if ((bits & 0x7FFFFFFFu) < 0x800000u) {
        bits &= 0x80000000u;
    }
    return bits & 0xFFFF0000u;
}

// Disputed. ISA MVMUL.md / ELWMUL.md: the SrcA format sets one "style" for both operands (ReadBF16(SrcBVal)
// when SrcA is BF16), so TF32 data in SrcB beside a bf16 SrcA loses 3 mantissa bits. ttsim
// tensix_matmul_op: SrcB decoded by its own ALU_FORMAT_SPEC_REG1_SrcB. pessimistic: the narrower.
SrcFormat srcb_decode_format(SrcFormat a, SrcFormat b) {
    switch (g_numerics) {
        case Numerics::Isa: return a;
        case Numerics::Ttsim:
        case Numerics::Exact: return b;
        case Numerics::Pessimistic: return (a == SrcFormat::Bf16 || b == SrcFormat::Bf16) ? SrcFormat::Bf16 : SrcFormat::Tf32;
    }
    return b;
}

uint32_t fidelity_phases(uint32_t math_fidelity) { return math_fidelity == 0 ? 1u : math_fidelity; }

// Disputed. ttsim mvmul + fpu_accum_normalize_encode (MVMUL/GAPOOL: "not yet bit-accurate" by ttsim's own
// README) vs the ISA's fp32 sum ("a rough guide ... precision could be lower"). pessimistic takes ttsim's,
// which loses more (a window of about 12 bits under each group's largest product).
float fpu_dot_accumulate(const float* a, const float* b, uint32_t n, float dst, uint32_t phase, bool fp32_dest) {
    if (!accumulates_like_ttsim()) {
        return isa_dot_accumulate(a, b, n, dst, phase, fp32_dest);
    }
    const Term g0 = ttsim_group_sum(a, b, std::min(n, 8u), phase);
    const Term g1 = n > 8 ? ttsim_group_sum(a + 8, b + 8, n - 8, phase) : Term{};
    const uint32_t d = fp32_dest ? bits_of(dst) : bits_of(dst) & 0xFFFF0000u;
    return float_of(ttsim_accumulate(g0, g1, d, fp32_dest));
}

// Disputed. ISA ELWADD.md: an fp32 addition of the two register values. ttsim elwadd: the smaller magnitude's
// 11-bit mantissa is shifted to the larger's exponent with round half up (all bits lost from 12 places
// down), the 12-bit sum then normalised exactly into an empty Dst. pessimistic: ttsim's, which loses more.
float elw_add(float a, float b) {
    if (!accumulates_like_ttsim()) {
        return a + b;
    }
    uint32_t ua = bits_of(a), ub = bits_of(b);
    if (((ua >> 23) & 255) == 0) {
        ua = 0;
    }
    if (((ub >> 23) & 255) == 0) {
        ub = 0;
    }
    if ((ua & 0x7FFFFFFFu) < (ub & 0x7FFFFFFFu)) {
        std::swap(ua, ub);
    }
    const int32_t ea = (ua >> 23) & 255, eb = (ub >> 23) & 255;
    const uint32_t ma = ea ? ((ua >> 13) & 0x3FF) | 0x400 : 0;
    uint32_t mb = eb ? ((ub >> 13) & 0x3FF) | 0x400 : 0;
    const uint32_t diff = static_cast<uint32_t>(ea - eb);
    if (diff > 0) {
        mb = diff < 12 ? (mb + (1u << (diff - 1))) >> diff : 0;
    }
    Term t;
    t.sign = ua >> 31;
    t.exp = ea;
    t.man = (((ua ^ ub) >> 31) ? ma - mb : ma + mb) << 13;
    return float_of(ttsim_accumulate(t, Term{}, 0, true));
}

// ISA ELWMUL.md: each phase's partial product added into Dst in fp32. `exact` keeps today's double product
// (HiFi4 = the full product of the register values).
float fidelity_product(float a, float b, uint32_t math_fidelity) {
    if (g_numerics == Numerics::Exact && math_fidelity >= 4) {
        return static_cast<float>(double(a) * double(b));
    }
    if (g_numerics == Numerics::Exact) {
        double p = 0;
        for (uint32_t phase = 0; phase < fidelity_phases(math_fidelity); ++phase) {
            p += double(srca_fidelity_bits(a, phase)) * srcb_fidelity_bits(b, phase);
        }
        return static_cast<float>(p);
    }
    float p = 0.0f;
    for (uint32_t phase = 0; phase < fidelity_phases(math_fidelity); ++phase) {
        p += srca_fidelity_bits(a, phase) * srcb_fidelity_bits(b, phase);
    }
    return p;
}

void unpack_tile_datums(const uint8_t* page, bool fp32_format, bool to_dest, SrcFormat reg, float* out) {
    constexpr uint32_t n = 1024;
    if (!fp32_format) {
        for (uint32_t i = 0; i < n; ++i) {
            uint16_t h;
            std::memcpy(&h, page + 2 * i, 2);
            out[i] = __builtin_bit_cast(float, uint32_t(h) << 16);
        }
        return;
    }
    // One loop per mode, so each vectorises (unpack_fp32_datum with the mode fixed).
    const auto each = [&](auto mode) {
        for (uint32_t i = 0; i < n; ++i) {
            uint32_t u;
            std::memcpy(&u, page + 4 * i, 4);
            out[i] = __builtin_bit_cast(float, unpack_fp32_datum(u, mode.to_dest, mode.reg));
        }
    };
    struct ToDest { bool to_dest = true; SrcFormat reg = SrcFormat::Tf32; };
    struct Tf32 { bool to_dest = false; SrcFormat reg = SrcFormat::Tf32; };
    struct Bf16 { bool to_dest = false; SrcFormat reg = SrcFormat::Bf16; };
    if (to_dest) {
        each(ToDest{});
    } else if (reg == SrcFormat::Tf32) {
        each(Tf32{});
    } else {
        each(Bf16{});
    }
}

void pack_tile_datums(const float* values, bool fp32_dest, bool out_fp32, uint8_t* page) {
    constexpr uint32_t n = 1024;
    if (out_fp32) {
        for (uint32_t i = 0; i < n; ++i) {
            const uint32_t u = pack_datum(values[i], fp32_dest, true);
            std::memcpy(page + 4 * i, &u, 4);
        }
        return;
    }
    for (uint32_t i = 0; i < n; ++i) {
        const uint16_t h = static_cast<uint16_t>(pack_datum(values[i], fp32_dest, false));
        std::memcpy(page + 2 * i, &h, 2);
    }
}

}  // namespace emu
