"""SFPU and packer number rules, bit for bit with ttsim's models (which its README calls bit-accurate for
the SFPU and the packer) and the 0.81.1 LLK sequences; each test names the rule of emulator/README.md's
fidelity table it pins. The default variant (pessimistic) models them; `exact` is today's correctly
rounded debugging path where it differs."""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest

import emulator
from tests.emulator.harness import quantize, run_tile_op

RNG = np.random.default_rng(77)


@pytest.fixture(scope="module")
def hw() -> Iterator[emulator.EmulatedDevice]:
    device = emulator.EmulatedDevice(numerics="pessimistic")
    yield device
    device.close()


@pytest.fixture(scope="module")
def exact() -> Iterator[emulator.EmulatedDevice]:
    device = emulator.EmulatedDevice(numerics="exact")
    yield device
    device.close()


def bits(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.float32).view(np.uint32)


def from_bits(u) -> np.ndarray:
    return np.asarray(u, dtype=np.uint32).view(np.float32)


def stoch_rnd_nearest_bf16(x: np.ndarray) -> np.ndarray:
    """SFP_STOCH_RND FP32_TO_FP16B (ttsim): half up on the magnitude; zero/denormal -> +0; Inf/NaN -> Inf."""
    u = bits(x).astype(np.uint64)
    e = (u >> 23) & 255
    low = u & 0xFFFF
    rounded = (u - low) + np.where(low >= 0x8000, 0x10000, 0)
    out = np.where(e == 0, 0, np.where(e == 255, u & 0xFF800000, rounded))
    return from_bits(out.astype(np.uint32))


def unary(device, call, init, x, fp32_dest=True, approx=False):
    op = call if "(i" in call else f"{call}(i)"
    return run_tile_op(device, {"OP_SFPU_UNARY": "1", "OP_SFPU_INIT": init, "OP_SFPU(i)": op}, [x], "float32",
                       "float32", fp32_dest=fp32_dest, unpack_to_dest=[0], approx=approx)


def test_rsqrt_is_the_llk_newton_sequence_not_correctly_rounded(hw, exact):
    """ckernel_sfpu_sqrt.h SQRT_23-bits with the reciprocal step: within 2 ulp, but not always the correctly
    rounded result that `exact` gives."""
    x = quantize(RNG.uniform(0.01, 100.0, size=(4, 32, 32)), "float32")
    reference = 1 / np.sqrt(x.astype(np.float64))
    modelled = unary(hw, "rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init", x)
    correctly_rounded = unary(exact, "rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init", x)
    assert np.array_equal(correctly_rounded, reference.astype(np.float32))
    ulp = np.spacing(reference.astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(modelled - reference) / ulp) <= 2.0
    assert np.count_nonzero(modelled != correctly_rounded) > 0


def wh_mad(x: int, y: int, z: int) -> int:
    """Wormhole SFPMAD on fp32 bit patterns, finite inputs only: a second, independent transcription of ttsim
    src/fma.cpp fma_model_wh (product cut to 24 + 3 bits with sticky, semi-sticky alignment, round to
    nearest even, denormals flushed) used to check the emulator's C++ model bit for bit."""
    def unpack(v):
        e = (v >> 23) & 255
        return e, ((v & 0x7FFFFF) | 0x800000) if e else 0
    (xe, xm), (ye, ym), (ze, zm) = unpack(x), unpack(y), unpack(z)
    zs, ps = z & 0x80000000, (x ^ y) & 0x80000000
    pm = (xm * ym) << 3
    pm = (pm >> 23) | int((pm & 0x7FFFFF) != 0)
    pe, zm = xe + ye - 127, zm << 3
    if pm == 0 or pe < 0:
        return z if zm else 0

    def semi_sticky(v, s, width):
        if s >= width:
            return 0
        kept = v >> s
        return kept | int(kept != 0 and (kept << s) != v)
    re = max(pe, ze)
    pm, zm = semi_sticky(pm, re - pe, 64), semi_sticky(zm, re - ze, 32)
    rs = ps if pm >= zm else zs
    total = (zm if zs == rs else ~zm) + (pm if ps == rs else ~pm) + int(ps != zs)
    rm = total & 0xFFFFFFFF
    if rm == 0:
        return 0
    n = 5 - (32 - rm.bit_length())
    re += n
    if re >= 255:
        return rs | 0x7F800000
    if re < 0:
        return 0
    rm = (rm << -n) if n <= 0 else (rm >> n) | (rm & 1)
    r = (re << 23) + ((rm >> 3) & 0x7FFFFF)
    r += int(((rm & 7) + (r & 1)) > 4)
    return 0 if not (r >> 23) else rs | r


