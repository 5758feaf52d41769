// SFPU arithmetic (see sfpu_math.h). Written from ttsim's models and the LLK sources named per function.
#include "sfpu_math.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__AVX512CD__)
#include <immintrin.h>
#endif

#include "tile.h"

namespace emu {

namespace {

uint32_t bits_of(float f) { return __builtin_bit_cast(uint32_t, f); }

// The empty asm keeps g++ from folding masked bit patterns (see compute.cpp float_of).
float float_of(uint32_t u) {
    __asm__("" : "+r"(u));
    return __builtin_bit_cast(float, u);
}

// Shift right keeping a sticky bit only when something non-zero survives (ttsim semi_sticky_shift).
template <typename T>
T shift_semi_sticky(T v, int32_t s) {
    if (s >= static_cast<int32_t>(sizeof(T) * 8)) {
        return 0;
    }
    const T orig = v;
    v >>= s;
    if (v) {
        v |= static_cast<T>((v << s) != orig);
    }
    return v;
}

struct Operand {
    int32_t e;   // biased exponent
    uint32_t m;  // 24-bit significand with its implicit one; 0 for zero and flushed denormals
};

Operand unpack(uint32_t v) {
    const int32_t e = (v >> 23) & 255;
    return {e, e ? ((v & 0x7FFFFFu) | 0x800000u) : 0u};
}

// ttsim src/fma.cpp fma_model_wh: the product is cut to 24 + 3 guard bits (sticky), aligned with z under
// semi-sticky shifts, summed in 32 bits, normalised, rounded to nearest even; denormal inputs are zero and
// denormal results flush to +0; NaN results carry mantissa bits of the sum.
uint32_t mad_bits(uint32_t x, uint32_t y, uint32_t z) {
    const Operand a = unpack(x), b = unpack(y), c = unpack(z);
    const uint32_t z_sign = z & 0x80000000u, p_sign = (x ^ y) & 0x80000000u;
    uint64_t p_m = (uint64_t(a.m) * b.m) << 3;
    uint32_t z_m = c.m << 3;
    p_m = (p_m >> 23) | ((p_m & 0x7FFFFFu) != 0);
    int32_t p_e = a.e + b.e - 127;
    uint32_t nan_result = 0;
    if (a.e == 255 || b.e == 255 || p_e >= 255 || c.e == 255) {
        const bool inf_times_zero_or_nan = (a.e == 255 && (a.m != 0x800000u || b.m == 0)) ||
                                           (b.e == 255 && (b.m != 0x800000u || a.m == 0));
        const bool p_inf = a.e == 255 || b.e == 255 || p_e >= 255;
        if (inf_times_zero_or_nan || (c.e == 255 && z_m == 0x4000000u && p_inf && z_sign != p_sign)) {
            nan_result = p_sign | 0x7F800001u;
        } else if (c.e == 255 && z_m != 0x4000000u) {
            nan_result = z_sign | 0x7F800001u;
        } else if (c.e == 255) {
            return z;
        } else {
            return p_sign | 0x7F800000u;
        }
        if (p_e > 255) {
            p_e = 255;
        }
    }
    if (p_m == 0 || p_e < 0) {
        if (!nan_result) {
            return z_m ? z : 0u;
        }
        p_m = 0;
        p_e = 0;
    }
    int32_t r_e = p_e > c.e ? p_e : c.e;
    if (p_e < r_e) {
        p_m = shift_semi_sticky<uint64_t>(p_m, r_e - p_e);
    }
    if (c.e < r_e) {
        z_m = shift_semi_sticky<uint32_t>(z_m, r_e - c.e);
    }
    const uint32_t r_sign = p_m >= z_m ? p_sign : z_sign;
    if (z_sign != r_sign) {
        z_m = ~z_m;
    }
    if (p_sign != r_sign) {
        p_m = ~p_m;
    }
    uint32_t r_m = z_m + static_cast<uint32_t>(p_m) + (p_sign != z_sign ? 1u : 0u);
    if (r_m == 0) {
        return nan_result;
    }
    const int32_t n = 5 - __builtin_clz(r_m);
    r_e += n;
    if (r_e >= 255) {
        return nan_result ? nan_result : (r_sign | 0x7F800000u);
    }
    if (r_e < 0) {
        return nan_result;
    }
    r_m = n <= 0 ? r_m << -n : (r_m >> n) | (r_m & 1u);
    uint32_t r = (uint32_t(r_e) << 23) + ((r_m >> 3) & 0x7FFFFFu);
    r += ((r_m & 7u) + (r & 1u)) > 4 ? 1u : 0u;
    if (!(r >> 23)) {
        return nan_result;
    }
    return (nan_result ? nan_result : r_sign) | r;
}

// --- mad_bits on a vector of lanes at once -------------------------------------------------------------
// The path mad_bits takes when all three operands are normal, the product's exponent (before alignment)
// is 0..254 and the result is normal or an exact zero, written step for step with its branches as
// selects, so one pass computes a vector of datums (GCC/Clang vector extensions, as wide as the host's
// vector registers). A lane off that path is flagged and takes mad_bits itself (sfpu_mad_n);
// tests/emulator/test_fast_paths.py compares the two bit for bit. The 48-bit product is formed from 12-bit
// halves, so every lane stays in 32 bits.
#if defined(__AVX512F__)
constexpr uint32_t kLaneBytes = 64;
#elif defined(__AVX__)
constexpr uint32_t kLaneBytes = 32;
#else
constexpr uint32_t kLaneBytes = 16;
#endif
typedef uint32_t Lanes __attribute__((vector_size(kLaneBytes)));
typedef int32_t SignedLanes __attribute__((vector_size(kLaneBytes)));
constexpr uint32_t kLanes = kLaneBytes / 4;

// A comparison's result (-1 or 0 in each lane) as 1 or 0.
Lanes ones(SignedLanes mask) { return Lanes(mask) & 1u; }

// Leading zeros of each lane of v | 1 (never 32): AVX-512 CD's count, else a branch-free binary search.
Lanes leading_zeros(Lanes v) {
    v |= 1u;
#if defined(__AVX512CD__) && defined(__AVX512F__)
    return Lanes(_mm512_lzcnt_epi32(__m512i(v)));
#else
    Lanes n = Lanes{};
    for (uint32_t step = 16; step > 0; step >>= 1) {
        const Lanes high_clear = Lanes(v < (1u << (32 - step)));
        n += high_clear & step;
        v = (v & ~high_clear) | ((v << step) & high_clear);
    }
    return n;
#endif
}

// Shift right keeping a sticky bit when something non-zero survives (shift_semi_sticky), shifts of 0..31
// (a 28-bit value shifted 31 leaves nothing, as any longer shift does).
Lanes semi_sticky_lanes(Lanes v, Lanes s) {
    const Lanes capped = s - ((s - 31u) & Lanes(s > 31u));
    const Lanes shifted = v >> capped;
    return shifted | (ones(SignedLanes(shifted != 0)) & ones(SignedLanes((shifted << capped) != v)));
}

// mad_bits(x, y, z) per lane where `common` is 1; lanes where it is 0 must take mad_bits.
Lanes mad_common_lanes(Lanes x, Lanes y, Lanes z, Lanes& common) {
    const Lanes xe = (x << 1) >> 24, ye = (y << 1) >> 24, ze = (z << 1) >> 24;
    const Lanes xm = (x & 0x7FFFFFu) | 0x800000u, ym = (y & 0x7FFFFFu) | 0x800000u, zm = (z & 0x7FFFFFu) | 0x800000u;
    const Lanes z_sign = z & 0x80000000u, p_sign = (x ^ y) & 0x80000000u;
    // The product cut to its top 28 of 48 bits with a sticky bit for the 20 below (mad_bits' p_m).
    const Lanes xh = xm >> 12, xl = xm & 0xFFFu, yh = ym >> 12, yl = ym & 0xFFFu;
    const Lanes mid = xh * yl + xl * yh;
    const Lanes low = xl * yl + ((mid & 0xFFu) << 12);
    const Lanes p_m = (((xh * yh) << 4) + (mid >> 8) + (low >> 20)) | ones(SignedLanes((low & 0xFFFFFu) != 0));
    // Exponents plus 127, so none is negative: the product's xe + ye, the addend's ze + 127.
    const Lanes pe = xe + ye, ce = ze + 127u;
    const Lanes product_larger = Lanes(pe > ce);
    const Lanes top = (pe & product_larger) | (ce & ~product_larger);
    const Lanes ps = semi_sticky_lanes(p_m, top - pe), zs = semi_sticky_lanes(zm << 3, top - ce);
    const Lanes product_wins = Lanes(ps >= zs);
    const Lanes r_sign = (p_sign & product_wins) | (z_sign & ~product_wins);
    const Lanes r_m = (zs ^ Lanes(z_sign != r_sign)) + (ps ^ Lanes(p_sign != r_sign)) +
                      ones(SignedLanes(p_sign != z_sign));
    const Lanes zeros = leading_zeros(r_m);
    const Lanes r_e = top + 5u - zeros - 127u;  // wraps high when below 0
    const Lanes grow = Lanes(zeros < 5u);
    const Lanes left = (zeros - 5u) & Lanes(zeros > 5u), right = (5u - zeros) & grow;
    const Lanes normed = ((r_m << left) >> right) | (r_m & 1u & grow);
    Lanes r = (r_e << 23) + ((normed >> 3) & 0x7FFFFFu);
    r += ((normed & 7u) + (r & 1u) + 3u) >> 3;  // 1 when the guard bits plus the even bit exceed 4
    const Lanes inside = ones(SignedLanes(xe - 1u < 254u)) & ones(SignedLanes(ye - 1u < 254u)) &
                         ones(SignedLanes(ze - 1u < 254u)) & ones(SignedLanes(pe - 127u < 255u));
    const Lanes normal_result = ones(SignedLanes(r_e < 255u)) & ones(SignedLanes((r >> 23) != 0));
    const Lanes cancelled = Lanes(r_m == 0);
    common = inside & (normal_result | (cancelled & 1u));
    return (r_sign | r) & ~cancelled;
}

// SFPDIVP2 by -1 (sfpi::addexp(y, -1)): the exponent field minus one.
float halve_exponent(float y) { return float_of(bits_of(y) - (1u << 23)); }

float negate(float y) { return float_of(bits_of(y) ^ 0x80000000u); }

constexpr uint32_t kInfBits = 0x7F800000u;

bool magnitude_is_zero(float x) { return (bits_of(x) << 1) == 0; }

}  // namespace

float sfpu_mad(float a, float b, float c) { return float_of(mad_bits(bits_of(a), bits_of(b), bits_of(c))); }

float sfpu_store(float v, bool fp32_dest) {
    uint32_t u = bits_of(v);
    if ((u & 0x7FFFFFFFu) < 0x800000u) {
        u &= 0x80000000u;
    }
    return float_of(fp32_dest ? u : u & 0xFFFF0000u);
}

// sqrt_init's constants (0.81.1 ckernel_sfpu_sqrt.h): the 23-bit algorithm uses 0x5f1110a0, 2.2825186,
// 2.2533049; the 10-bit (APPROX) one 0x5f0b3892, 1.89099014875. Each `a * b + c` in one sfpi
// expression is taken as one SFPMAD (sfpi's compiler fuses them; no source gives its output here).
float sfpu_sqrt_body(float x, bool approx, bool reciprocal, bool fast) {
    const uint32_t xb = bits_of(x);
    float y = float_of((approx ? 0x5F0B3892u : 0x5F1110A0u) - (xb >> 1));
    const bool finite_nonzero = (kInfBits - xb) != 0 && !magnitude_is_zero(x);
    if (approx) {
        const float c = sfpu_mul(x, y);
        const float t = sfpu_mad(negate(y), c, 1.89099014875f);
        if (reciprocal) {
            y = finite_nonzero ? sfpu_mul(y, t) : float_of(kInfBits - xb);
        } else {
            y = xb != kInfBits ? sfpu_mul(c, t) : c;
        }
    } else {
        float xy = sfpu_mul(x, y);
        const float c = sfpu_mul(negate(y), xy);
        y = sfpu_mul(y, sfpu_mad(c, sfpu_add(2.2533049f, c), 2.2825186f));
        xy = sfpu_mul(x, y);
        const float one_minus_xyy = sfpu_mad(negate(y), xy, 1.0f);
        if (reciprocal) {
            y = finite_nonzero ? sfpu_mad(one_minus_xyy, halve_exponent(y), y) : float_of(kInfBits - xb);
        } else if (static_cast<int32_t>(xb) < static_cast<int32_t>(kInfBits)) {
            y = sfpu_mad(one_minus_xyy, sfpu_mul(0.5f, xy), xy);
        }
    }
    if (fast) {
        return y;
    }
    if (reciprocal) {
        return finite_nonzero && (xb >> 31) ? float_of(0x7FC00000u) : y;
    }
    if (magnitude_is_zero(x)) {
        return x;
    }
    return (xb >> 31) ? float_of(0x7FC00000u) : y;
}

// SFP_STOCH_RND FP32_TO_FP16B with round-to-nearest (ttsim TENSIX_EXECUTE_SFP_STOCH_RND): half up on the
// magnitude; zero and denormals to +0; Inf and NaN to Inf of their sign. The result stays in fp32 layout.
float sfpu_round_bf16(float v) {
    uint32_t u = bits_of(v);
    const uint32_t e = (u >> 23) & 255;
    if (e == 0) {
        return 0.0f;
    }
    if (e == 255) {
        return float_of(u & 0xFF800000u);
    }
    const uint32_t low = u & 0xFFFFu;
    u -= low;
    return float_of(low >= 0x8000u ? u + 0x10000u : u);
}

// recip_init's constants: the bf16-rounding set (Wormhole, precise, 16-bit DST) or the default minimax set.
float sfpu_recip(float x, bool approx, bool fp32_dest) {
    const bool bf16 = !approx && !fp32_dest;
    const float k0 = bf16 ? 0.32133400440216064453125f : 0.3232325017452239990234375f;
    const float k1 = bf16 ? 1.4514148235321044921875f : 1.4545459747314453125f;
    const float k2 = bf16 ? 2.1200883388519287109375f : 2.121212482452392578125f;
    const uint32_t xb = bits_of(x);
    const float negative_x = float_of(0xBF800000u | (xb & 0x7FFFFFu));           // copyman(-1.0f, x)
    float y = sfpu_mad(k0, negative_x, k1);
    y = sfpu_mad(y, negative_x, k2);
    const float scale = sfpu_mul(float_of(~xb & 0xFF800000u), 0.5f);             // setman(~x, 0) * 0.5
    float t = sfpu_mad(negative_x, y, 1.0f);
    y = sfpu_mad(y, t, y);
    if (fp32_dest && !approx) {
        t = sfpu_mad(negative_x, y, 1.0f);
        y = sfpu_mad(y, t, y);
    }
    if (bf16) {
        y = sfpu_round_bf16(y);
    }
    y = sfpu_mul(y, scale);
    return float_of((bits_of(y) & 0x7FFFFFFFu) | (xb & 0x80000000u));           // copysgn(y, x)
}

// ckernel_sfpu_binary_bcast.h BCAST_COL steps (2)-(3): each lane times its mask (1.0 / 0.0) by SFPMUL,
// then three rotate-and-add stages; an Inf or NaN in columns 1..7 makes 0 * Inf = NaN reach column 0.
float sfpu_bcast_col_value(const float* row) {
    float lanes[8];
    for (uint32_t c = 0; c < 8; ++c) {
        lanes[c] = sfpu_mul(row[c], c == 0 ? 1.0f : 0.0f);
    }
    for (uint32_t k = 1; k < 8; k <<= 1) {
        float rotated[8];
        for (uint32_t c = 0; c < 8; ++c) {
            rotated[c] = lanes[(c + 8 - k) % 8];
        }
        for (uint32_t c = 0; c < 8; ++c) {
            lanes[c] = sfpu_add(lanes[c], rotated[c]);
        }
    }
    return lanes[0];
}

namespace {

// Normal operand: biased exponent 1..254. Result inside the IEEE domain: biased exponent 2..254. Both are
// tested on the magnitude bits (the exponent is their top byte) as an excess over the lowest value inside,
// which is below a span exactly when the value is inside (unsigned: a value under the lowest wraps high).
// As excesses, a whole tile is tested by the largest excess of its datums (two_operand_n).
inline uint32_t exponent(uint32_t u) { return (u >> 23) & 255u; }
constexpr uint32_t kNormalSpan = 0x7F000000u, kResultSpan = 0x7E800000u;
inline uint32_t operand_excess(uint32_t u) { return (u & 0x7FFFFFFFu) - 0x00800000u; }
inline uint32_t result_excess(uint32_t u) { return (u & 0x7FFFFFFFu) - 0x01000000u; }
inline uint32_t normal(uint32_t u) { return operand_excess(u) < kNormalSpan; }

// SFPMAD's result where it is known without running the model, and whether it is (branch-free, so the
// loop over a tile vectorises). Besides the IEEE domain (sfpu_math.h): SFPMAD reads a zero or denormal
// operand as zero, so with no Inf or NaN operand
//   add: such an operand leaves the other, if normal, unchanged; two of them give +0; and an add of
//        normals that cancels exactly gives +0, as IEEE round-to-nearest does;
//   mul: such an operand gives +0.
struct AddKnown {
    static float host(float a, float b) { return a + b; }
    // The sum's excess over the IEEE domain's results, where an exact +0 counts as inside.
    static uint32_t excess(uint32_t ur) { return result_excess(ur) & -uint32_t(ur != 0); }
    // The IEEE domain alone (the common case, the cheapest test): both normal, the sum inside or +0.
    static uint32_t ieee(uint32_t ua, uint32_t ub, uint32_t ur) {
        return normal(ua) & normal(ub) & uint32_t(excess(ur) < kResultSpan);
    }
    static uint32_t result(uint32_t ua, uint32_t ub, uint32_t& known) {
        const uint32_t ur =
            __builtin_bit_cast(uint32_t, host(__builtin_bit_cast(float, ua), __builtin_bit_cast(float, ub)));
        const uint32_t za = exponent(ua) == 0, zb = exponent(ub) == 0, na = normal(ua), nb = normal(ub);
        const uint32_t ieee = AddKnown::ieee(ua, ub, ur);
        known = ieee | (za & (nb | zb)) | (zb & na);
        return ieee ? ur : za ? (zb ? 0u : ub) : ua;
    }
};

struct MulKnown {
    static float host(float a, float b) { return a * b; }
    static uint32_t excess(uint32_t ur) { return result_excess(ur); }
    static uint32_t ieee(uint32_t ua, uint32_t ub, uint32_t ur) {
        return normal(ua) & normal(ub) & uint32_t(excess(ur) < kResultSpan);
    }
    static uint32_t result(uint32_t ua, uint32_t ub, uint32_t& known) {
        const uint32_t ur =
            __builtin_bit_cast(uint32_t, host(__builtin_bit_cast(float, ua), __builtin_bit_cast(float, ub)));
        const uint32_t ieee = MulKnown::ieee(ua, ub, ur);
        const uint32_t zero = (uint32_t(exponent(ua) == 0) | uint32_t(exponent(ub) == 0)) &
                              uint32_t(exponent(ua) != 255) & uint32_t(exponent(ub) != 255);
        known = ieee | zero;
        return ieee ? ur : 0u;
    }
};

constexpr uint32_t kBlock = 1024;  // one tile (sfpu_sqrt_body_n's local blocks)

// Whether every datum of a[i] op b[i] (i < n) is in Known's IEEE domain: Known::ieee for all of them at
// once, as the largest operand and result excesses (a read-only pass the compiler vectorises into a few
// max operations per vector).
template <typename Known>
bool all_ieee(const float* a, const float* b, uint32_t n) {
    uint32_t operands = 0, results = 0;
    for (uint32_t i = 0; i < n; ++i) {
        const uint32_t ua = __builtin_bit_cast(uint32_t, a[i]), ub = __builtin_bit_cast(uint32_t, b[i]);
        operands = std::max(operands, std::max(operand_excess(ua), operand_excess(ub)));
        results = std::max(results, Known::excess(__builtin_bit_cast(uint32_t, Known::host(a[i], b[i]))));
    }
    return operands < kNormalSpan && results < kResultSpan;
}

// The shared shape of sfpu_add_n / sfpu_mul_n: when every datum is in the IEEE domain (all_ieee), the
// host's results, in place; else block by block, the known cases for every datum in one branch-free pass
// (Known::result, vectorised) into a local block, the rule itself only for the datums left, then the copy
// out. Each way reads a[i] and b[i] before it writes out[i], so `out` may be `a` or `b` (in place).
template <typename Known>
void two_operand_n(const float* a, const float* b, float* out, uint32_t n, float (*rule)(float, float)) {
    if (all_ieee<Known>(a, b, n)) {
        for (uint32_t i = 0; i < n; ++i) {
            out[i] = Known::host(a[i], b[i]);
        }
        return;
    }
    for (uint32_t begin = 0; begin < n; begin += kBlock) {
        const uint32_t len = n - begin < kBlock ? n - begin : kBlock;
        const float* x = a + begin;
        const float* y = b + begin;
        alignas(64) uint32_t r[kBlock], known[kBlock];
        uint32_t all_known = 1;
        for (uint32_t i = 0; i < len; ++i) {
            uint32_t k;
            r[i] = Known::result(__builtin_bit_cast(uint32_t, x[i]), __builtin_bit_cast(uint32_t, y[i]), k);
            known[i] = k;
            all_known &= k;
        }
        if (!all_known) {
            for (uint32_t i = 0; i < len; ++i) {
                if (!known[i]) {
                    r[i] = __builtin_bit_cast(uint32_t, rule(x[i], y[i]));
                }
            }
        }
        std::memcpy(out + begin, r, len * sizeof(float));
    }
}

}  // namespace

void sfpu_add_n(const float* a, const float* b, float* out, uint32_t n) {
    two_operand_n<AddKnown>(a, b, out, n, sfpu_add);
}

void sfpu_mul_n(const float* a, const float* b, float* out, uint32_t n) {
    two_operand_n<MulKnown>(a, b, out, n, sfpu_mul);
}

void sfpu_mad_n(const float* a, const float* b, const float* c, float* out, uint32_t n) {
    for (uint32_t begin = 0; begin < n; begin += kBlock) {
        const uint32_t len = n - begin < kBlock ? n - begin : kBlock;
        alignas(64) uint32_t r[kBlock], common[kBlock];
        Lanes every = Lanes{} + 1u;
        uint32_t i = 0;
        for (; i + kLanes <= len; i += kLanes) {
            Lanes x, y, z, known;
            std::memcpy(&x, a + begin + i, sizeof x);
            std::memcpy(&y, b + begin + i, sizeof y);
            std::memcpy(&z, c + begin + i, sizeof z);
            const Lanes v = mad_common_lanes(x, y, z, known);
            std::memcpy(r + i, &v, sizeof v);
            std::memcpy(common + i, &known, sizeof known);
            every &= known;
        }
        uint32_t all_common = i == len;
        for (uint32_t l = 0; l < kLanes; ++l) {
            all_common &= every[l];
        }
        for (uint32_t k = i; k < len; ++k) {
            common[k] = 0;  // a tail shorter than the lanes takes the rule
        }
        if (!all_common) {
            for (uint32_t k = 0; k < len; ++k) {
                if (!common[k]) {
                    r[k] = mad_bits(bits_of(a[begin + k]), bits_of(b[begin + k]), bits_of(c[begin + k]));
                }
            }
        }
        std::memcpy(out + begin, r, len * sizeof(float));
    }
}

void sfpu_sqrt_body_n(const float* x, float* out, uint32_t n, bool reciprocal, bool fast) {
    for (uint32_t begin = 0; begin < n; begin += kBlock) {
        const uint32_t len = n - begin < kBlock ? n - begin : kBlock;
        const float* xs = x + begin;
        alignas(64) float y[kBlock], neg_y[kBlock], xy[kBlock], c[kBlock], t[kBlock], k[kBlock], m[kBlock];
        alignas(64) float r[kBlock];
        for (uint32_t i = 0; i < len; ++i) {
            y[i] = __builtin_bit_cast(float, 0x5F1110A0u - (__builtin_bit_cast(uint32_t, xs[i]) >> 1));
            neg_y[i] = negate(y[i]);
        }
        sfpu_mul_n(xs, y, xy, len);                // xy = x * y
        sfpu_mul_n(neg_y, xy, c, len);             // c = -y * xy
        std::fill(k, k + len, 2.2533049f);
        sfpu_add_n(k, c, t, len);                  // 2.2533049 + c
        std::fill(k, k + len, 2.2825186f);
        sfpu_mad_n(c, t, k, t, len);               // t = c * (2.2533049 + c) + 2.2825186
        sfpu_mul_n(y, t, y, len);                  // y = y * t
        sfpu_mul_n(xs, y, xy, len);                // xy = x * y
        for (uint32_t i = 0; i < len; ++i) {
            neg_y[i] = negate(y[i]);
        }
        std::fill(k, k + len, 1.0f);
        sfpu_mad_n(neg_y, xy, k, t, len);          // t = 1 - y * xy
        if (reciprocal) {
            for (uint32_t i = 0; i < len; ++i) {
                c[i] = halve_exponent(y[i]);
            }
            sfpu_mad_n(t, c, y, m, len);           // m = t * (y / 2) + y
        } else {
            std::fill(k, k + len, 0.5f);
            sfpu_mul_n(k, xy, c, len);             // 0.5 * xy
            sfpu_mad_n(t, c, xy, m, len);          // m = t * (0.5 * xy) + xy
        }
        for (uint32_t i = 0; i < len; ++i) {
            const uint32_t xb = bits_of(xs[i]);
            const bool finite_nonzero = (kInfBits - xb) != 0 && !magnitude_is_zero(xs[i]);
            float v = y[i];
            if (reciprocal) {
                v = finite_nonzero ? m[i] : float_of(kInfBits - xb);
            } else if (static_cast<int32_t>(xb) < static_cast<int32_t>(kInfBits)) {
                v = m[i];
            }
            if (!fast) {
                if (reciprocal) {
                    v = finite_nonzero && (xb >> 31) ? float_of(0x7FC00000u) : v;
                } else if (magnitude_is_zero(xs[i])) {
                    v = xs[i];
                } else if (xb >> 31) {
                    v = float_of(0x7FC00000u);
                }
            }
            r[i] = v;
        }
        std::memcpy(out + begin, r, len * sizeof(float));
    }
}

void sfpu_store_n(float* v, uint32_t n, bool fp32_dest) {
    if (fp32_dest) {
        // Into an fp32 DST only denormals change: look first (a read-only pass), write only if there are any.
        uint32_t denormal = 0;
        for (uint32_t i = 0; i < n; ++i) {
            const uint32_t u = __builtin_bit_cast(uint32_t, v[i]);
            denormal |= uint32_t((u & 0x7FFFFFFFu) - 1u < 0x7FFFFFu);
        }
        if (!denormal) {
            return;
        }
    }
    const uint32_t keep = fp32_dest ? 0xFFFFFFFFu : 0xFFFF0000u;
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t u = __builtin_bit_cast(uint32_t, v[i]);
        u = (u & 0x7FFFFFFFu) < 0x800000u ? u & 0x80000000u : u;
        v[i] = __builtin_bit_cast(float, u & keep);
    }
}

