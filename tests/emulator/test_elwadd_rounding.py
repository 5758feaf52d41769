"""ELWADD's alignment rounds half up (emulator/README.md fidelity table, row "ELWADD/ELWSUB: smaller operand's
11-bit mantissa shifted to the larger exponent, round half up"; ttsim `elwadd`), under ttsim and
pessimistic; isa and exact add in fp32. 1.0 + (0.5 + 2^-11): the smaller operand's mantissa 0x401 loses its
last bit in the one-place shift, which rounds it up to 0x201, so the sum is 1.5 + 2^-10; truncating
would give 1.5 (mutation suite mutant `numerics-elwadd-alignment-truncates`)."""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest

import emulator
from tests.emulator.harness import run_tile_op

SMALLER = np.float32(0.5 + 2.0 ** -11)  # 10 explicit mantissa bits: exact in TF32 (fp32 CB, fp32 DST)


@pytest.fixture(scope="module", params=[("ttsim", 1.5 + 2.0 ** -10), ("pessimistic", 1.5 + 2.0 ** -10),
                                        ("isa", 1.5 + 2.0 ** -11), ("exact", 1.5 + 2.0 ** -11)],
                ids=lambda p: p[0])
def variant(request) -> Iterator[tuple[emulator.EmulatedDevice, float]]:
    name, expected = request.param
    device = emulator.EmulatedDevice(numerics=name)
    yield device, expected
    device.close()


def test_the_aligned_operand_rounds_half_up(variant):
    device, expected = variant
    a = np.ones((1, 32, 32), dtype=np.float32)
    b = np.full((1, 32, 32), SMALLER, dtype=np.float32)
    out = run_tile_op(device, {"OP_BINARY_INIT": "add_init", "OP_BINARY": "add_tiles"}, [a, b], "float32",
                      "float32")
    assert np.all(out == np.float32(expected)), np.unique(out)