def fused_mad(x: int, y: int, z: int) -> int:
    """An IEEE fused multiply-add on fp32 bit patterns (the product is exact in float64)."""
    f = lambda u: float(np.uint32(u).view(np.float32))  # noqa: E731
    return int(np.float32(f(x) * f(y) + f(z)).view(np.uint32))


def llk_rsqrt_bits(x: int, mad=wh_mad) -> int:
    """ckernel_sfpu_sqrt.h SQRT_23-bits with the reciprocal step (0.81.1), every a * b + c one `mad`."""
    f = lambda v: int(np.float32(v).view(np.uint32))  # noqa: E731
    one, zero, neg = f(1.0), 0, lambda v: v ^ 0x80000000  # noqa: E731
    y = (0x5F1110A0 - (x >> 1)) & 0xFFFFFFFF
    xy = mad(x, y, zero)
    c = mad(neg(y), xy, zero)
    y = mad(y, mad(c, mad(f(2.2533049), one, c), f(2.2825186)), zero)
    xy = mad(x, y, zero)
    residual = mad(neg(y), xy, one)
    return mad(residual, y - (1 << 23), y)


def test_rsqrt_bits_match_an_independent_transcription(hw):
    x = quantize(RNG.uniform(0.001, 1000.0, size=(1, 32, 32)), "float32")
    out = unary(hw, "rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init", x)
    expected = np.array([llk_rsqrt_bits(int(v)) for v in bits(x).ravel()], dtype=np.uint32).reshape(x.shape)
    assert np.array_equal(bits(out), expected)


def test_sfpu_mad_is_not_a_fused_fma(hw):
    """The Newton residual 1 - y * (x * y) cancels: the Wormhole SFPMAD keeps only 27 bits of the product,
    so rsqrt differs from the same sequence with IEEE fused multiply-adds on some inputs."""
    x = quantize(RNG.uniform(0.001, 1000.0, size=(1, 32, 32)), "float32")
    out = bits(unary(hw, "rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init", x)).ravel()
    fused = np.array([llk_rsqrt_bits(int(v), fused_mad) for v in bits(x).ravel()], dtype=np.uint32)
    assert np.count_nonzero(out != fused) > 0


def test_div_unary_multiplies_by_the_host_inverted_parameter(hw):
    x = quantize(RNG.uniform(-4, 4, size=(1, 32, 32)), "float32")
    out = unary(hw, "div_unary_tile(i, 0x3e800000u)", "binop_with_scalar_tile_init", x)
    assert np.array_equal(out, x * np.float32(0.25))


def test_rsqrt_of_special_values(hw):
    """Edge handling of the 0.81.1 sequence: rsqrt(+-0) = +-Inf, rsqrt(Inf) = 0, rsqrt(negative) = NaN."""
    x = np.ones((1, 32, 32), dtype=np.float32)
    x[0, 0, :4] = [0.0, -0.0, np.inf, -4.0]
    out = unary(hw, "rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init", x)
    assert out[0, 0, 0] == np.inf and out[0, 0, 1] == -np.inf and out[0, 0, 2] == 0.0
    assert np.isnan(out[0, 0, 3])


@pytest.mark.parametrize("approx", [False, True], ids=["precise", "approx"])
def test_rsqrt_rounds_half_up_into_a_16_bit_dst(hw, approx):
    """The LLK converts with SFP_STOCH_RND nearest before the store (ckernel_sfpu_sqrt.h): the 16-bit DST
    result is the fp32-DST result rounded half up, not truncated, for the precise algorithm (the whole-tile
    path) and the approximate one (math_approx_mode, the per-datum model) alike."""
    x = quantize(RNG.uniform(0.01, 100.0, size=(2, 32, 32)), "bfloat16")
    wide = unary(hw, "rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init", x, approx=approx)
    narrow = unary(hw, "rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init", x, fp32_dest=False, approx=approx)
    np.testing.assert_array_equal(narrow, stoch_rnd_nearest_bf16(wide))
    assert np.count_nonzero(narrow != from_bits(bits(wide) & 0xFFFF0000)) > 0


def test_sfpu_add_truncates_into_a_16_bit_dst(hw):
    """SFPSTORE into a bf16 DST keeps the top 16 bits (ttsim SFPSTORE instr_mod0 2)."""
    x = quantize(RNG.uniform(-4, 4, size=(2, 32, 32)), "bfloat16")
    out = unary(hw, "add_unary_tile(i, 0x3f9d70a4u)", "binop_with_scalar_tile_init", x, fp32_dest=False)
    full = x + np.float32(1.23)
    np.testing.assert_array_equal(out, from_bits(bits(full) & 0xFFFF0000))
    assert np.count_nonzero(out != quantize(full, "bfloat16")) > 0


