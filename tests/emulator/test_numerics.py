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
