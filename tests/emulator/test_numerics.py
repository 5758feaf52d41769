"""The numerics variants (EMULATOR_NUMERICS / EmulatedDevice(numerics=...)): each disputed rule gives the
result its source's model gives, so a kernel is tested against every reading of the hardware.

Expected values are worked out by hand from the cited models (emulator/runtime/numerics.cpp)."""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest

import emulator
from emulator import settings
from tests.emulator.harness import run_tile_op

VARIANTS = list(settings.NUMERICS_VARIANTS)


@pytest.fixture(scope="module")
def devices() -> Iterator[dict[str, emulator.EmulatedDevice]]:
    made = {v: emulator.EmulatedDevice(numerics=v) for v in VARIANTS}
    yield made
    for d in made.values():
        d.close()


def test_default_variant_is_pessimistic(monkeypatch):
    monkeypatch.delenv("EMULATOR_NUMERICS", raising=False)
    assert settings.numerics_variant() == "pessimistic"


def test_unknown_variant_named_in_the_error(monkeypatch):
    monkeypatch.setenv("EMULATOR_NUMERICS", "fast")
    with pytest.raises(ValueError, match=r"EMULATOR_NUMERICS='fast': expected one of pessimistic, isa, ttsim, exact"):
        settings.numerics_variant()
    with pytest.raises(ValueError, match=r"numerics='ieee': expected one of"):
        emulator.EmulatedDevice(numerics="ieee")


def row_sum(device, x, scaler_dtype="bfloat16", fidelity="HiFi4"):
    defines = {"OP_REDUCE": "1", "OP_POOL": "PoolType::SUM", "OP_DIM": "ReduceDim::REDUCE_ROW"}
    return run_tile_op(device, defines, [x], "float32", "float32", scaler=1.0, scaler_dtype=scaler_dtype,
                       fidelity=fidelity)


def test_env_variable_reaches_the_runner(monkeypatch):
    """A device without its own variant takes EMULATOR_NUMERICS at each run."""
    x = np.zeros((1, 32, 32), dtype=np.float32)
    x[0, 0, 0], x[0, 0, 1:8] = 1.0, 2.0 ** -14
    device = emulator.EmulatedDevice()
    try:
        monkeypatch.setenv("EMULATOR_NUMERICS", "exact")
        assert row_sum(device, x)[0, 0, 0] == np.float32(1 + 7 * 2.0 ** -14)
        monkeypatch.setenv("EMULATOR_NUMERICS", "ttsim")
        assert row_sum(device, x)[0, 0, 0] == np.float32(1.0)
    finally:
        device.close()


@pytest.mark.parametrize("variant,expected", [("exact", 1 + 7 * 2.0 ** -14), ("isa", 1 + 7 * 2.0 ** -14),
                                              ("ttsim", 1.0), ("pessimistic", 1.0)])
def test_group_of_8_products_aligned_to_the_largest(devices, variant, expected):
    """ttsim mvmul: products 14 binades below the group's largest fall out of its ~12-bit window; the ISA
    model and `exact` sum in fp32 and keep them."""
    x = np.zeros((1, 32, 32), dtype=np.float32)
    x[0, 0, 0], x[0, 0, 1:8] = 1.0, 2.0 ** -14
    assert row_sum(devices[variant], x)[0, 0, 0] == np.float32(expected)


@pytest.mark.parametrize("variant,expected", [("exact", 1 + 2.0 ** -11), ("isa", 1 + 2.0 ** -11),
                                              ("ttsim", 1 + 2.0 ** -10), ("pessimistic", 1 + 2.0 ** -10)])
def test_group_alignment_rounds_half_up(devices, variant, expected):
    """ttsim mvmul shifts each 12-bit product to the group's exponent rounding half up: 2^-11 beside 1.0
    is exactly half a unit of the window and rounds up to 2^-10."""
    x = np.zeros((1, 32, 32), dtype=np.float32)
    x[0, 0, 0], x[0, 0, 1] = 1.0, 2.0 ** -11
    assert row_sum(devices[variant], x)[0, 0, 0] == np.float32(expected)


@pytest.mark.parametrize("variant,expected", [("exact", 1 + 7 * 2.0 ** -14), ("isa", 1 + 7 * 2.0 ** -14),
                                              ("ttsim", 1 + 7 * 2.0 ** -14), ("pessimistic", 1 + 7 * 2.0 ** -14)])
def test_groups_of_8_align_separately(devices, variant, expected):
    """The same small products in the other group of 8 (columns 8..15) keep their own window."""
    x = np.zeros((1, 32, 32), dtype=np.float32)
    x[0, 0, 0], x[0, 0, 8:15] = 1.0, 2.0 ** -14
    assert row_sum(devices[variant], x)[0, 0, 0] == np.float32(expected)


@pytest.mark.parametrize("variant,expected", [("exact", 1 + 2.0 ** -10), ("isa", 1.0), ("ttsim", 1 + 2.0 ** -10),
                                              ("pessimistic", 1.0)])
def test_srcb_decoded_in_srca_style(devices, variant, expected):
    """REDUCE_ROW puts the bf16 scaler in SrcA and the TF32 data in SrcB: the ISA model reads SrcB in SrcA's
    (bf16) style and drops the data's low 3 TF32 mantissa bits; ttsim decodes SrcB by its own format."""
    x = np.zeros((1, 32, 32), dtype=np.float32)
    x[0, 0, 0] = 1 + 2.0 ** -10
    assert row_sum(devices[variant], x)[0, 0, 0] == np.float32(expected)


