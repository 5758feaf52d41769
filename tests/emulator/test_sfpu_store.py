"""SFPSTORE's own denormal flush (emulator/README.md fidelity table, row "SFPSTORE: denormal -> zero of its
sign"; ttsim TENSIX_EXECUTE_SFPSTORE modes 2 and 3), reached by a result that never went through SFPMAD.

Every SFPMAD already flushes its denormal results to +0 (fma_model_wh), so a test built on add/mul/recip
cannot tell whether the store flushes too. exp_tile is modelled without SFPMAD (correctly rounded, no LLK
sequence yet), so exp of a value near -87.5 gives a denormal float32 that only the store can flush. This
pins the store's flush (mutation suite mutant `numerics-sfpu-store-no-flush`)."""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest

import emulator
from tests.emulator.harness import run_tile_op

# exp(-87.5) = 1.0e-38 and exp(-100) = 3.7e-44 lie below float32's smallest normal 2^-126 = 1.18e-38;
# exp(-80) = 1.8e-35 is normal and must pass the store unchanged.
DENORMAL_EXPONENTS = (-87.5, -88.0, -95.0, -100.0)
NORMAL_EXPONENT = -80.0


@pytest.fixture(scope="module")
def hw() -> Iterator[emulator.EmulatedDevice]:
    device = emulator.EmulatedDevice(numerics="pessimistic")
    yield device
    device.close()


def exp_of(device: emulator.EmulatedDevice, x: np.ndarray) -> np.ndarray:
    """exp_tile over fp32 tiles unpacked straight to an fp32 DST and packed to an fp32 CB, which keeps every
    bit (packer fp32 -> fp32 row), so the output shows exactly what the SFPU stored."""
    defines = {"OP_SFPU_UNARY": "1", "OP_SFPU_INIT": "exp_tile_init", "OP_SFPU(i)": "exp_tile(i)"}
    return run_tile_op(device, defines, [x], "float32", "float32", fp32_dest=True, unpack_to_dest=[0])


def test_sfpu_store_flushes_a_denormal_that_skipped_sfpmad(hw):
    x = np.full((1, 32, 32), NORMAL_EXPONENT, dtype=np.float32)
    for row, value in enumerate(DENORMAL_EXPONENTS):
        x[0, row, :] = value
    # The inputs really give denormals (and a normal number in the other rows) in float32.
    assert all(0 < np.float32(np.exp(np.float64(v))) < np.finfo(np.float32).tiny for v in DENORMAL_EXPONENTS)
    out = exp_of(hw, x)
    stored = out.view(np.uint32)
    assert np.all(stored[0, :len(DENORMAL_EXPONENTS)] == 0), "a denormal exp result must be stored as +0"
    expected_normal = np.float32(np.exp(np.float64(NORMAL_EXPONENT)))
    assert np.all(out[0, len(DENORMAL_EXPONENTS):] == expected_normal)
