"""Guards of the runner build: it is optimised at -O3, and at that level the truncations of the data
path survive. g++ 12.2 once folded bit_cast(float, bit_cast(u32, f) & mask) back to f in inlined loops
(emulator/README.md, "Documented choices"); `float_of` carries an optimisation barrier against it. These
tests feed datums whose dropped mantissa bits are all ones, so a truncation the compiler removed changes
every datum and fails bit-exactly."""
from __future__ import annotations

import numpy as np
import pytest

from emulator import build
from tests.emulator.harness import pack, run_tile_op, truncate

TF32_MASK, BF16_MASK = 0xFFFFE000, 0xFFFF0000


def low_bits_set(n: int = 2) -> np.ndarray:
    """fp32 tiles in [1, 4) with every mantissa bit below bf16's and TF32's precision set."""
    rng = np.random.default_rng(15)
    bits = rng.integers(0x3F800000, 0x40800000, size=(n, 32, 32), dtype=np.uint32) | np.uint32(0xFFFF)
    return bits.view(np.float32)


def test_runner_is_built_at_o3():
    assert "-O3" in build.RUNNER_FLAGS and "-O2" not in build.RUNNER_FLAGS


@pytest.mark.parametrize("fp32_dest,mask", [(True, TF32_MASK), (False, BF16_MASK)])
def test_unpack_truncation_survives_the_runner_optimiser(emu, fp32_dest, mask):
    x = low_bits_set()
    out = run_tile_op(emu, {"OP_COPY": "1"}, [x], "float32", "float32", fp32_dest=fp32_dest)
    expected = truncate(x, mask)
    assert not np.array_equal(expected, x), "the data must make a dropped truncation visible"
    np.testing.assert_array_equal(out, expected)


def test_dst_store_truncation_survives_the_runner_optimiser(emu):
    """A 16-bit DST: the datum arrives exactly (unpack to dest) and the DST store truncates it to bf16."""
    x = low_bits_set()
    out = run_tile_op(emu, {"OP_COPY": "1"}, [x], "float32", "bfloat16", fp32_dest=False, unpack_to_dest=[0])
    expected = pack(truncate(x, BF16_MASK), "bfloat16")
    np.testing.assert_array_equal(out, expected)
