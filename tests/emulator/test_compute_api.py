"""Each compute API call against a model of the hardware data path (bit-exact where the path is
exact) and against float64 with a tolerance derived from the path.

The model here is the `exact` numerics variant (plain fp32 sums, full HiFi4 products); the rules the
other variants change are tested rule by rule in test_numerics.py."""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest

import emulator

from tests.emulator.harness import pack, quantize, round_bf16_even, run_tile_op, src, truncate

RNG = np.random.default_rng(1234)


@pytest.fixture(scope="module")
def emu() -> Iterator[emulator.EmulatedDevice]:
    device = emulator.EmulatedDevice(numerics="exact")
    yield device
    device.close()

DTYPES = ["bfloat16", "float32"]


def random_tiles(n=2, low=-4.0, high=4.0):
    return RNG.uniform(low, high, size=(n, 32, 32))


def store(values, fp32_dest, rounding="nearest"):
    """FPU results into DST: fp32 as is; a 16-bit DST rounds (FPU) or truncates (SFPU stores)."""
    v = np.asarray(values, dtype=np.float32)
    if fp32_dest:
        return v
    return round_bf16_even(v) if rounding == "nearest" else truncate(v, 0xFFFF0000)


@pytest.mark.parametrize("fp32_dest", [True, False])
@pytest.mark.parametrize("to_dest", [False, True])
@pytest.mark.parametrize("in_dtype,out_dtype", [("bfloat16", "bfloat16"), ("float32", "float32"),
                                                ("float32", "bfloat16"), ("bfloat16", "float32")])
def test_copy_tile(emu, in_dtype, out_dtype, fp32_dest, to_dest):
    x = quantize(random_tiles(), in_dtype)
    out = run_tile_op(emu, {"OP_COPY": "1"}, [x], in_dtype, out_dtype, fp32_dest=fp32_dest,
                      unpack_to_dest=[0] if to_dest else [])
    expected = pack(store(src(x, in_dtype, fp32_dest, to_dest), fp32_dest, "truncate"), out_dtype)
    np.testing.assert_array_equal(out, expected)
    if in_dtype == out_dtype == "float32" and to_dest and fp32_dest:
        np.testing.assert_array_equal(out, x)


BINARY = {
    "add": ("add_init", "add_tiles", lambda a, b: a + b),
    "sub": ("sub_init", "sub_tiles", lambda a, b: a - b),
    "mul": ("mul_init", "mul_tiles", lambda a, b: (a.astype(np.float64) * b).astype(np.float32)),
}
BCAST = {
    "cols": lambda b: np.repeat(b[:, :, :1], 32, axis=2),
    "rows": lambda b: np.repeat(b[:, :1, :], 32, axis=1),
    "scalar": lambda b: np.broadcast_to(b[:, :1, :1], b.shape),
}


