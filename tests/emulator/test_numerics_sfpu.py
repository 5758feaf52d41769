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


def test_rsqrt_of_special_values(hw):
    """Edge handling of the 0.81.1 sequence: rsqrt(+-0) = +-Inf, rsqrt(Inf) = 0, rsqrt(negative) = NaN."""
    x = np.ones((1, 32, 32), dtype=np.float32)
    x[0, 0, :4] = [0.0, -0.0, np.inf, -4.0]
    out = unary(hw, "rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init", x)
    assert out[0, 0, 0] == np.inf and out[0, 0, 1] == -np.inf and out[0, 0, 2] == 0.0
    assert np.isnan(out[0, 0, 3])


def test_rsqrt_rounds_half_up_into_a_16_bit_dst(hw):
    """The LLK converts with SFP_STOCH_RND nearest before the store (ckernel_sfpu_sqrt.h): the 16-bit DST
    result is the fp32-DST result rounded half up, not truncated."""
    x = quantize(RNG.uniform(0.01, 100.0, size=(2, 32, 32)), "bfloat16")
    wide = unary(hw, "rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init", x)
    narrow = unary(hw, "rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init", x, fp32_dest=False)
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


def copy_then_pack(device, x, out_dtype, fp32_dest=True):
    return run_tile_op(device, {"OP_COPY": "1"}, [x], "float32", out_dtype, fp32_dest=fp32_dest, unpack_to_dest=[0])


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