def test_fp32_scaler_keeps_tf32_data_under_every_variant(devices):
    x = np.zeros((1, 32, 32), dtype=np.float32)
    x[0, 0, 0] = 1 + 2.0 ** -10
    for variant, device in devices.items():
        assert row_sum(device, x, scaler_dtype="float32")[0, 0, 0] == np.float32(1 + 2.0 ** -10), variant


@pytest.mark.parametrize("variant,expected", [("exact", 1 + 2.0 ** -10), ("isa", 1.0), ("ttsim", 1.0),
                                              ("pessimistic", 1.0)])
def test_hifi4_ignores_the_last_tf32_bit_of_srca(devices, variant, expected):
    """ISA MVMUL.md footnote (†) and ttsim mvmul ((man >> 1) & 31): no fidelity phase consumes SrcA's last
    TF32 mantissa bit; `exact` keeps the full product."""
    a = np.full((1, 32, 32), 1 + 2.0 ** -10, dtype=np.float32)
    b = np.ones((1, 32, 32), dtype=np.float32)
    out = run_tile_op(devices[variant], {"OP_BINARY_INIT": "mul_init", "OP_BINARY": "mul_tiles"}, [a, b],
                      "float32", "float32")
    assert np.all(out == np.float32(expected))


@pytest.mark.parametrize("variant,expected", [("exact", 1 + 2.0 ** -12), ("isa", 1 + 2.0 ** -12),
                                              ("ttsim", 1.0), ("pessimistic", 1.0)])
def test_elwadd_aligns_the_smaller_operand(devices, variant, expected):
    """ttsim elwadd shifts the smaller operand's 11-bit mantissa to the larger exponent (here 12 places: lost);
    the ISA model adds in fp32."""
    a = np.ones((1, 32, 32), dtype=np.float32)
    b = np.full((1, 32, 32), 2.0 ** -12, dtype=np.float32)
    out = run_tile_op(devices[variant], {"OP_BINARY_INIT": "add_init", "OP_BINARY": "add_tiles"}, [a, b],
                      "float32", "float32")
    assert np.all(out == np.float32(expected))


@pytest.mark.parametrize("fidelity,fp32_dest,warned", [("HiFi4", True, True), ("HiFi3", True, False),
                                                       ("HiFi4", False, False)])
def test_hifi4_with_fp32_dest_on_wormhole_is_a_warning(devices, fidelity, fp32_dest, warned):
    """tt-metal#38306 / #40089: the run result lists the erratum, naming the kernel."""
    device = devices["exact"]
    x = np.ones((1, 32, 32), dtype=np.float32)
    results: list[emulator.RunResult] = []
    run_tile_op(device, {"OP_COPY": "1"}, [x], "float32", "float32", fidelity=fidelity, fp32_dest=fp32_dest,
                results=results)
    warnings = results[0].warnings
    if warned:
        assert len(warnings) == 1 and "kernel 'compute'" in warnings[0] and "tt-metal#38306" in warnings[0]
    else:
        assert warnings == []


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fp32_dest", [True, False])
def test_reduce_sums_of_small_integers_are_exact_under_every_variant(devices, variant, fp32_dest):
    """Sums that need few bits lose nothing in any reading, with a 16-bit DST too (ttsim rounds its 13 low
    accumulator bits away there), for REDUCE_ROW and REDUCE_COL."""
    x = np.random.default_rng(4).integers(-3, 4, size=(2, 32, 32)).astype(np.float32)
    for dim, axis, index in [("REDUCE_ROW", 2, (slice(None), slice(None), 0)),
                             ("REDUCE_COL", 1, (slice(None), 0, slice(None)))]:
        defines = {"OP_REDUCE": "1", "OP_POOL": "PoolType::SUM", "OP_DIM": f"ReduceDim::{dim}"}
        out = run_tile_op(devices[variant], defines, [x], "bfloat16", "float32", scaler=1.0, fp32_dest=fp32_dest)
        assert np.array_equal(out[index], x.sum(axis=axis)), dim


def test_isa_rounds_a_reduce_sum_to_nearest_even_into_a_16_bit_dst(devices):
    """ISA MVMUL.md / ELWMUL.md (RoundToBF16): with a 16-bit DST the fp32 sum is rounded to nearest even,
    not truncated. Row 0 sums to 1 + 1.5 * 2^-8: 0.75 of a bf16 ulp above 1.0, so it rounds up to
    1 + 2^-7; row 1 sums to 1 + 2^-9 (a quarter ulp), which rounds down to 1.0."""
    x = np.zeros((1, 32, 32), dtype=np.float32)
    x[0, 0, 0], x[0, 0, 1] = 1.0, 1.5 * 2.0 ** -8
    x[0, 1, 0], x[0, 1, 1] = 1.0, 2.0 ** -9
    defines = {"OP_REDUCE": "1", "OP_POOL": "PoolType::SUM", "OP_DIM": "ReduceDim::REDUCE_ROW"}
    out = run_tile_op(devices["isa"], defines, [x], "bfloat16", "float32", scaler=1.0, fp32_dest=False)
    assert out[0, 0, 0] == np.float32(1.0 + 2.0 ** -7) and out[0, 1, 0] == np.float32(1.0)