namespace {

// Whether the LLK's chain returns every row's column 0 unchanged: column 0 normal and columns 1..7 with no
// Inf or NaN on every row. Branch-free over the 8 contiguous columns of a face row, so it vectorises.
bool plain_bcast_col(const float* tile) {
    uint32_t bad[8] = {};
    for (uint32_t r = 0; r < 32; ++r) {
        const float* row = tile + datum_index(r, 0);
        for (uint32_t c = 0; c < 8; ++c) {
            const uint32_t e = exponent(__builtin_bit_cast(uint32_t, row[c]));
            bad[c] |= uint32_t(e == 255u) | (uint32_t(c == 0) & uint32_t(e == 0));
        }
    }
    uint32_t any = 0;
    for (uint32_t c = 0; c < 8; ++c) {
        any |= bad[c];
    }
    return !any;
}

}  // namespace

void sfpu_bcast_col_column(const float* tile, float* column) {
    const bool plain = plain_bcast_col(tile);
    for (uint32_t r = 0; r < 32; ++r) {
        const float* row = tile + datum_index(r, 0);  // columns 0..7 are contiguous in a face row
        if (plain) {
            column[r] = row[0];
            continue;
        }
        uint32_t special = 0;
        for (uint32_t c = 1; c < 8; ++c) {
            special |= uint32_t(exponent(__builtin_bit_cast(uint32_t, row[c])) == 255u);
        }
        // That chain (x 1.0, then + 0.0 three times) returns a normal column-0 value unchanged.
        column[r] = special                    ? sfpu_bcast_col_value(row)
                    : normal(__builtin_bit_cast(uint32_t, row[0])) ? row[0]
                    : sfpu_add(sfpu_add(sfpu_add(sfpu_mul(row[0], 1.0f), 0.0f), 0.0f), 0.0f);
    }
}

}  // namespace emu