def test_sfpu_mad_flushes_underflow_to_plus_zero(hw, exact):
    """ttsim fma_model_wh: a product below the normal range returns +0 whatever its sign (SFPSTORE's own
    sign-keeping flush never sees a denormal after an SFPMAD); `exact` keeps the denormal."""
    x = np.full((1, 32, 32), 2.0 ** -120, dtype=np.float32)
    x[0, 1, :] = -(2.0 ** -120)
    call = "mul_unary_tile(i, 0x1f800000u)"  # 2^-64: the product 2^-184 is below the normal range
    out = unary(hw, call, "binop_with_scalar_tile_init", x)
    assert np.all(bits(out[0, :2]) == 0)
    assert np.all(bits(unary(exact, "mul_unary_tile(i, 0x3f000000u)", "binop_with_scalar_tile_init",
                             np.full((1, 32, 32), 2.0 ** -126, dtype=np.float32))) == 0x00400000)


def test_sfpu_bcast_col_nan_in_columns_1_to_7_poisons_the_row(hw, exact):
    """ckernel_sfpu_binary_bcast.h multiplies columns 1..7 of the column tile by 0.0: Inf there gives NaN in
    every output of that row; columns 8..31 are never read."""
    a = np.ones((1, 32, 32), dtype=np.float32)
    b = np.full((1, 32, 32), 2.0, dtype=np.float32)
    b[0, 3, 5] = np.inf
    b[0, 4, 9] = np.nan
    defines = {"OP_SFPU_BCAST_COL": "1", "OP_SFPU(i, j)": "sfpu_mul_bcast_col(i, j)"}
    out = run_tile_op(hw, defines, [a, b], "float32", "float32", unpack_to_dest=[0, 1])
    assert np.all(np.isnan(out[0, 3]))
    assert np.all(out[0, 4] == 2.0) and np.all(out[0, 0] == 2.0)
    assert np.all(run_tile_op(exact, defines, [a, b], "float32", "float32", unpack_to_dest=[0, 1]) == 2.0)


def copy_then_pack(device, x, out_dtype, fp32_dest=True, to_dest=True):
    return run_tile_op(device, {"OP_COPY": "1"}, [x], "float32", out_dtype, fp32_dest=fp32_dest,
                       unpack_to_dest=[0] if to_dest else [])


def test_packer_fp32_to_bf16_rules(hw):
    """ttsim PACR, fp32 DST -> bf16: NaN -> Inf of its sign, round half up on the magnitude, results below the
    normal range and -0 -> +0."""
    x = np.ones((1, 32, 32), dtype=np.float32)
    x[0, 0, :6] = from_bits([0x7FC00000, 0xFFC00000, 0x80000000, 0x00400000, 0x3F808000, 0xBF808000])
    out = bits(copy_then_pack(hw, x, "bfloat16"))[0, 0, :6]
    assert list(out) == [0x7F800000, 0xFF800000, 0, 0, 0x3F810000, 0xBF810000]


def test_packer_fp32_to_fp32_keeps_every_bit(hw):
    x = np.ones((1, 32, 32), dtype=np.float32)
    x[0, 0, :3] = from_bits([0x7FC00001, 0x80000000, 0x00400000])
    assert list(bits(copy_then_pack(hw, x, "float32"))[0, 0, :3]) == [0x7FC00001, 0x80000000, 0x00400000]


def test_16_bit_dst_path_flushes_and_saturates(hw):
    """fp32 CB -> bf16 SrcA (ttsim UNPACR: denormals to a zero of their sign, truncation) -> 16-bit DST ->
    packer (ttsim PACR dst16b: NaN -> Inf of its sign, denormals and -0 -> +0)."""
    x = np.ones((1, 32, 32), dtype=np.float32)
    x[0, 0, :5] = from_bits([0x7FC00000, 0xFFC00000, 0x80000000, 0x80100000, 0x3F80FFFF])
    out = bits(copy_then_pack(hw, x, "float32", fp32_dest=False, to_dest=False))[0, 0, :5]
    assert list(out) == [0x7F800000, 0xFF800000, 0, 0, 0x3F800000]


