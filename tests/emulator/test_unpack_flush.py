"""The unpacker's denormal flush into a bf16 register (emulator/README.md fidelity table, row "fp32 CB ->
bf16 register (16-bit DST): denormal -> zero of its sign"; ttsim UNPACR, `denormals_as_zeros`), seen
through arithmetic. A copy cannot show it: the packer flushes denormals too. A product can: 2^-130 (an
fp32 denormal, exact in bf16) times 2^100 is the normal 2^-30 unless the unpacker zeroed the denormal
(mutation suite mutant `numerics-unpack-bf16-register-keeps-denormals`)."""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest

import emulator
from tests.emulator.harness import run_tile_op

DENORMAL = np.float32(2.0 ** -130)  # fp32 bits 0x00080000: the low 16 bits are zero, so bf16 holds it too
SCALE = np.float32(2.0 ** 100)


@pytest.fixture(scope="module", params=["pessimistic", "isa", "ttsim", "exact"])
def device(request) -> Iterator[emulator.EmulatedDevice]:
    dev = emulator.EmulatedDevice(numerics=request.param)
    yield dev
    dev.close()


def test_a_denormal_reaches_a_bf16_register_as_zero_of_its_sign(device):
    a = np.full((1, 32, 32), 1.5, dtype=np.float32)
    a[0, 0, :] = DENORMAL
    a[0, 1, :] = -DENORMAL
    b = np.full((1, 32, 32), SCALE, dtype=np.float32)
    assert DENORMAL.view(np.uint32) == 0x00080000 and float(DENORMAL) * float(SCALE) == 2.0 ** -30
    out = run_tile_op(device, {"OP_BINARY_INIT": "mul_init", "OP_BINARY": "mul_tiles"}, [a, b], "float32",
                      "float32", fp32_dest=False)
    assert np.all(out[0, :2] == 0.0), "the unpacker must flush a denormal to zero before the FPU sees it"
    assert np.all(out[0, 2:] == np.float32(1.5) * SCALE)  # normal values pass: the product itself works