@pytest.mark.parametrize("fp32_dest", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", list(BINARY))
def test_eltwise_binary(emu, op, dtype, fp32_dest):
    init, call, fn = BINARY[op]
    a, b = quantize(random_tiles(), dtype), quantize(random_tiles(), dtype)
    out = run_tile_op(emu, {"OP_BINARY_INIT": init, "OP_BINARY": call}, [a, b], dtype, dtype, fp32_dest=fp32_dest)
    sa, sb = src(a, dtype, fp32_dest), src(b, dtype, fp32_dest)
    np.testing.assert_array_equal(out, pack(store(fn(sa, sb), fp32_dest), dtype))
    # Operands lose up to 2^-10 (TF32) or 2^-7 (bf16) of themselves on unpack; the result up to 2^-8
    # of itself on a bf16 DST or pack.
    operand = 2 ** -10 if (dtype == "float32" and fp32_dest) else (0 if dtype == "bfloat16" else 2 ** -7)
    magnitude = np.abs(a * b) * 2 if op == "mul" else np.abs(a) + np.abs(b)
    exact = fn(a.astype(np.float64), b)
    result = 0 if (dtype == "float32" and fp32_dest) else 2 ** -8
    assert np.all(np.abs(out - exact) <= operand * magnitude + result * np.abs(exact) + 1e-30)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", list(BCAST))
@pytest.mark.parametrize("op", list(BINARY))
def test_bcast(emu, op, dim, dtype):
    fn = BINARY[op][2]
    a, b = quantize(random_tiles(), dtype), quantize(random_tiles(), dtype)
    defines = {"OP_BINARY_INIT": f"{op}_bcast_{dim}_init", "OP_BINARY": f"{op}_tiles_bcast_{dim}"}
    out = run_tile_op(emu, defines, [a, b], dtype, "float32")
    expected = fn(src(a, dtype, True), BCAST[dim](src(b, dtype, True)))
    np.testing.assert_array_equal(out, pack(expected, "float32"))


def test_mul_fidelity_phases_lose_precision_in_order(emu):
    a, b = quantize(random_tiles(), "float32"), quantize(random_tiles(), "float32")
    exact = src(a, "float32", True).astype(np.float64) * src(b, "float32", True)
    errors = {}
    for fidelity in ["LoFi", "HiFi2", "HiFi3", "HiFi4"]:
        out = run_tile_op(emu, {"OP_BINARY_INIT": "mul_init", "OP_BINARY": "mul_tiles"}, [a, b], "float32",
                          "float32", fidelity=fidelity)
        errors[fidelity] = np.max(np.abs(out - exact) / np.abs(exact).clip(1e-30))
    assert errors["HiFi4"] <= 2 ** -24
    assert errors["LoFi"] >= errors["HiFi2"] >= errors["HiFi4"]
    assert errors["LoFi"] >= errors["HiFi3"] >= errors["HiFi4"]
    assert errors["LoFi"] <= 2 ** -4 + 2 ** -6, "LoFi keeps 5 significant bits of srcA and 7 of srcB"


REDUCE_DIMS = {"REDUCE_ROW": "row", "REDUCE_COL": "col", "REDUCE_SCALAR": "scalar"}


def reduce_model(x, pool, dim, scaler):
    values = x.astype(np.float64) * scaler
    agg = np.sum if pool == "SUM" else np.max
    out = np.zeros_like(x, dtype=np.float64)
    if dim == "REDUCE_ROW":
        out[:, :, 0] = agg(values, axis=2)
    elif dim == "REDUCE_COL":
        out[:, 0, :] = agg(values, axis=1)
    else:
        out[:, 0, 0] = agg(values.reshape(x.shape[0], -1), axis=1)
    return out


@pytest.mark.parametrize("scaler", [1.0, 0.5])
@pytest.mark.parametrize("pool", ["SUM", "MAX"])
@pytest.mark.parametrize("dim", list(REDUCE_DIMS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_reduce(emu, dtype, dim, pool, scaler):
    x = quantize(random_tiles(), dtype)
    defines = {"OP_REDUCE": "1", "OP_POOL": f"PoolType::{pool}", "OP_DIM": f"ReduceDim::{dim}"}
    out = run_tile_op(emu, defines, [x], dtype, "float32", scaler=scaler)
    expected = reduce_model(src(x, dtype, True), pool, dim, scaler)
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-5)
    assert np.count_nonzero(out[expected == 0]) == 0, "datums outside the reduced row/column are packed as 0"


SFPU_UNARY = {
    "square": ("square_tile_init", "square_tile", lambda v: v * v, (-4, 4)),
    "rsqrt": ("rsqrt_tile_init", "rsqrt_tile<RsqrtMode::Default>", lambda v: 1 / np.sqrt(v), (0.01, 9)),
    "recip": ("recip_tile_init", "recip_tile", lambda v: 1 / v, (0.1, 9)),
    "exp": ("exp_tile_init", "exp_tile", np.exp, (-4, 4)),
    "sqrt": ("sqrt_tile_init", "sqrt_tile", np.sqrt, (0, 9)),
    "add_scalar": ("binop_with_scalar_tile_init", "add_unary_tile(i, 0x40400000u)", lambda v: v + 3.0, (-4, 4)),
    "sub_scalar": ("binop_with_scalar_tile_init", "sub_unary_tile(i, 0x40400000u)", lambda v: v - 3.0, (-4, 4)),
    "mul_scalar": ("binop_with_scalar_tile_init", "mul_unary_tile(i, 0x3e800000u)", lambda v: v * 0.25, (-4, 4)),
    "div_scalar": ("binop_with_scalar_tile_init", "div_unary_tile(i, 0x40800000u)", lambda v: v / 4.0, (-4, 4)),
    "rsub_scalar": ("binop_with_scalar_tile_init", "rsub_unary_tile(i, 0x40400000u)", lambda v: 3.0 - v, (-4, 4)),
}


@pytest.mark.parametrize("fp32_dest", [True, False])
@pytest.mark.parametrize("name", list(SFPU_UNARY))
def test_sfpu_unary(emu, name, fp32_dest):
    init, call, fn, (low, high) = SFPU_UNARY[name]
    op = call if "(i" in call else f"{call}(i)"
    x = quantize(random_tiles(low=low, high=high), "float32")
    out = run_tile_op(emu, {"OP_SFPU_UNARY": "1", "OP_SFPU_INIT": init, "OP_SFPU(i)": op}, [x], "float32",
                      "float32", fp32_dest=fp32_dest, unpack_to_dest=[0])
    in_dst = store(src(x, "float32", fp32_dest, to_dest=True), fp32_dest, "truncate")
    exact = fn(in_dst.astype(np.float64))
    tolerance = 2 ** -22 if fp32_dest else 2 ** -7  # a 16-bit DST keeps 8 significant bits
    np.testing.assert_allclose(out, exact, rtol=tolerance, atol=1e-30)


def test_rsqrt_approx_mode_is_coarser(emu):
    x = quantize(random_tiles(low=0.1, high=9), "float32")
    defines = {"OP_SFPU_UNARY": "1", "OP_SFPU_INIT": "rsqrt_tile_init", "OP_SFPU(i)": "rsqrt_tile(i)"}
    exact = 1 / np.sqrt(x.astype(np.float64))
    precise = run_tile_op(emu, defines, [x], "float32", "float32", unpack_to_dest=[0])
    approx = run_tile_op(emu, defines, [x], "float32", "float32", approx=True, unpack_to_dest=[0])
    assert np.max(np.abs(precise / exact - 1)) < 2 ** -22
    assert 2 ** -14 < np.max(np.abs(approx / exact - 1)) < 2 ** -9


SFPU_BINARY = {
    "add": ("add_binary_tile_init", "add_binary_tile", lambda a, b: a + b),
    "sub": ("sub_binary_tile_init", "sub_binary_tile", lambda a, b: a - b),
    "mul": ("mul_binary_tile_init", "mul_binary_tile", lambda a, b: a * b),
}


@pytest.mark.parametrize("name", list(SFPU_BINARY))
def test_sfpu_binary(emu, name):
    init, call, fn = SFPU_BINARY[name]
    a, b = quantize(random_tiles(), "float32"), quantize(random_tiles(), "float32")
    out = run_tile_op(emu, {"OP_SFPU_BINARY": "1", "OP_SFPU_INIT": init, "OP_SFPU(i, j, o)": f"{call}(i, j, o)"},
                      [a, b], "float32", "float32", unpack_to_dest=[0, 1])
    np.testing.assert_array_equal(out, fn(a, b).astype(np.float32))


@pytest.mark.parametrize("name", ["sub", "add", "mul"])
def test_sfpu_bcast_col(emu, name):
    fn = SFPU_BINARY[name][2]
    a, b = quantize(random_tiles(), "float32"), quantize(random_tiles(), "float32")
    out = run_tile_op(emu, {"OP_SFPU_BCAST_COL": "1", "OP_SFPU(i, j)": f"sfpu_{name}_bcast_col(i, j)"}, [a, b],
                      "float32", "float32", unpack_to_dest=[0, 1])
    np.testing.assert_array_equal(out, fn(a, np.repeat(b[:, :, :1], 32, axis=2)).astype(np.float32))