def llk_recip_bits(x: int) -> int:
    """ckernel_sfpu_recip.h sfpu_reciprocal_iter<2> (0.81.1, fp32 DST, default constants), one wh_mad each."""
    f = lambda v: int(np.float32(v).view(np.uint32))  # noqa: E731
    negative_x = 0xBF800000 | (x & 0x7FFFFF)
    y = wh_mad(f(0.3232325017452239990234375), negative_x, f(1.4545459747314453125))
    y = wh_mad(y, negative_x, f(2.121212482452392578125))
    scale = wh_mad(~x & 0xFF800000, f(0.5), 0)
    for _ in range(2):
        y = wh_mad(y, wh_mad(negative_x, y, f(1.0)), y)
    return (wh_mad(y, scale, 0) & 0x7FFFFFFF) | (x & 0x80000000)


def test_recip_bits_match_an_independent_transcription(hw):
    x = quantize(RNG.uniform(-100.0, 100.0, size=(1, 32, 32)), "float32")
    out = unary(hw, "recip_tile", "recip_tile_init", x)
    expected = np.array([llk_recip_bits(int(v)) for v in bits(x).ravel()], dtype=np.uint32).reshape(x.shape)
    assert np.array_equal(bits(out), expected)
    reference = 1 / x.astype(np.float64)
    assert np.max(np.abs(out - reference) / np.spacing(reference.astype(np.float32))) <= 2.0


def test_precise_bf16_recip_is_correctly_rounded(hw):
    """The 0.81.1 API (recip.h): "On Wormhole, precise BF16 reciprocal is correctly rounded only with the
    seed loaded here" - one Newton step, a round to bf16, then the exponent scale."""
    x = quantize(RNG.uniform(0.05, 50.0, size=(2, 32, 32)), "bfloat16")
    out = unary(hw, "recip_tile", "recip_tile_init", x, fp32_dest=False)
    assert np.array_equal(out, quantize(1 / x.astype(np.float64), "bfloat16"))


def test_recip_special_values(hw):
    x = np.ones((1, 32, 32), dtype=np.float32)
    x[0, 0, :4] = [0.0, -0.0, np.inf, -np.inf]
    out = unary(hw, "recip_tile", "recip_tile_init", x)[0, 0, :4]
    assert list(bits(out)) == [0x7F800000, 0xFF800000, 0, 0x80000000]


def llk_sqrt_bits(x: int) -> int:
    """ckernel_sfpu_sqrt.h SQRT_23-bits without the reciprocal step (0.81.1), one wh_mad per a * b + c."""
    f = lambda v: int(np.float32(v).view(np.uint32))  # noqa: E731
    neg = lambda v: v ^ 0x80000000  # noqa: E731
    y = (0x5F1110A0 - (x >> 1)) & 0xFFFFFFFF
    xy = wh_mad(x, y, 0)
    c = wh_mad(neg(y), xy, 0)
    y = wh_mad(y, wh_mad(c, wh_mad(f(2.2533049), f(1.0), c), f(2.2825186)), 0)
    xy = wh_mad(x, y, 0)
    residual = wh_mad(neg(y), xy, f(1.0))
    return wh_mad(residual, wh_mad(f(0.5), xy, 0), xy)


def test_sqrt_bits_match_an_independent_transcription(hw):
    x = quantize(RNG.uniform(0.001, 1000.0, size=(1, 32, 32)), "float32")
    out = unary(hw, "sqrt_tile", "sqrt_tile_init", x)
    expected = np.array([llk_sqrt_bits(int(v)) for v in bits(x).ravel()], dtype=np.uint32).reshape(x.shape)
    assert np.array_equal(bits(out), expected)


@pytest.mark.parametrize("init,call,fn", [("add_binary_tile_init", "add_binary_tile", np.add),
                                          ("sub_binary_tile_init", "sub_binary_tile", np.subtract),
                                          ("mul_binary_tile_init", "mul_binary_tile", np.multiply)])
def test_sfpu_binary_tiles_are_sfpmad_with_a_16_bit_store(hw, init, call, fn):
    """SFPMAD add / multiply of normal fp32 values rounds like IEEE fp32; the bf16 DST store truncates."""
    a = quantize(RNG.uniform(-4, 4, size=(1, 32, 32)), "bfloat16")
    b = quantize(RNG.uniform(-4, 4, size=(1, 32, 32)), "bfloat16")
    defines = {"OP_SFPU_BINARY": "1", "OP_SFPU_INIT": init, "OP_SFPU(i, j, o)": f"{call}(i, j, o)"}
    out = run_tile_op(hw, defines, [a, b], "float32", "float32", fp32_dest=False)
    np.testing.assert_array_equal(out, from_bits(bits(fn(a, b).astype(np.float32)) & 0xFFFF0000))
